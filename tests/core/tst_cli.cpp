// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli on real files: info, tokenize, forward (checked against the transformers reference), and
// a one-line error with a non-zero exit on bad input.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "cli_runner.h"
#include "layercut/safetensors_file.h"
#include "reference_data.h"

namespace {

using Run = lc::test::CliRun;
using lc::test::runCli;

const QString kFixtures = LAYERCUT_FIXTURES_DIR;

}  // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private slots:
    void info()
    {
        const Run r = runCli({"info", kFixtures + "/models/llama3_gqa_sharded"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(j["family"].toString(), QString("llama"));
        QCOMPARE(j["layers"].toInt(), 6);
        QCOMPARE(j["kv_heads"].toInt(), 2);
        QCOMPARE(j["vocab_size"].toInt(), 485);
        QCOMPARE(j["dtype"].toString(), QString("float32"));
        QCOMPARE(j["shards"].toInt(), 4);
        QVERIFY(j["parameters"].toInteger() > 0);
        // Each job's GPU memory at the defaults, in the checkpoint's float32 and with NF4 weights.
        const QJsonObject memory = j["gpu_memory_bytes"].toObject();
        for (const char *format : {"float32", "nf4"})
            for (const char *job : {"distances", "evaluation", "healing"})
                QVERIFY2(memory[format].toObject()[job].toInteger() > 0, job);
        QVERIFY(memory["nf4"].toObject()["distances"].toInteger() <
                memory["float32"].toObject()["distances"].toInteger());
    }

    void tokenize_data()
    {
        // The expected ids are Hugging Face tokenizers' own (tests/fixtures/tokenizers/cases.json): Qwen2's
        // BPE as it is, Llama 3's with its BOS (--add-special). tst_tokenizers checks every case in process;
        // here the cases that test the way in through argv and out as JSON (tabs and CRLF, CJK, emoji with
        // joiners, special tokens in the text, an empty text), as each run costs a process start.
        QTest::addColumn<QString>("tokenizer");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("special");
        QTest::addColumn<QJsonArray>("expected");
        QFile file(kFixtures + "/tokenizers/cases.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject cases = QJsonDocument::fromJson(file.readAll()).object();
        const std::vector<std::tuple<QString, bool, std::vector<int>>> chosen = {
            {QStringLiteral("qwen2_bpe"), false, {2, 6, 11, 13, 17}}, {QStringLiteral("llama3_bpe"), true, {0, 2, 18}}};
        for (const auto &[name, special, indices] : chosen) {
            const QJsonArray list = cases[name].toArray();
            QVERIFY(list.size() >= 20);
            for (const int i : indices) {
                const QJsonObject c = list[i].toObject();
                QTest::addRow("%s #%d", qPrintable(name), i)
                    << kFixtures + "/tokenizers/" + name + "/tokenizer.json" << c["text"].toString() << special
                    << c[special ? "ids_special" : "ids"].toArray();
            }
        }
    }

    void tokenize()
    {
        QFETCH(QString, tokenizer);
        QFETCH(QString, text);
        QFETCH(bool, special);
        QFETCH(QJsonArray, expected);
        QStringList args = {"tokenize", tokenizer, text};
        if (special)
            args << "--add-special";
        const Run r = runCli(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["ids"].toArray(), expected);
    }

    void tokenizeSentencepiece()
    {
        const Run withBos = runCli({"tokenize", kFixtures + "/models/llama2_spm_classic", "Hello", "--add-special"});
        QCOMPARE(QJsonDocument::fromJson(withBos.out).object()["ids"].toArray().first().toInt(), 1);
    }

    void forwardMatchesReference()
    {
        // The first reference row is unpadded: its ids through the CLI must give the reference logits.
        const std::string folder = (kFixtures + "/models/mistral_bf16").toStdString();
        const lc::test::Reference ref = lc::test::readReference(folder);
        QStringList ids;
        for (int64_t t = 0; t < ref.batch.length; ++t)
            ids << QString::number(ref.batch.ids[static_cast<size_t>(t)]);
        QTemporaryDir dir;
        const QString out = dir.filePath("f.safetensors");
        const Run r = runCli({"forward", QString::fromStdString(folder), "--ids", ids.join(','), "--out", out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        lc::SafetensorsFile f(out.toStdString());
        const auto *logits = f.find("logits");
        const auto *states = f.find("states");
        QVERIFY(logits && states);
        const int64_t T = ref.batch.length, V = ref.logitsShape[2];
        QCOMPARE(logits->shape, (std::vector<int64_t>{T, V}));
        QCOMPARE(states->shape, (std::vector<int64_t>{ref.statesShape[1], T, ref.statesShape[3]}));
        const auto *ours = reinterpret_cast<const float *>(logits->data);
        double maxDiff = 0, maxRef = 0;
        for (int64_t i = 0; i < T * V; ++i) {
            maxDiff = std::max(maxDiff, double(std::abs(ours[i] - ref.logits[static_cast<size_t>(i)])));
            maxRef = std::max(maxRef, double(std::abs(ref.logits[static_cast<size_t>(i)])));
        }
        QVERIFY2(maxDiff / maxRef < 1e-4, qPrintable(QString::number(maxDiff / maxRef)));
    }

    void distances()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("d.json"), csv = dir.filePath("d.csv");
        const Run r = runCli({"distances", kFixtures + "/models/llama3_gqa_sharded", "--data",
                              kFixtures + "/data/tiny_corpus.txt", "--samples", "10", "--batch", "4", "--out", out,
                              "--csv", csv});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // The summary's memory: the estimate; on the CPU no allocator peak.
        const QJsonObject memory = QJsonDocument::fromJson(r.out).object()["memory"].toObject();
        QVERIFY(memory["estimated_bytes"].toInteger() > memory["estimated_weights_bytes"].toInteger());
        QVERIFY(!memory.contains("peak_allocated_bytes"));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonArray angular = j["angular_distance"].toArray();
        QCOMPARE(angular.size(), 7);  // n = 0..L
        for (const auto v : angular[0].toArray())
            QVERIFY(v.isNull());  // row 0 is undefined
        QVERIFY(angular[1].toArray()[5].isDouble() && angular[1].toArray()[6].isNull());
        QVERIFY(angular[6].toArray()[0].isDouble());
        QVERIFY(j["optimal_start"].toArray()[0].isNull());
        QCOMPARE(j["optimal_start"].toArray()[6].toInt(), 0);
        QCOMPARE(j["block_influence"].toArray().size(), 6);
        QCOMPARE(j["all_token_distance"].toArray().size(), 7);
        QCOMPARE(j["sample_count"].toInt(), 10);
        QCOMPARE(j["settings"].toObject()["samples"].toInt(), 10);
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        QCOMPARE(c.readLine(),
                 QByteArray("block_size,start_layer,first_dropped,last_dropped,angular_distance,all_token_distance\n"));
        // 6 + 5 + ... + 1 defined (n, l) pairs after the header
        QCOMPARE(c.readAll().count('\n'), 21);
        const Run bad = runCli(
            {"distances", kFixtures + "/models/llama3_gqa_sharded", "--data", "/nonexistent.jsonl", "--out", out});
        QVERIFY(bad.exitCode != 0 && bad.err.contains("/nonexistent.jsonl"));
        // The same distances measured another way (extra options): the largest |difference| of any d(l, n).
        const auto differenceWith = [&](const QStringList &extra) -> double {
            const QString otherOut = dir.filePath("other.json");
            const Run other = runCli(QStringList{"distances", kFixtures + "/models/llama3_gqa_sharded", "--data",
                                                 kFixtures + "/data/tiny_corpus.txt", "--samples", "10", "--batch", "4",
                                                 "--out", otherOut} +
                                     extra);
            if (other.exitCode != 0)
                return qInfo("%s", other.err.constData()), INFINITY;
            QFile file(otherOut);
            if (!file.open(QIODevice::ReadOnly))
                return INFINITY;
            const QJsonArray a = QJsonDocument::fromJson(file.readAll()).object()["angular_distance"].toArray();
            double largest = 0;
            for (int n = 1; n < angular.size(); ++n)
                for (int l = 0; l + n < angular.size(); ++l)
                    largest =
                        std::max(largest, std::abs(a[n].toArray()[l].toDouble() - angular[n].toArray()[l].toDouble()));
            return largest;
        };
        // Streamed, each block read from the checkpoint when its turn comes: the same last-token distances.
        QVERIFY(differenceWith({"--stream"}) < 1e-6);
        // The blocks over two devices (the CPU twice here; tst_block_placement_cuda crosses GPU and CPU): the same
        // distances. A list with an empty entry, and streaming over several devices, are refused by name.
        QCOMPARE(differenceWith({"--device", "cpu,cpu"}), 0.0);
        const Run emptyEntry = runCli({"distances", kFixtures + "/models/llama3_gqa_sharded", "--data",
                                       kFixtures + "/data/tiny_corpus.txt", "--device", "cpu,,cpu", "--out", out});
        QVERIFY2(emptyEntry.exitCode == 1 && emptyEntry.err.contains("'cpu,,cpu' has an empty entry"),
                 emptyEntry.err.constData());
        const Run streamedSpread =
            runCli({"distances", kFixtures + "/models/llama3_gqa_sharded", "--data",
                    kFixtures + "/data/tiny_corpus.txt", "--stream", "--device", "cpu,cpu", "--out", out});
        QVERIFY2(streamedSpread.exitCode == 1 && streamedSpread.err.contains("streamed distances run on one device"),
                 streamedSpread.err.constData());
        // Over the memory budget (checked on the CPU too): refused before loading, with what would fit.
        const Run over = runCli({"distances", kFixtures + "/models/llama3_gqa_sharded", "--data",
                                 kFixtures + "/data/tiny_corpus.txt", "--memory-budget", "1KB", "--out", out});
        QVERIFY2(over.exitCode == 1 && over.err.contains("distances needs about") &&
                     over.err.contains("1 kB available") && over.err.contains("--no-memory-check"),
                 over.err.constData());
        for (const char *bad : {"lots", "-1GB", "0", "1e30GB"}) {
            const Run notASize = runCli({"distances", kFixtures + "/models/llama3_gqa_sharded", "--data",
                                         kFixtures + "/data/tiny_corpus.txt", "--memory-budget", bad, "--out", out});
            QVERIFY2(notASize.exitCode == 1 &&
                         notASize.err.contains("--memory-budget: '" + QByteArray(bad) + "' is not a size"),
                     notASize.err.constData());
        }
    }

    void prune()
    {
        QTemporaryDir dir;
        const QString model = kFixtures + "/models/qwen3_qknorm", data = kFixtures + "/data/tiny_corpus.txt";
        // An explicit block: no model is loaded; the kept ranges are printed.
        const Run drop = runCli({"prune", model, "--drop", "2:4", "--out", dir.filePath("drop")});
        QVERIFY2(drop.exitCode == 0, drop.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(drop.out).object();
        QCOMPARE(j["kept"].toString(), QString("0–1, 4–5"));
        QCOMPARE(j["dropped"].toString(), QString("2–3"));
        QCOMPARE(j["layers"].toInt(), 4);
        QVERIFY(QFile::exists(dir.filePath("drop/model.safetensors")));
        QVERIFY(QFile::exists(dir.filePath("drop/layercut.json")));
        // The same plan as mergekit's passthrough slices of the source, for whoever merges with mergekit.
        const Run yaml = runCli({"prune", model, "--layers", "1,3,4", "--out-dtype", "bfloat16", "--out",
                                 dir.filePath("list"), "--mergekit-yaml", dir.filePath("list.yml")});
        QVERIFY2(yaml.exitCode == 0, yaml.err.constData());
        QCOMPARE(QJsonDocument::fromJson(yaml.out).object()["mergekit_yaml"].toString(), dir.filePath("list.yml"));
        QFile config(dir.filePath("list.yml"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        const QString source = QDir::cleanPath(QDir(model).absolutePath());
        QCOMPARE(QString::fromUtf8(config.readAll()), QString("slices:\n"
                                                              "  - sources:\n"
                                                              "    - model: %1\n"
                                                              "      layer_range: [0, 1]\n"
                                                              "  - sources:\n"
                                                              "    - model: %1\n"
                                                              "      layer_range: [2, 3]\n"
                                                              "  - sources:\n"
                                                              "    - model: %1\n"
                                                              "      layer_range: [5, 6]\n"
                                                              "merge_method: passthrough\n"
                                                              "dtype: bfloat16\n")
                                                          .arg(source));
        // By similarity, measured on the data, with the held-out loss before and after.
        const Run sim = runCli({"prune", model, "--n", "2", "--data", data, "--samples", "12", "--loss-samples", "6",
                                "--out", dir.filePath("sim")});
        QVERIFY2(sim.exitCode == 0, sim.err.constData());
        const QJsonObject s = QJsonDocument::fromJson(sim.out).object();
        QCOMPARE(s["method"].toString(), QString("similarity"));
        QCOMPARE(s["dropped_layers"].toArray().size(), 2);
        QVERIFY(s["distance"].toDouble() > 0);
        const QJsonObject check = s["loss_check"].toObject();
        QVERIFY(check["held_out"].toBool());
        QVERIFY(check["before"].toObject()["loss"].toDouble() > 0 && check["after"].toObject()["loss"].toDouble() > 0);
        // The heuristic strategies need no data; a fraction is rounded to layers.
        const Run deep =
            runCli({"prune", model, "--fraction", "0.34", "--strategy", "deepest", "--out", dir.filePath("deep")});
        QVERIFY2(deep.exitCode == 0, deep.err.constData());
        QCOMPARE(QJsonDocument::fromJson(deep.out).object()["dropped"].toString(), QString("3–4"));
        // An existing folder is refused, named, and left alone; --help says END is exclusive.
        const Run again = runCli({"prune", model, "--drop", "2:4", "--out", dir.filePath("drop")});
        QVERIFY(again.exitCode != 0 && again.err.contains("already exists") && again.err.contains("drop"));
        QVERIFY(runCli({"prune", model, "--n", "2", "--out", dir.filePath("x")}).err.contains("--data"));
        QVERIFY(runCli({"prune", "--help"}).out.contains("END exclusive"));
    }

    void heal()
    {
        QTemporaryDir dir;
        const QString model = kFixtures + "/models/llama3_gqa_sharded", data = kFixtures + "/data/tiny_corpus.txt";
        const QString out = dir.filePath("healed");
        const Run r = runCli({"heal",
                              model,
                              "--data",
                              data,
                              "--drop",
                              "2:4",
                              "--steps",
                              "12",
                              "--rank",
                              "4",
                              "--batch",
                              "4",
                              "--micro-batch",
                              "2",
                              "--seq-len",
                              "32",
                              "--warmup",
                              "2",
                              "--lr",
                              "3e-3",
                              "--eval-every",
                              "6",
                              "--checkpoint-every",
                              "6",
                              "--merge",
                              "--out",
                              out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["steps"].toInt(), 12);
        QCOMPARE(o["quantization"].toString(), QString("nf4"));
        QCOMPARE(o["alpha"].toDouble(), 4.0);  // alpha = r unless given
        QVERIFY(o["final_train_loss"].toDouble() < o["first_train_loss"].toDouble());
        QVERIFY(o["final_validation_loss"].toDouble() < o["initial_validation_loss"].toDouble());
        QVERIFY(r.err.contains("step 12/12"));
        for (const char *file :
             {"adapter_config.json", "adapter_model.safetensors", "loss.csv", "healing.json",
              "checkpoints/step-000006/trainer_state.json", "merged/config.json", "merged/layercut.json"})
            QVERIFY2(QFile::exists(out + "/" + file), file);
        // Resume from the middle: the same final loss as the uninterrupted run.
        const Run resumed = runCli({"heal",          model,
                                    "--data",        data,
                                    "--drop",        "2:4",
                                    "--steps",       "12",
                                    "--rank",        "4",
                                    "--batch",       "4",
                                    "--micro-batch", "2",
                                    "--seq-len",     "32",
                                    "--warmup",      "2",
                                    "--lr",          "3e-3",
                                    "--eval-every",  "6",
                                    "--resume",      out + "/checkpoints/step-000006",
                                    "--out",         dir.filePath("resumed")});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QCOMPARE(QJsonDocument::fromJson(resumed.out).object()["final_train_loss"].toDouble(),
                 o["final_train_loss"].toDouble());
        // Bad settings are one line naming the problem.
        const Run bad =
            runCli({"heal", model, "--data", data, "--batch", "3", "--micro-batch", "2", "--out", dir.filePath("x")});
        QVERIFY(bad.exitCode != 0 && bad.err.contains("micro-batch"));
        // A warmup as long as the run would never reach the peak learning rate: refused before loading.
        const Run longWarmup =
            runCli({"heal", model, "--data", data, "--steps", "40", "--warmup", "100", "--out", dir.filePath("y")});
        QVERIFY2(longWarmup.exitCode != 0 && longWarmup.err.contains("warmup of 100 steps") &&
                     longWarmup.err.contains("run of 40 steps"),
                 longWarmup.err.constData());
        QVERIFY(!QFile::exists(dir.filePath("y")));
        const Run help = runCli({"heal", "--help"});
        QVERIFY(help.out.contains("default: 2% of the steps, at least 1 (the paper: 100 of 5000)"));
    }

    // Knowledge injection in one command: the S strategy built in memory, its new block trained alone, the
    // expanded model merged and written; generate runs inserted blocks as the identity they start as.
    void injectInMemory()
    {
        QTemporaryDir dir;
        const QString model = kFixtures + "/models/qwen3_qknorm", out = dir.filePath("injected");
        const Run r = runCli({"heal",
                              model,
                              "--data",
                              kFixtures + "/data/tiny_corpus.txt",
                              "--method",
                              "blocks",
                              "--s-strategy",
                              "--steps",
                              "3",
                              "--batch",
                              "2",
                              "--micro-batch",
                              "2",
                              "--seq-len",
                              "32",
                              "--warmup",
                              "0",
                              "--lr",
                              "1e-2",
                              "--eval-every",
                              "0",
                              "--merge",
                              "--out",
                              out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["layers"].toInt(), 5);  // 6 blocks, one inserted after 1, the last 2 dropped
        QCOMPARE(o["inserted_after"].toArray(), QJsonArray({1}));
        QCOMPARE(o["dropped"].toString(), QString("4–5"));
        QFile config(out + "/merged/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(config.readAll()).object()["num_hidden_layers"].toInt(), 5);
        QFile record(out + "/merged/layercut.json");
        QVERIFY(record.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(record.readAll()).object()["inserted_after"].toArray(), QJsonArray({1}));

        const QStringList prompt = {"--prompt", "The quick brown fox", "--max-new-tokens", "8", "--no-eos"};
        const Run expanded =
            runCli(QStringList{"generate", model, "--insert-after", "0,2", "--init", "copy", "--drop", "5:6"} + prompt);
        QVERIFY2(expanded.exitCode == 0, expanded.err.constData());
        const QJsonObject e = QJsonDocument::fromJson(expanded.out).object();
        QCOMPARE(e["layers"].toInt(), 7);
        QCOMPARE(e["inserted_after"].toArray(), QJsonArray({0, 2}));
        const Run pruned = runCli(QStringList{"generate", model, "--drop", "5:6"} + prompt);
        QCOMPARE(e["outputs"], QJsonDocument::fromJson(pruned.out).object()["outputs"]);
        // Inserting after a dropped block is one line naming it.
        const Run bad = runCli(QStringList{"generate", model, "--insert-after", "5", "--drop", "5:6"} + prompt);
        QVERIFY2(bad.exitCode != 0 && bad.err.contains("after block 5: it is dropped"), bad.err.constData());
    }

    // A second run into a folder holding a run is refused, naming the folder, unless --force (or --resume
    // from one of its checkpoints); --force replaces the old run's checkpoints.
    void healRefusesAnotherRunsFolder()
    {
        QTemporaryDir dir;
        const QString model = kFixtures + "/models/llama3_gqa_sharded", data = kFixtures + "/data/tiny_corpus.txt";
        const QString out = dir.filePath("healed");
        const QStringList run = {"heal", model,       "--data", data,       "--rank", "2",     "--batch",
                                 "2",    "--seq-len", "16",     "--warmup", "0",      "--out", out};
        const Run first = runCli(run + QStringList{"--steps", "4", "--checkpoint-every", "2"});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        QVERIFY(QFile::exists(out + "/checkpoints/step-000004"));
        const Run refused = runCli(run + QStringList{"--steps", "2"});
        QCOMPARE(refused.exitCode, 1);
        const QByteArray error = refused.err.trimmed().split('\n').last();  // after the loading progress
        QVERIFY2(error.startsWith("layercut-cli: error: '" + out.toUtf8() + "'") && error.contains("step-000004") &&
                     error.contains("--force"),
                 refused.err.constData());
        const Run forced = runCli(run + QStringList{"--steps", "2", "--force"});
        QVERIFY2(forced.exitCode == 0, forced.err.constData());
        QVERIFY(QFile::exists(out + "/checkpoints/step-000002") && !QFile::exists(out + "/checkpoints/step-000004"));
        QVERIFY(runCli({"heal", "--help"}).out.contains("Replace an earlier run in --out"));
    }

    void generateAndGsm8k()
    {
        // generate: greedy continuations as JSON; the same prompt twice in one batch gives the same tokens.
        const QString model = kFixtures + "/models/mistral_window";
        const Run g = runCli({"generate", model, "--prompt", "The quick brown fox", "--prompt", "Hello", "--prompt",
                              "The quick brown fox", "--max-new-tokens", "12", "--no-eos", "--drop", "1:2"});
        QVERIFY2(g.exitCode == 0, g.err.constData());
        const QJsonObject j = QJsonDocument::fromJson(g.out).object();
        QCOMPARE(j["layers"].toInt(), 5);  // the fixture's 6 blocks, block 1 dropped
        const QJsonArray outputs = j["outputs"].toArray();
        QCOMPARE(outputs.size(), 3);
        QCOMPARE(outputs[0].toObject()["tokens"].toArray().size(), 12);
        QCOMPARE(outputs[0].toObject()["tokens"], outputs[2].toObject()["tokens"]);
        QCOMPARE(outputs[0].toObject()["finish"].toString(), QString("length"));
        QCOMPARE(outputs[1].toObject()["logprobs"].toArray().size(), 12);
        // eval --gsm8k: every question's generation, predictions and answer in --out; counts on stdout.
        QTemporaryDir dir;
        const QString out = dir.filePath("gsm8k.json");
        const Run e =
            runCli({"eval", kFixtures + "/models/qwen2_window", "--gsm8k", kFixtures + "/data/gsm8k_tiny.jsonl",
                    "--gsm8k-shots", "2", "--max-new-tokens", "16", "--out", out});
        QVERIFY2(e.exitCode == 0, e.err.constData());
        const QJsonObject summary = QJsonDocument::fromJson(e.out).object();
        QCOMPARE(summary["gsm8k"].toObject()["total"].toInt(), 3);
        QVERIFY(!summary["gsm8k"].toObject().contains("questions"));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject saved = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray questions = saved["gsm8k"].toObject()["questions"].toArray();
        QCOMPARE(questions.size(), 3);
        for (const char *key : {"generated", "prediction", "flexible_prediction", "answer", "correct"})
            QVERIFY2(questions[0].toObject().contains(key), key);
        QCOMPARE(questions[1].toObject()["answer"].toString(), QString("-5"));
        QCOMPARE(saved["gsm8k_shots"].toInt(), 2);
        // sweep --gsm8k: each point's strict and flexible accuracy, on stderr as it comes and in the file.
        const QString sweepFile = dir.filePath("sweep.json");
        const Run s = runCli({"sweep", kFixtures + "/models/qwen2_window", "--fractions", "0,0.34", "--strategy",
                              "reverse", "--gsm8k", kFixtures + "/data/gsm8k_tiny.jsonl", "--gsm8k-shots", "2",
                              "--max-new-tokens", "8", "--out", sweepFile});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        QVERIFY2(s.err.contains("gsm8k 0."), s.err.constData());
        const QJsonArray points = QJsonDocument::fromJson(s.out).object()["points"].toArray();
        QCOMPARE(points.size(), 2);
        for (const auto &p : points)
            QVERIFY(p.toObject()["gsm8k"].isDouble() && p.toObject()["gsm8k_flexible"].isDouble());
        // sweep --per-layer --inject-steps: the probe's second kind, a block after each layer trained on the
        // corpus; its points say so on stderr and in the file. Without --per-layer it is refused.
        const Run probe = runCli({"sweep",
                                  kFixtures + "/models/qwen2_window",
                                  "--per-layer",
                                  "--inject-steps",
                                  "1",
                                  "--inject-init",
                                  "copy",
                                  "--inject-data",
                                  kFixtures + "/data/tiny_corpus.txt",
                                  "--inject-boolq",
                                  kFixtures + "/data/boolq_tiny.jsonl",
                                  "--heal-seq-len",
                                  "16",
                                  "--heal-batch",
                                  "2",
                                  "--val-data",
                                  kFixtures + "/data/tiny_corpus.txt",
                                  "--loss-samples",
                                  "2",
                                  "--loss-length",
                                  "16",
                                  "--out",
                                  dir.filePath("probe.json")});
        QVERIFY2(probe.exitCode == 0, probe.err.constData());
        QVERIFY2(probe.err.contains("block inserted after 1") && probe.err.contains("injected mmlu -  boolq 0."),
                 probe.err.constData());
        const QJsonObject probed = QJsonDocument::fromJson(probe.out).object();
        QCOMPARE(probed["points"].toArray().size(), 1 + 2 * probed["layers"].toInt());
        QCOMPARE(probed["points"].toArray().last().toObject()["inserted_after"].toInt(), probed["layers"].toInt() - 1);
        QCOMPARE(probed["settings"].toObject()["inject_init"].toString(), QString("copy"));
        const Run notPerLayer = runCli({"sweep", kFixtures + "/models/qwen2_window", "--inject-steps", "1", "--out",
                                        dir.filePath("refused.json")});
        QVERIFY(notPerLayer.exitCode != 0 && notPerLayer.err.contains("--per-layer"));
        // Options that cannot work are refused before anything loads.
        const Run bad = runCli({"eval", model, "--gsm8k-train", kFixtures + "/data/gsm8k_tiny.jsonl", "--out", out});
        QVERIFY(bad.exitCode != 0 && bad.err.contains("--gsm8k"));
        QVERIFY(runCli({"generate", model, "--prompt", "x", "--max-new-tokens", "0"}).exitCode != 0);
    }

    void errorsAreOneLine()
    {
        for (const QStringList &args : {QStringList{"info", "/nonexistent"},
                                        QStringList{"forward", kFixtures + "/models/qwen3_qknorm", "--ids", "1,x",
                                                    "--out", "/tmp/unused.safetensors"},
                                        QStringList{"tokenize", "/nonexistent/tokenizer.model", "hi"}}) {
            const Run r = runCli(args);
            QVERIFY(r.exitCode != 0);
            QVERIFY2(r.out.isEmpty(), r.out.constData());
            QVERIFY2(r.err.startsWith("layercut-cli: error: ") && r.err.count('\n') == 1, r.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
