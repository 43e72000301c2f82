// SPDX-License-Identifier: GPL-3.0-or-later
// What a healing run leaves: merged weights that give the adapted model's logits (every family, Phi-3's fused
// projections too), PEFT's files, partial fine-tuning's trained blocks written back by name.
#include <QTemporaryDir>
#include <QTest>

#include "healing_test_support.h"
#include "layercut/checkpoint.h"
#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/model_config.h"
#include "layercut/tokenizer.h"

using namespace lc;
using namespace lc::healing_test;

class TestHealingExport final : public QObject
{
    Q_OBJECT

private slots:
    void mergedWeightsGiveTheAdaptedLogits_data()
    {
        QTest::addColumn<QString>("family");
        QTest::addColumn<double>("bound");
        // float32 checkpoint: exact up to float32 rounding. float16 checkpoint: the merged weights are
        // written in float16, as the source.
        QTest::newRow("llama3, float32") << "llama3_gqa_sharded" << 1e-5;
        QTest::newRow("qwen2, tied, q/k/v biases, float16") << "qwen2_tied_f16" << 5e-3;
        QTest::newRow("olmo2, norms after each half") << "olmo2_postnorm" << 1e-5;
        QTest::newRow("gemma2, four norms, soft-capping") << "gemma2_softcap" << 1e-5;
        // Adapters on q, k, v and gate, up merge into their rows of qkv_proj and gate_up_proj.
        QTest::newRow("phi3, fused projections") << "phi3_longrope" << 1e-5;
    }

    void mergedWeightsGiveTheAdaptedLogits()
    {
        QFETCH(QString, family);
        QFETCH(double, bound);
        auto session = loadPruned(family.toStdString());
        const std::vector<float> base = logits(*session);
        HealingConfig c = tinyConfig(6);
        c.quantization = BaseQuantization::None;  // a dense base: W + s·B·A is what the adapted model computes
        c.targetModules = allLinearModules();
        c.learningRate = 1e-2;
        healModel(*session, c);
        const std::vector<float> adapted = logits(*session);
        QVERIFY(relativeError(adapted, base) > 1e-3);  // the adapters learnt something

        QTemporaryDir dir;
        const ExportResult e = exportHealedModel(*session, fs::path(dir.path().toStdString()) / "merged");
        QCOMPARE(e.layers, session->info().config.numLayers - 2);
        ModelSession merged;
        merged.load(e.folder, testDevice());
        const std::vector<float> reloaded = logits(merged);
        QVERIFY2(relativeError(reloaded, adapted) < bound,
                 qPrintable(QString::number(relativeError(reloaded, adapted))));
        const nlohmann::json record = readJsonFile(e.folder / "layercut.json");
        QCOMPARE(record["healing"]["method"].get<std::string>(), std::string("lora"));
    }

    void outputsInPeftLayout()
    {
        QTemporaryDir dir;
        const fs::path out = dir.path().toStdString();
        auto session = loadPruned();
        HealingConfig c = tinyConfig(3);
        c.outputDir = out;
        const HealingResult r = healModel(*session, c);
        QCOMPARE(r.adapterDir, out);
        const nlohmann::json config = readJsonFile(out / "adapter_config.json");
        QCOMPARE(config["peft_type"].get<std::string>(), std::string("LORA"));
        QCOMPARE(config["r"].get<int>(), 8);
        QCOMPARE(config["lora_alpha"].get<double>(), 16.0);
        QCOMPARE(config["target_modules"].get<std::vector<std::string>>(), ffnModules());
        const SafetensorsFile adapters(out / "adapter_model.safetensors");
        QCOMPARE(adapters.tensors().size(), size_t(4 * 3 * 2));  // 4 kept layers × 3 targets × A, B
        // Layers are numbered as in the pruned model (0..3), not the source (0, 1, 4, 5).
        const TensorEntry *a = adapters.find("base_model.model.model.layers.3.mlp.down_proj.lora_A.weight");
        QVERIFY(a);
        QCOMPARE(a->dtype, std::string("F32"));
        QCOMPARE(a->shape, (std::vector<int64_t>{8, 144}));
        QCOMPARE(adapters.find("base_model.model.model.layers.3.mlp.down_proj.lora_B.weight")->shape,
                 (std::vector<int64_t>{64, 8}));
        QVERIFY(!adapters.find("base_model.model.model.layers.4.mlp.down_proj.lora_A.weight"));
        // loss.csv: a header, the validation before training, then one row per step.
        std::ifstream csv(out / "loss.csv");
        std::string line;
        std::getline(csv, line);
        QCOMPARE(line, std::string("step,train_loss,val_loss,lr"));
        int rows = 0;
        while (std::getline(csv, line))
            ++rows;
        QCOMPARE(rows, 4);
        QVERIFY(readJsonFile(out / "healing.json")["final_validation_loss"].is_number());
    }

    void partialFineTuningTrainsOnlyTheLastBlocks()
    {
        auto session = loadPruned();
        healModel(*session, lastBlockConfig());
        QTemporaryDir dir;
        const ExportResult e = exportHealedModel(*session, fs::path(dir.path().toStdString()) / "out");
        const Checkpoint source = Checkpoint::open(kModels + "llama3_gqa_sharded");
        const Checkpoint healed = Checkpoint::open(e.folder);
        const auto same = [&](const std::string &from, const std::string &to) {
            return sameBytes(source, from, healed, to);
        };
        QVERIFY(same("model.embed_tokens.weight", "model.embed_tokens.weight"));
        QVERIFY(same("model.layers.4.mlp.up_proj.weight", "model.layers.2.mlp.up_proj.weight"));   // frozen
        QVERIFY(!same("model.layers.5.mlp.up_proj.weight", "model.layers.3.mlp.up_proj.weight"));  // trained
        QVERIFY(!same("model.layers.5.self_attn.k_proj.weight", "model.layers.3.self_attn.k_proj.weight"));
        QVERIFY(!same("lm_head.weight", "lm_head.weight"));
        QVERIFY(!same("model.norm.weight", "model.norm.weight"));
    }

    void fusedProjectionsTrainWhole()
    {
        // Phi-3: partial fine-tuning trains qkv_proj and gate_up_proj as the checkpoint holds them, and the
        // export writes them back under those names: the reloaded model computes what the trained one did.
        auto session = loadPruned("phi3_longrope");
        const std::vector<float> before = logits(*session);
        healModel(*session, lastBlockConfig());
        const std::vector<float> trained = logits(*session);
        QVERIFY(relativeError(trained, before) > 1e-3);
        QTemporaryDir dir;
        const ExportResult e = exportHealedModel(*session, fs::path(dir.path().toStdString()) / "out");
        const Checkpoint source = Checkpoint::open(kModels + "phi3_longrope");
        const Checkpoint healed = Checkpoint::open(e.folder);
        const auto same = [&](const std::string &from, const std::string &to) {
            return sameBytes(source, from, healed, to);
        };
        QVERIFY(same("model.layers.4.self_attn.qkv_proj.weight", "model.layers.2.self_attn.qkv_proj.weight"));
        QVERIFY(!same("model.layers.5.self_attn.qkv_proj.weight", "model.layers.3.self_attn.qkv_proj.weight"));
        QVERIFY(!same("model.layers.5.mlp.gate_up_proj.weight", "model.layers.3.mlp.gate_up_proj.weight"));
        QVERIFY(!healed.find("model.layers.3.self_attn.q_proj.weight").first);
        ModelSession reloaded;
        reloaded.load(e.folder, testDevice());
        QVERIFY2(relativeError(logits(reloaded), trained) < 1e-5,
                 qPrintable(QString::number(relativeError(logits(reloaded), trained))));
    }
};

QTEST_APPLESS_MAIN(TestHealingExport)
#include "tst_healing_export.moc"
