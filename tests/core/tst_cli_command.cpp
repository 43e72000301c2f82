// SPDX-License-Identifier: GPL-3.0-or-later
// Every job as its layercut-cli command (layercut/cli_command.h): each command line, run by /bin/sh as a
// user would paste it, succeeds and does what the options say (layers, settings, files); words a shell
// would split or expand arrive as they were.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "layercut/cli_command.h"
#include "layercut/error.h"
#include "layercut/evaluation_json.h"
#include "layercut/healing_json.h"
#include "layercut/json_file.h"

using namespace lc;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = LAYERCUT_FIXTURES_DIR;
const std::string kModel = kFixtures + "/models/llama3_gqa_sharded";  // 6 layers
const std::string kCorpus = kFixtures + "/data/tiny_corpus.txt";

struct ShellRun
{
    int exitCode = -1;
    QByteArray out, err;
};

/** Runs `line` with /bin/sh -c, layercut-cli found on the PATH as an installed one would be. */
ShellRun runLine(const std::string &line, int timeoutMs = 300000)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("PATH", QFileInfo(LAYERCUT_CLI).absolutePath() + ":" + env.value("PATH"));
    p.setProcessEnvironment(env);
    p.start("/bin/sh", {"-c", QString::fromStdString(line)});
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

/** Runs `line` and fails the test (with the line and stderr) unless it succeeds. */
#define RUN_OK(line)                                                                                                   \
    do {                                                                                                               \
        const ShellRun run_ = runLine(line);                                                                           \
        QVERIFY2(run_.exitCode == 0, qPrintable(QString::fromStdString(line) + "\n" + QString::fromUtf8(run_.err)));   \
    } while (false)

bool contains(const std::string &line, const std::string &part)
{
    return line.find(part) != std::string::npos;
}

/** A copy of `source` at `target`, whose name has spaces and quotes a shell would take apart. */
void copyTo(const std::string &source, const fs::path &target)
{
    fs::create_directories(target.parent_path());
    fs::copy_file(source, target, fs::copy_options::overwrite_existing);
}

}  // namespace

class TestCliCommand final : public QObject
{
    Q_OBJECT

private slots:
    void quotesForTheShell()
    {
        QCOMPARE(shellQuote("models/llama-3.1_8B@v2:x,y=z+%"), std::string("models/llama-3.1_8B@v2:x,y=z+%"));
        QCOMPARE(shellQuote(""), std::string("''"));
        QCOMPARE(shellQuote("a b"), std::string("'a b'"));
        QCOMPARE(shellQuote("it's"), std::string("'it'\\''s'"));
        // Whatever the word holds, the shell hands it over unchanged.
        const std::vector<std::string> words = {"it's \"quoted\"",
                                                "$HOME `id` $(id)",
                                                "*.txt ~ !x",
                                                "back\\slash",
                                                "new\nline",
                                                "tab\there",
                                                "''",
                                                "-n",
                                                ""};
        std::string line = "printf '%s|' ";
        for (const std::string &w : words)
            line += shellQuote(w) + " ";
        const ShellRun r = runLine(line);
        QCOMPARE(r.exitCode, 0);
        std::string expected;
        for (const std::string &w : words)
            expected += w + "|";
        QCOMPARE(r.out.toStdString(), expected);
    }

    void distances()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        PlanSample sample;
        sample.data = root / "data dir" / "it's a corpus.txt";
        copyTo(kCorpus, sample.data);
        sample.options.samples = 10;
        sample.options.maxLength = 24;
        sample.options.seed = 3;
        sample.batchSize = 4;
        const fs::path out = root / "out dir" / "distances.json";
        fs::create_directories(out.parent_path());
        const std::string line = distancesCommand(kModel, LoadOptions(), sample, out);
        QVERIFY2(contains(line, "layercut-cli distances ") && contains(line, " --samples 10") &&
                     contains(line, " --max-length 24") && contains(line, " --seed 3") &&
                     contains(line, " --batch 4") && !contains(line, "--device"),
                 line.c_str());
        RUN_OK(line);
        const nlohmann::json j = readJsonFile(out);
        QCOMPARE(j["num_layers"].get<int64_t>(), int64_t(6));
        QCOMPARE(j["sample_count"].get<int64_t>(), int64_t(10));
        const nlohmann::json &s = j["settings"];
        QCOMPARE(s["data"].get<std::string>(), sample.data.string());
        QCOMPARE(s["samples"].get<int64_t>(), int64_t(10));
        QCOMPARE(s["max_length"].get<int64_t>(), int64_t(24));
        QCOMPARE(s["seed"].get<int64_t>(), int64_t(3));
        QCOMPARE(s["batch"].get<int64_t>(), int64_t(4));
        // Defaults are left out; settings without an option are refused rather than dropped.
        QCOMPARE(distancesCommand(kModel, LoadOptions(), {.data = "d.txt"}, "o.json"),
                 "layercut-cli distances " + shellQuote(kModel) + " --data d.txt --out o.json");
        PlanSample noSpecial{.data = "d.txt"};
        noSpecial.options.addSpecial = false;
        QVERIFY_THROWS_EXCEPTION(Error, distancesCommand(kModel, LoadOptions(), noSpecial, "o.json"));
        LoadOptions gpu{.device = "cuda:1", .dtype = DType::BFloat16, .nf4 = true};
        const std::string onGpu = distancesCommand(kModel, gpu, {.data = "d.txt"}, "o.json");
        QVERIFY2(contains(onGpu, " --device cuda:1 --dtype bfloat16 --nf4"), onGpu.c_str());
    }

    void prune_data()
    {
        QTest::addColumn<std::vector<int64_t>>("dropped");
        QTest::addColumn<QString>("planOption");
        QTest::addColumn<int>("slices");
        QTest::newRow("block") << std::vector<int64_t>{2, 3} << "--drop 2:4" << 2;
        QTest::newRow("list") << std::vector<int64_t>{0, 3, 4} << "--layers 0,3,4" << 2;
        QTest::newRow("last") << std::vector<int64_t>{5} << "--drop 5:6" << 1;
    }

    void prune()
    {
        QFETCH(std::vector<int64_t>, dropped);
        QFETCH(QString, planOption);
        QFETCH(int, slices);
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const PrunePlan plan = PrunePlan::dropList(6, dropped);
        ExportOptions options;
        options.dtype = DType::BFloat16;
        options.maxShardBytes = 200'000;
        options.metric = DistanceMetric::AllTokens;
        const fs::path target = root / "pruned model", yaml = root / "merge config.yml";
        const std::string line = pruneCommand(kModel, plan, options, target, yaml);
        QVERIFY2(contains(line, " " + planOption.toStdString() + " ") && contains(line, " --out-dtype bfloat16") &&
                     contains(line, " --shard-size 200000") && contains(line, " --metric all_token_distance"),
                 line.c_str());
        RUN_OK(line);
        QCOMPARE(readJsonFile(target / "config.json")["num_hidden_layers"].get<int64_t>(), int64_t(6 - dropped.size()));
        const nlohmann::json record = readJsonFile(target / "layercut.json");
        QCOMPARE(record["dropped_layers"].get<std::vector<int64_t>>(), dropped);
        QCOMPARE(record["metric"].get<std::string>(), std::string("all_token_distance"));
        QCOMPARE(record["dtype"].get<std::string>(), std::string("bfloat16"));
        QFile config(QString::fromStdString(yaml.string()));
        QVERIFY(config.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(config.readAll());
        QCOMPARE(text.count("layer_range:"), slices);
        QVERIFY2(text.contains("merge_method: passthrough") && text.contains("dtype: bfloat16"), qPrintable(text));

        // Run again: the target exists, so only --force (overwrite) replaces it.
        QVERIFY(runLine(line).exitCode != 0);
        options.overwrite = true;
        RUN_OK(pruneCommand(kModel, plan, options, target));
        // Nothing to drop, or a healed export's tensors: no prune command does that.
        QVERIFY_THROWS_EXCEPTION(Error, pruneCommand(kModel, PrunePlan::keepAll(6), options, target));
        ExportOptions healed;
        healed.healingJson = "{}";
        QVERIFY_THROWS_EXCEPTION(Error, pruneCommand(kModel, plan, healed, target));
    }

    void heal()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        HealingConfig c;
        c.trainData = root / "train data.txt";
        copyTo(kCorpus, c.trainData);
        c.quantization = BaseQuantization::Nf4;
        c.doubleQuantization = false;
        c.rank = 4;
        c.alpha = 16;  // not the CLI's default (the rank)
        c.targetModules = {"q_proj", "v_proj"};
        c.dropout = 0.0;
        c.steps = 4;
        c.batchSize = 2;
        c.microBatchSize = 1;
        c.sequenceLength = 32;
        c.learningRate = 3e-3;
        c.warmupSteps = 1;
        c.schedule = LrSchedule::Constant;
        c.beta2 = 0.95;
        c.weightDecay = 0.01;
        c.evalEvery = 2;
        c.validationSequences = 2;
        c.seed = 5;
        c.outputDir = root / "healed run";
        const PrunePlan plan = PrunePlan::dropBlock(6, 2, 2);
        ExportOptions merge;
        merge.dtype = DType::Float16;
        const std::string line = healCommand(kModel, LoadOptions(), c, plan, &merge);
        QVERIFY2(contains(line, " --drop 2:4") && contains(line, " --alpha 16") &&
                     contains(line, " --targets q_proj,v_proj") && contains(line, " --no-double-quant") &&
                     contains(line, " --betas 0.9,0.95") && contains(line, " --merge") &&
                     contains(line, " --out-dtype float16"),
                 line.c_str());
        RUN_OK(line);
        // healing.json holds the settings the run had: every one of them as given.
        const nlohmann::json summary = readJsonFile(c.outputDir / "healing.json");
        const HealingConfig ran = healingConfigFromJson(summary["config"]);
        QVERIFY(ran.method == c.method && ran.quantization == c.quantization && ran.schedule == c.schedule);
        QCOMPARE(ran.doubleQuantization, false);
        QCOMPARE(ran.rank, c.rank);
        QCOMPARE(ran.alpha, c.alpha);
        QCOMPARE(ran.dropout, c.dropout);
        QVERIFY(ran.targetModules == c.targetModules);
        QCOMPARE(ran.steps, c.steps);
        QCOMPARE(ran.batchSize, c.batchSize);
        QCOMPARE(ran.sequenceLength, c.sequenceLength);
        QCOMPARE(ran.learningRate, c.learningRate);
        QCOMPARE(ran.warmupSteps, c.warmupSteps);
        QCOMPARE(ran.beta2, c.beta2);
        QCOMPARE(ran.weightDecay, c.weightDecay);
        QCOMPARE(ran.evalEvery, c.evalEvery);
        QCOMPARE(ran.validationSequences, c.validationSequences);
        QCOMPARE(ran.seed, c.seed);
        QCOMPARE(ran.trainData, c.trainData);
        QCOMPARE(summary["dropped_layers"].get<std::vector<int64_t>>(), plan.dropped());
        const HealingResult result = healingResultFromJson(summary);
        QCOMPARE(result.steps.size(), size_t(4));
        QCOMPARE(result.validation.size(), size_t(3));  // before training, at 2 and at 4
        const fs::path merged = c.outputDir / "merged";
        QCOMPARE(readJsonFile(merged / "config.json")["num_hidden_layers"].get<int64_t>(), int64_t(4));
        QCOMPARE(readJsonFile(merged / "layercut.json")["dtype"].get<std::string>(), std::string("float16"));

        // Without an output folder the run writes nothing, as the GUI's; --merge then has nowhere to go.
        HealingConfig quick = c;
        quick.outputDir.clear();
        quick.steps = 1;
        quick.warmupSteps.reset();
        const std::string nothing = healCommand(kModel, LoadOptions(), quick, PrunePlan::keepAll(6));
        QVERIFY2(!contains(nothing, " --out ") && !contains(nothing, " --drop ") && !contains(nothing, " --warmup "),
                 nothing.c_str());
        RUN_OK(nothing);
        QVERIFY_THROWS_EXCEPTION(Error, healCommand(kModel, LoadOptions(), quick, plan, &merge));
    }

    void insertedBlocks()
    {
        // The S strategy in memory is --drop and --insert-after; expand writes it with --drop-last. Each runs.
        QTemporaryDir dir;
        const BlockPlan slayer = BlockPlan::sStrategy(6);
        HealingConfig c;
        c.method = HealingMethod::Blocks;
        c.quantization = BaseQuantization::None;
        c.trainData = kFixtures + "/data/tiny_corpus.txt";
        c.steps = 1;
        c.batchSize = 2;
        c.microBatchSize = 2;
        c.sequenceLength = 32;
        c.evalEvery = 0;
        c.warmupSteps = 0;
        c.outputDir = (fs::path(dir.path().toStdString()) / "injected").string();
        const std::string heal = healCommand(kModel, LoadOptions(), c, slayer);
        QVERIFY2(contains(heal, " --drop 4:6 --insert-after 1 ") && !contains(heal, "--init"), heal.c_str());
        RUN_OK(heal);
        const std::string expand = expandCommand(kModel, slayer, {}, fs::path(dir.path().toStdString()) / "slayer");
        QVERIFY2(contains(expand, " expand ") && contains(expand, " --after 1 --drop-last 2 "), expand.c_str());
        RUN_OK(expand);
        GenerationOptions greedy;
        greedy.maxNewTokens = 4;
        greedy.stopStrings = {"\n\n", "Question:"};
        greedy.stopAtEos = false;
        const std::string generate =
            generateCommand(kModel, LoadOptions(), "It's a \"test\"\nof quoting", greedy, slayer);
        QVERIFY2(contains(generate, " --stop Question: ") && contains(generate, " --no-eos") &&
                     contains(generate, " --drop 4:6 --insert-after 1"),
                 generate.c_str());
        RUN_OK(generate);
        const BlockPlan copies = BlockPlan::expand(6, {0, 2}, BlockInit::Copy);
        QVERIFY(contains(evalCommand(kModel, LoadOptions(), EvalOptions(), copies, "e.json"),
                         " --insert-after 0,2 --init copy"));
        // What the options cannot say is refused: two initialisations, layers dropped in the middle.
        const BlockPlan mixed = BlockPlan::of(PrunePlan::keepAll(6))
                                    .withInsertions({0}, BlockInit::Copy)
                                    .withInsertions({2}, BlockInit::Average);
        QVERIFY_THROWS_EXCEPTION(Error, healCommand(kModel, LoadOptions(), c, mixed));
        const BlockPlan middle = BlockPlan::of(PrunePlan::dropBlock(6, 2, 1)).withInsertions({0}, BlockInit::Average);
        QVERIFY_THROWS_EXCEPTION(Error, expandCommand(kModel, middle, {}, "x"));
    }

    void eval()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        EvalOptions o;
        o.mmlu = kFixtures + "/data/mmlu";
        o.boolq = kFixtures + "/data/boolq_tiny.jsonl";
        o.validationData = kCorpus;
        o.shots = 1;
        o.limit = 2;
        o.maxLength = 200;
        o.reusePrefix = false;
        o.lossSequences = 4;
        o.lossLength = 32;
        const PrunePlan plan = PrunePlan::dropList(6, {1, 4});
        const fs::path out = root / "eval result.json";
        const std::string line = evalCommand(kModel, LoadOptions(), o, plan, out);
        QVERIFY2(contains(line, " --layers 1,4") && contains(line, " --shots 1") && contains(line, " --limit 2") &&
                     contains(line, " --max-length 200") && contains(line, " --no-prefix-reuse") &&
                     contains(line, " --loss-samples 4") && contains(line, " --loss-length 32"),
                 line.c_str());
        RUN_OK(line);
        const nlohmann::json j = readJsonFile(out);
        QCOMPARE(j["layers"].get<int64_t>(), int64_t(4));
        QCOMPARE(j["dropped"].get<std::string>(), std::string("1, 4"));
        QCOMPARE(j["shots"].get<int64_t>(), int64_t(1));
        const EvalResult r = evalResultFromJson(j);
        QVERIFY(r.mmlu && r.boolq && r.loss);
        QCOMPARE(r.mmlu->overall.total, int64_t(4));  // 2 questions of each of the 2 subjects
        QCOMPARE(r.mmlu->subjects.size(), size_t(2));
        QCOMPARE(r.boolq->overall.total, int64_t(2));
        QCOMPARE(r.loss->sequences, int64_t(4));
        auto excluded = std::make_shared<DocumentIds>();
        excluded->add(Document(std::string("a document")));
        o.excludeDocuments = excluded;
        QVERIFY_THROWS_EXCEPTION(Error, evalCommand(kModel, LoadOptions(), o, plan, out));
    }

    void sweep()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        SweepOptions o;
        o.fractions = {0, 0.34};
        o.strategies = {PruneStrategy::Deepest, PruneStrategy::Reverse};
        o.eval.validationData = kCorpus;
        o.eval.lossSequences = 4;
        o.eval.lossLength = 32;
        o.healSteps = 1;
        o.healing.trainData = kCorpus;
        o.healing.quantization = BaseQuantization::None;
        o.healing.rank = 4;
        o.healing.alpha = 8;
        o.healing.targetModules = allLinearModules();
        o.healing.batchSize = 2;
        o.healing.sequenceLength = 32;
        o.healing.learningRate = 1e-3;
        o.healing.validationSequences = 2;
        o.healing.seed = 3;
        o.resultFile = root / "sweep result.json";
        // No similarity: the distances are measured on nothing, though --data gives the healing text.
        const std::string line = sweepCommand(kModel, LoadOptions(), o);
        QVERIFY2(contains(line, " --fractions 0,0.34 --strategy deepest,reverse") &&
                     contains(line, " --plan-data ''") && contains(line, " --heal-steps 1") &&
                     contains(line, " --heal-alpha 8") && contains(line, " --heal-targets all") &&
                     contains(line, " --heal-seed 3"),
                 line.c_str());
        RUN_OK(line);
        const nlohmann::json j = readJsonFile(o.resultFile);
        const nlohmann::json &s = j["settings"];
        QCOMPARE(s["distance_data"].get<std::string>(), std::string());
        QCOMPARE(s["heal_steps"].get<int64_t>(), int64_t(1));
        QCOMPARE(s["heal_rank"].get<int64_t>(), int64_t(4));
        QCOMPARE(s["heal_alpha"].get<double>(), 8.0);
        QCOMPARE(s["heal_quantization"].get<std::string>(), std::string("none"));
        QCOMPARE(s["heal_target_modules"].get<std::vector<std::string>>(), allLinearModules());
        QCOMPARE(s["heal_seed"].get<uint64_t>(), uint64_t(3));
        QCOMPARE(s["loss_samples"].get<int64_t>(), int64_t(4));
        const SweepResult r = sweepFromJson(j, o.resultFile.string());
        QCOMPARE(r.points.size(), size_t(8));  // 2 strategies x 2 fractions, unhealed and healed
        for (const SweepPoint &p : r.points) {
            QVERIFY(p.loss.has_value());
            if (p.fraction > 0)
                QCOMPARE(p.dropped, p.strategy == PruneStrategy::Deepest ? (std::vector<int64_t>{3, 4})
                                                                         : (std::vector<int64_t>{4, 5}));
        }
        // The same command again finds every point done: the settings it records are the same.
        const ShellRun again = runLine(line);
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QVERIFY2(!again.err.contains("dropped)"), again.err.constData());  // no point measured again
        QCOMPARE(sweepFromJson(readJsonFile(o.resultFile), "again").points.size(), size_t(8));
    }

    void importanceScan()
    {
        QTemporaryDir dir;
        SweepOptions o;
        o.perLayer = true;
        o.eval.validationData = kCorpus;
        o.eval.lossSequences = 2;
        o.eval.lossLength = 16;
        o.resultFile = dir.filePath("importance.json").toStdString();
        const std::string line = sweepCommand(kModel, LoadOptions(), o);
        QVERIFY2(contains(line, " --per-layer") && !contains(line, "--fractions") && !contains(line, "--heal-"),
                 line.c_str());
        RUN_OK(line);
        const SweepResult r = sweepFromJson(readJsonFile(o.resultFile), "importance.json");
        QCOMPARE(r.points.size(), size_t(7));  // the whole model, then each of the 6 layers alone
        QVERIFY(r.points.back().strategy == PruneStrategy::Single);
        QCOMPARE(r.points.back().dropped, (std::vector<int64_t>{5}));
        // What the CLI cannot do is refused, not dropped.
        SweepOptions single = o;
        single.perLayer = false;
        single.fractions = {0.5};
        single.strategies = {PruneStrategy::Single};
        QVERIFY_THROWS_EXCEPTION(Error, sweepCommand(kModel, LoadOptions(), single));
        SweepOptions window = o;
        window.eval.maxLength = 64;
        QVERIFY_THROWS_EXCEPTION(Error, sweepCommand(kModel, LoadOptions(), window));
        SweepOptions nowhere = o;
        nowhere.resultFile.clear();
        QVERIFY_THROWS_EXCEPTION(Error, sweepCommand(kModel, LoadOptions(), nowhere));
    }
};

QTEST_GUILESS_MAIN(TestCliCommand)
#include "tst_cli_command.moc"
