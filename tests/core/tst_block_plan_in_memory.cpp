// SPDX-License-Identifier: GPL-3.0-or-later
// Block plans applied in memory (ModelSession::applyBlockPlan): new blocks built from the loaded weights
// compute what the expanded export computes (every family, both initialisations, with originals dropped too);
// dropping and restoring originals keeps what an inserted block learnt; injection training in memory changes
// only the inserted blocks and exports them; LoRA on an inserted block merges onto its in-memory weights; a
// healed model's blocks cannot be rebuilt; the layout's numbering.
#include <cmath>
#include <cstring>

#include <QTemporaryDir>
#include <QTest>

#include "layercut/block_plan.h"
#include "layercut/checkpoint.h"
#include "layercut/error.h"
#include "layercut/generation.h"
#include "layercut/healing.h"
#include "layercut/json_file.h"
#include "layercut/layer_distances.h"
#include "layercut/model_export.h"
#include "layercut/model_session.h"
#include "reference_data.h"

using namespace lc;
using lc::test::maxAbsDiff;
namespace fs = std::filesystem;

namespace {

const std::string kModels = std::string(LAYERCUT_FIXTURES_DIR) + "/models/";

std::vector<float> logitsOf(const fs::path &model, const TokenBatch &batch)
{
    ModelSession session;
    session.load(model, {.device = "cpu"});
    return session.forward(batch).logits;
}

HealingConfig shortRun(HealingMethod method)
{
    HealingConfig c;
    c.method = method;
    c.quantization = BaseQuantization::None;
    c.steps = 3;
    c.batchSize = 2;
    c.sequenceLength = 32;
    c.evalEvery = 0;
    c.warmupSteps = 0;
    c.learningRate = 1e-2;
    c.trainData = LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt";
    return c;
}

/** True when the two checkpoints hold `name` with the same bytes. */
bool sameTensor(const Checkpoint &a, const Checkpoint &b, const std::string &name)
{
    const TensorEntry *x = a.find(name).first, *y = b.find(name).first;
    return x && y && x->byteSize() == y->byteSize() && std::memcmp(x->data, y->data, x->byteSize()) == 0;
}

}  // namespace

class TestBlockPlanInMemory final : public QObject
{
    Q_OBJECT

private slots:
    void layoutNumbersOriginalsAndInsertedBlocks()
    {
        // Inserted after 1 and 3 of 6, then original 2 dropped: memory holds 0 1 1+ 2 3 3+ 4 5.
        BlockPlan plan = BlockPlan::expand(6, {3, 1}, BlockInit::Copy);
        plan.blocks.erase(plan.blocks.begin() + 3);  // original 2
        plan.validate();
        QCOMPARE(plan.layout().size(), int64_t(8));
        QCOMPARE(plan.layoutIndices(), (std::vector<int64_t>{0, 1, 2, 4, 5, 6, 7}));
        const BlockPlan memory = plan.layout();
        for (size_t k = 0; k < plan.blocks.size(); ++k)
            QCOMPARE(memory.blocks[static_cast<size_t>(plan.layoutIndices()[k])], plan.blocks[k]);
        // Without insertions the layout is the checkpoint and the indices are the kept blocks.
        const BlockPlan pruned = BlockPlan::of({.sourceLayers = 6, .kept = {0, 2, 5}});
        QCOMPARE(pruned.layoutIndices(), (std::vector<int64_t>{0, 2, 5}));
        QCOMPARE(pruned.layout().size(), int64_t(6));
        // Insertion into a pruned plan: after kept blocks only, each once.
        QCOMPARE(pruned.withInsertions({2}, BlockInit::Average).insertedAfter(), (std::vector<int64_t>{2}));
        QVERIFY_THROWS_EXCEPTION(Error, pruned.withInsertions({1}, BlockInit::Average));
        QVERIFY_THROWS_EXCEPTION(Error, pruned.withInsertions({2, 2}, BlockInit::Average));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 pruned.withInsertions({2}, BlockInit::Average).withInsertions({2}, BlockInit::Copy));
    }

    void inMemoryEqualsTheExport_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("init");
        for (const char *fixture : {"llama3_gqa_sharded", "llama2_spm_classic", "mistral_bf16", "mistral_window",
                                    "qwen2_tied_f16", "qwen2_window", "qwen3_qknorm", "olmo2_postnorm", "smollm3_nope",
                                    "phi3_longrope", "gemma2_softcap", "gemma3_text"})
            for (const char *init : {"copy", "average"})
                QTest::newRow((std::string(fixture) + "/" + init).c_str()) << fixture << init;
    }

    void inMemoryEqualsTheExport()
    {
        // Blocks after 1, 3 and the last (5); then the same with original 4 dropped. The new blocks are the
        // identity, so the logits are the original's (and the pruned original's), as the export's are.
        QFETCH(QString, fixture);
        QFETCH(QString, init);
        const fs::path source = kModels + fixture.toStdString();
        const test::Reference ref = test::readReference(source.string());
        const BlockPlan expanded = BlockPlan::expand(6, {5, 1, 3}, parseBlockInit(init.toStdString()));
        BlockPlan without4 = expanded;
        std::erase_if(without4.blocks, [](const PlannedBlock &b) { return !b.inserted && b.source == 4; });
        ModelSession session;
        session.load(source, {.device = "cpu"});
        const std::vector<float> original = session.forward(ref.batch).logits;
        QTemporaryDir dir;
        for (const BlockPlan &plan : {expanded, without4}) {
            session.applyBlockPlan(plan);
            QCOMPARE(session.prunePlan().sourceLayers, int64_t(9));
            QCOMPARE(session.blockPlan(), plan);
            const std::vector<float> inMemory = session.forward(ref.batch).logits;
            const fs::path out = fs::path(dir.path().toStdString()) / ("expanded" + std::to_string(plan.size()));
            exportExpandedModel(source, plan, out);
            const double diff = maxAbsDiff(inMemory, logitsOf(out, ref.batch));
            qInfo("%s, %lld blocks: max |in memory - export| %.3g", qPrintable(fixture),
                  static_cast<long long>(plan.size()), diff);
            QVERIFY2(diff <= 1e-6, qPrintable(QString::number(diff)));
            if (plan == expanded)
                QVERIFY(maxAbsDiff(inMemory, original) <= 1e-6);
        }
        // Back to the checkpoint: the original logits exactly.
        session.applyPrunePlan(PrunePlan::keepAll(6));
        QCOMPARE(session.prunePlan().sourceLayers, int64_t(6));
        QCOMPARE(maxAbsDiff(session.forward(ref.batch).logits, original), 0.0);
    }

    void distancesDescribeTheCheckpoint()
    {
        // The heatmap's layers are the checkpoint's: inserted blocks change neither its size nor its numbers.
        ModelSession session;
        session.load(kModels + "mistral_window", {.device = "cpu"});
        const std::vector<std::vector<int64_t>> sequences = {{1, 5, 9, 12, 7, 3, 8}, {2, 4, 6, 8, 10}};
        const LayerDistances plain = computeLayerDistances(session, sequences, {});
        session.applyBlockPlan(BlockPlan::expand(6, {0, 4}, BlockInit::Copy, 1));
        for (const bool streamed : {false, true}) {
            const LayerDistances expanded = computeLayerDistances(session, sequences, {.streamed = streamed});
            QCOMPARE(expanded.numLayers, int64_t(6));
            QCOMPARE(expanded.angular.size(), plain.angular.size());
            for (size_t i = 0; i < plain.angular.size(); ++i)
                if (!std::isnan(plain.angular[i]))
                    QVERIFY(std::abs(expanded.angular[i] - plain.angular[i]) <= 1e-6);
        }
    }

    void injectionInMemoryTrainsOnlyTheInsertedBlock()
    {
        // Expand in memory, train the inserted block alone, export: only that block differs from the
        // untrained expanded export, and the healed export computes what the session computes.
        const fs::path source = kModels + "qwen3_qknorm";
        const test::Reference ref = test::readReference(source.string());
        const BlockPlan plan = BlockPlan::expand(6, {1}, BlockInit::Average);
        ModelSession session;
        session.load(source, {.device = "cpu"});
        session.applyBlockPlan(plan);
        const HealingResult result = healModel(session, shortRun(HealingMethod::Blocks));
        QCOMPARE(result.steps.size(), size_t(3));
        const std::vector<float> healedLogits = session.forward(ref.batch).logits;

        QTemporaryDir dir;
        const fs::path untrained = fs::path(dir.path().toStdString()) / "untrained";
        const fs::path healed = fs::path(dir.path().toStdString()) / "healed";
        exportExpandedModel(source, plan, untrained);
        exportHealedModel(session, healed);
        const Checkpoint before = Checkpoint::open(untrained), after = Checkpoint::open(healed);
        int changed = 0;
        for (const std::string &name : before.tensorNames()) {
            if (name.rfind("model.layers.2.", 0) == 0)
                changed += sameTensor(before, after, name) ? 0 : 1;
            else
                QVERIFY2(sameTensor(before, after, name), name.c_str());
        }
        QVERIFY2(changed >= 4, qPrintable(QString::number(changed)));
        const double diff = maxAbsDiff(healedLogits, logitsOf(healed, ref.batch));
        QVERIFY2(diff <= 1e-5, qPrintable(QString::number(diff)));
        const nlohmann::json record = readJsonFile(healed / "layercut.json");
        QVERIFY(record["inserted_after"] == nlohmann::json({1}));

        // The original runs without the new block (only it trained); the unhealed plan no longer exists.
        const GenerationOptions greedy{.maxNewTokens = 8, .stopAtEos = false};
        ModelSession fresh;
        fresh.load(source, {.device = "cpu"});
        const std::vector<std::string> prompt = {"The quick brown fox"};
        QCOMPARE(generateAs(session, ModelVariant::Original, "", prompt, greedy).outputs[0].tokens,
                 generateText(fresh, "", prompt, greedy).outputs[0].tokens);
        QVERIFY_THROWS_EXCEPTION(Error, generateAs(session, ModelVariant::Pruned, "", prompt, greedy));
        QCOMPARE(maxAbsDiff(session.forward(ref.batch).logits, healedLogits), 0.0);  // as it was

        // Dropping an original and bringing it back keeps what the inserted block learnt.
        BlockPlan dropped = plan;
        dropped.blocks.pop_back();  // original 5
        session.applyBlockPlan(dropped);
        session.applyBlockPlan(plan);
        QCOMPARE(maxAbsDiff(session.forward(ref.batch).logits, healedLogits), 0.0);
        // Inserting or removing blocks of a healed model is refused; the plan stays.
        QVERIFY_THROWS_EXCEPTION(Error, session.applyPrunePlan(PrunePlan::keepAll(6)));
        QCOMPARE(session.blockPlan(), plan);
    }

    void loraOnAnInsertedBlockMergesOntoItsWeights_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("llama") << "llama3_gqa_sharded";
        QTest::newRow("phi3, fused q|k|v and gate|up") << "phi3_longrope";
    }

    void loraOnAnInsertedBlockMergesOntoItsWeights()
    {
        // The merged export writes W + (alpha/r)·B·A: an inserted block's W is the averaged block in memory,
        // not the checkpoint tensor it came from.
        QFETCH(QString, fixture);
        const fs::path source = kModels + fixture.toStdString();
        const test::Reference ref = test::readReference(source.string());
        ModelSession session;
        session.load(source, {.device = "cpu"});
        session.applyBlockPlan(BlockPlan::expand(6, {2}, BlockInit::Average, 1));
        HealingConfig c = shortRun(HealingMethod::Lora);
        c.rank = 4;
        c.alpha = 8;
        c.targetModules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
        healModel(session, c);
        const std::vector<float> healedLogits = session.forward(ref.batch).logits;
        QTemporaryDir dir;
        const fs::path merged = fs::path(dir.path().toStdString()) / "merged";
        exportHealedModel(session, merged);
        QCOMPARE(readJsonFile(merged / "config.json")["num_hidden_layers"].get<int>(), 6);
        const double diff = maxAbsDiff(healedLogits, logitsOf(merged, ref.batch));
        qInfo("%s: max |in memory - merged export| %.3g", qPrintable(fixture), diff);
        QVERIFY2(diff <= 1e-5, qPrintable(QString::number(diff)));
    }

    void badPlansAreRefused()
    {
        ModelSession session;
        session.load(kModels + "llama3_gqa_sharded", {.device = "cpu"});
        QVERIFY_THROWS_EXCEPTION(Error, session.applyBlockPlan(BlockPlan::expand(5, {1}, BlockInit::Copy)));
        BlockPlan orphan = BlockPlan::expand(6, {1}, BlockInit::Copy);
        orphan.blocks.erase(orphan.blocks.begin() + 1);  // original 1, whose new block stays
        QVERIFY_THROWS_EXCEPTION(Error, session.applyBlockPlan(orphan));
        QCOMPARE(session.prunePlan().sourceLayers, int64_t(6));  // unchanged
    }
};

QTEST_GUILESS_MAIN(TestBlockPlanInMemory)
#include "tst_block_plan_in_memory.moc"
