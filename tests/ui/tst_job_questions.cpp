// SPDX-License-Identifier: GPL-3.0-or-later
// What the window asks before a healing run into a folder that holds another run: nothing for an empty or
// new folder, and the answer decides whether the run may replace the earlier one. Before a job whose memory
// estimate exceeds what the device has: the need (on each GPU of a model placed over several), and what would fit
// as the window's settings name it (more GPUs among it). The devices a model can open on.
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "jobs/job_questions.h"
#include "jobs/memory_fit.h"
#include "layercut/model_config.h"
#include "widgets/device_combo_box.h"

class TestJobQuestions : public QObject
{
    Q_OBJECT

private slots:
    void asksOnlyWhenAnotherRunIsThere()
    {
        QTemporaryDir dir;
        lc::HealingConfig config;
        config.outputDir = (dir.path() + "/healing").toStdString();
        JobQuestions questions(nullptr);
        QStringList asked;
        bool answer = false;
        questions.setAsk([&](const QString &question) {
            asked << question;
            return answer;
        });

        // A folder that does not exist yet, then one with only files every run rewrites: nothing to ask.
        QVERIFY(questions.healingOutput(config));
        std::filesystem::create_directories(config.outputDir);
        std::ofstream(config.outputDir / "loss.csv") << "step,loss\n";
        QVERIFY(questions.healingOutput(config));
        QVERIFY(asked.isEmpty());
        QVERIFY(!config.overwriteOutput);

        // An earlier run's adapters and checkpoints: asked, naming them; No keeps the run from starting.
        std::ofstream(config.outputDir / "adapter_model.safetensors") << "x";
        std::filesystem::create_directories(config.outputDir / "checkpoints" / "step-000010");
        QVERIFY(!questions.healingOutput(config));
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked[0].contains("adapter_model.safetensors") && asked[0].contains("step-000010"),
                 qPrintable(asked[0]));
        QVERIFY(!config.overwriteOutput);

        // Yes lets it start and replace the earlier run.
        answer = true;
        QVERIFY(questions.healingOutput(config));
        QVERIFY(config.overwriteOutput);

        // Resuming from one of its checkpoints continues that run: nothing to ask.
        asked.clear();
        config.overwriteOutput = false;
        config.resumeFrom = config.outputDir / "checkpoints" / "step-000010";
        QVERIFY(questions.healingOutput(config));
        QVERIFY(asked.isEmpty());
    }

    void memoryQuestionSaysWhatWouldFit()
    {
        lc::ModelInfo info;  // a Llama-3-8B shape loaded in bfloat16 on a GPU
        info.config = lc::ModelConfig::fromJsonText(
            R"({"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
                "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
                "tie_word_embeddings": false, "torch_dtype": "bfloat16"})",
            "llama3-8b/config.json");
        info.checkpointDtype = info.computeDtype = "bfloat16";
        info.device = "cuda:0";
        lc::MemorySetup s = MemoryFit::loadedSetup(info, 32);
        QCOMPARE(s.dtype, lc::DType::BFloat16);
        QVERIFY(!s.nf4);
        s.sequences = 8, s.length = 2048;
        const int64_t need = lc::estimateMemory(info.config, lc::MemoryJob::Distances, s).total();
        // It fits, or nothing is known of the device: nothing to ask.
        QVERIFY(MemoryFit::question(info, lc::MemoryJob::Distances, s, lc::MemoryRoom::one("cuda:0", need)).isEmpty());
        QVERIFY(MemoryFit::question(info, lc::MemoryJob::Distances, s, std::nullopt).isEmpty());
        // A 24 GB card: a smaller batch in the Analysis dock, NF4 from the toolbar, streaming from the CLI.
        const QString q =
            MemoryFit::question(info, lc::MemoryJob::Distances, s, lc::MemoryRoom::one("cuda:0", 24'000'000'000));
        for (const char *part : {"Measuring distances needs about", "cuda:0", "Batch ", "in the Analysis dock",
                                 "NF4 weights in the toolbar", "layercut-cli distances --stream", "Start anyway?"})
            QVERIFY2(q.contains(part), qPrintable(part + QStringLiteral(" in: ") + q));
        // LoRA on the dense model on a 16 GB card: QLoRA instead.
        lc::MemorySetup lora = s;
        lora.healing.quantization = lc::BaseQuantization::None;
        lora.healing.microBatchSize = 1;
        const QString h =
            MemoryFit::question(info, lc::MemoryJob::Healing, lora, lc::MemoryRoom::one("cuda:0", 16'000'000'000));
        QVERIFY2(h.startsWith("Healing needs about") && h.contains("training state") &&
                     h.contains("QLoRA as the Healing dock's method"),
                 qPrintable(h));
        // Nothing fits 1 GB: said so.
        QVERIFY(MemoryFit::question(info, lc::MemoryJob::Healing, lora, lc::MemoryRoom::one("cuda:0", int64_t{1} << 30))
                    .contains("No smaller batch"));

        // A model over two GPUs: the need on each, and on a machine with a second GPU the job offered there.
        info.device = "cuda:0,cuda:1";
        const lc::MemoryRoom pair{{"cuda:0", "cuda:1"}, {12'000'000'000, 12'000'000'000}, {}, {}, {}, {}};
        const QString two = MemoryFit::question(info, lc::MemoryJob::Distances, s, pair);
        QVERIFY2(two.contains("on cuda:0 (weights") && two.contains("on cuda:1 (weights") &&
                     two.contains("which have 12.00 GB and 12.00 GB"),
                 qPrintable(two));
        lc::MemoryRoom spare = lc::MemoryRoom::one("cuda:0", 20'000'000'000);
        spare.spareDevices = {"cuda:1"};
        spare.spareAvailable = {20'000'000'000};
        const QString more = MemoryFit::question(info, lc::MemoryJob::Distances, s, spare);
        QVERIFY2(more.contains("“All 2 GPUs, the layers spread over them” as the toolbar's device"), qPrintable(more));
        // A list the toolbar does not offer (the job on cuda:2, cuda:0 added): named, with the command line's.
        lc::MemoryRoom third = lc::MemoryRoom::one("cuda:2", 20'000'000'000);
        third.spareDevices = {"cuda:0", "cuda:1"};
        third.spareAvailable = {20'000'000'000, 20'000'000'000};
        const QString named = MemoryFit::question(info, lc::MemoryJob::Distances, s, third);
        QVERIFY2(named.contains("the GPUs cuda:0, cuda:2 (layercut-cli --device cuda:0,cuda:2)"), qPrintable(named));
    }

    // The devices a model opens on: the CPU, one GPU, or each of several and all of them together.
    void deviceChoices()
    {
        QCOMPARE(DeviceComboBox::choices({}).size(), 1);
        QCOMPARE(DeviceComboBox::choices({"cuda:0"}).back().device, QString("cuda"));
        const QList<DeviceComboBox::Choice> two = DeviceComboBox::choices({"cuda:0", "cuda:1"});
        QCOMPARE(two.size(), 4);
        QCOMPARE(two.back().device, QString("cuda:0,cuda:1"));
        DeviceComboBox box(two, nullptr);
        box.setDevice("cuda");  // saved on a machine with one GPU: the first
        QCOMPARE(box.device(), QString("cuda:0"));
        box.setDevice("cuda:0,cuda:1");
        QCOMPARE(box.device(), QString("cuda:0,cuda:1"));
        box.setDevice("cuda:1,cuda:0");  // this machine's GPUs in another order: kept as the project has it
        QCOMPARE(box.device(), QString("cuda:1,cuda:0"));
        box.setDevice("cuda:0,cuda:2");  // a GPU this machine lacks: the CPU
        QCOMPARE(box.device(), QString("cpu"));
        // Four: each, the first two and three together, and all.
        const QList<DeviceComboBox::Choice> four = DeviceComboBox::choices({"cuda:0", "cuda:1", "cuda:2", "cuda:3"});
        QCOMPARE(four.size(), 8);
        QCOMPARE(four[5].device, QString("cuda:0,cuda:1"));
        QCOMPARE(four[6].device, QString("cuda:0,cuda:1,cuda:2"));
        QVERIFY(four[7].label.startsWith("All 4 GPUs"));
        DeviceComboBox one(DeviceComboBox::choices({"cuda:0"}), nullptr);
        one.setDevice("cuda:0");
        QCOMPARE(one.device(), QString("cuda"));
    }
};

QTEST_MAIN(TestJobQuestions)
#include "tst_job_questions.moc"
