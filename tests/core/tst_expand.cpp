// SPDX-License-Identifier: GPL-3.0-or-later
// Block expansion (LLaMA Pro, Llama SLayer): an inserted block starts as the identity, so the expanded export
// gives the original's logits (every family, both initialisations); its tensors are exact copies, float32 means
// rounded once, or zero; expansion with the last blocks dropped equals the original without them; per-layer
// config lists follow each block's source; the S preset and bad plans.
#include <cmath>
#include <cstring>
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "layercut/block_plan.h"
#include "layercut/checkpoint.h"
#include "layercut/error.h"
#include "layercut/healing.h"
#include "layercut/json_file.h"
#include "layercut/model_export.h"
#include "layercut/model_session.h"
#include "reference_data.h"

using namespace lc;
using lc::test::maxAbsDiff;
namespace fs = std::filesystem;

namespace {

const std::string kModels = std::string(LAYERCUT_FIXTURES_DIR) + "/models/";

std::vector<float> logitsOf(const fs::path &model, const TokenBatch &batch, const PrunePlan *plan = nullptr)
{
    ModelSession session;
    session.load(model, {.device = "cpu"});
    if (plan)
        session.applyPrunePlan(*plan);
    return session.forward(batch, {.logits = true}).logits;
}

/** A tensor's values as float32 (F32 as stored, BF16 widened). */
std::vector<float> valuesOf(const TensorEntry &t)
{
    std::vector<float> v(static_cast<size_t>(t.numel()));
    if (t.dtype == "F32") {
        std::memcpy(v.data(), t.data, v.size() * 4);
    } else if (t.dtype == "BF16") {
        for (size_t i = 0; i < v.size(); ++i) {
            uint16_t half;
            std::memcpy(&half, t.data + 2 * i, 2);
            const uint32_t bits = uint32_t(half) << 16;
            std::memcpy(&v[i], &bits, 4);
        }
    }
    return v;
}

/** float32 rounded to bfloat16 (nearest, ties to even) and back, as torch's .to(bfloat16) does. */
float roundedToBf16(float x)
{
    uint32_t bits;
    std::memcpy(&bits, &x, 4);
    bits += 0x7fff + ((bits >> 16) & 1);
    bits &= 0xffff0000u;
    std::memcpy(&x, &bits, 4);
    return x;
}

}  // namespace

class TestExpand final : public QObject
{
    Q_OBJECT

private slots:
    void identityAtInitialisation_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("init");
        for (const char *fixture :
             {"llama3_gqa_sharded", "llama2_spm_classic", "mistral_bf16", "qwen2_tied_f16", "qwen3_qknorm"})
            for (const char *init : {"copy", "average"})
                QTest::newRow(qPrintable(QString("%1, %2").arg(fixture, init))) << fixture << init;
    }

    void identityAtInitialisation()
    {
        // New blocks after 1, 3 and the last block 5 (where "average" has no next block and copies).
        QFETCH(QString, fixture);
        QFETCH(QString, init);
        const fs::path source = kModels + fixture.toStdString();
        const test::Reference ref = test::readReference(source.string());
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "expanded";
        const BlockPlan plan = BlockPlan::expand(6, {5, 1, 3}, parseBlockInit(init.toStdString()));
        const ExportResult r = exportExpandedModel(source, plan, out);
        QCOMPARE(r.layers, int64_t(9));
        const std::vector<float> original = logitsOf(source, ref.batch);
        const std::vector<float> expanded = logitsOf(out, ref.batch);
        const double diff = maxAbsDiff(original, expanded);
        qInfo("%s: max |logits difference| %.3g", qPrintable(fixture), diff);
        QVERIFY2(diff <= 1e-6, qPrintable(QString::number(diff)));

        const nlohmann::json record = readJsonFile(out / "layercut.json");
        QVERIFY(record["inserted_after"] == nlohmann::json({1, 3, 5}));
        QCOMPARE(record["blocks"].size(), size_t(9));
        QCOMPARE(record["blocks"][2]["init"].get<std::string>(), init.toStdString());
        QCOMPARE(record["method"].get<std::string>(), std::string("expand"));
        QCOMPARE(readJsonFile(out / "config.json")["num_hidden_layers"].get<int>(), 9);
    }

    void insertedTensorsAreExact_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("float32") << "qwen3_qknorm";
        QTest::newRow("bfloat16") << "mistral_bf16";
    }

    void insertedTensorsAreExact()
    {
        QFETCH(QString, fixture);
        const fs::path source = kModels + fixture.toStdString();
        QTemporaryDir dir;
        const fs::path averaged = fs::path(dir.path().toStdString()) / "average";
        const fs::path copied = fs::path(dir.path().toStdString()) / "copy";
        exportExpandedModel(source, BlockPlan::expand(6, {2}, BlockInit::Average), averaged);
        exportExpandedModel(source, BlockPlan::expand(6, {2}, BlockInit::Copy), copied);
        const Checkpoint src = Checkpoint::open(source), avg = Checkpoint::open(averaged),
                         copy = Checkpoint::open(copied);
        const bool bf16 = fixture == "mistral_bf16";
        int checked = 0;
        for (const std::string &name : src.tensorNames()) {
            if (name.rfind("model.layers.2.", 0) != 0)
                continue;
            const std::string rest = name.substr(std::strlen("model.layers.2."));
            const TensorEntry *a = src.find(name).first;
            const TensorEntry *b = src.find("model.layers.3." + rest).first;
            const TensorEntry *inAvg = avg.find("model.layers.3." + rest).first;  // the inserted block is 3
            const TensorEntry *inCopy = copy.find("model.layers.3." + rest).first;
            QVERIFY2(a && b && inAvg && inCopy, name.c_str());
            const std::vector<float> va = valuesOf(*a), vb = valuesOf(*b), avgValues = valuesOf(*inAvg),
                                     copyValues = valuesOf(*inCopy);
            const bool zero = rest.rfind("self_attn.o_proj.", 0) == 0 || rest.rfind("mlp.down_proj.", 0) == 0;
            for (size_t i = 0; i < va.size(); ++i) {
                float mean = (va[i] + vb[i]) / 2.0f;
                if (bf16)
                    mean = roundedToBf16(mean);
                QCOMPARE(avgValues[i], zero ? 0.0f : mean);
                QCOMPARE(copyValues[i], zero ? 0.0f : va[i]);
            }
            if (rest.find("norm") != std::string::npos)  // norm weights: averaged, never zero
                QVERIFY2(std::any_of(avgValues.begin(), avgValues.end(), [](float x) { return x != 0; }), name.c_str());
            ++checked;
        }
        QVERIFY(checked >= 9);
        // The original blocks are untouched and renumbered: source 3 is export 4.
        const TensorEntry *a = src.find("model.layers.3.mlp.up_proj.weight").first;
        const TensorEntry *b = avg.find("model.layers.4.mlp.up_proj.weight").first;
        QVERIFY(a && b && std::memcmp(a->data, b->data, a->byteSize()) == 0);
    }

    void expandWithDropLastEqualsTheOriginalWithoutItsLastBlocks()
    {
        const fs::path source = kModels + "qwen3_qknorm";
        const test::Reference ref = test::readReference(source.string());
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "s";
        const BlockPlan plan = BlockPlan::sStrategy(6);  // after block 1, averaged; blocks 4 and 5 dropped
        exportExpandedModel(source, plan, out);
        const PrunePlan withoutLastTwo = PrunePlan::dropBlock(6, 4, 2);
        const double diff = maxAbsDiff(logitsOf(out, ref.batch), logitsOf(source, ref.batch, &withoutLastTwo));
        QVERIFY2(diff <= 1e-6, qPrintable(QString::number(diff)));
        const nlohmann::json record = readJsonFile(out / "layercut.json");
        QVERIFY(record["dropped_layers"] == nlohmann::json({4, 5}));
        QVERIFY(record["kept_layers"] == nlohmann::json({0, 1, 2, 3}));
    }

    void perLayerConfigListsFollowTheirBlocks()
    {
        // The fixture's files, with a config that has per-layer lists.
        const fs::path source = kModels + "qwen3_qknorm";
        QTemporaryDir dir;
        const fs::path model = fs::path(dir.path().toStdString()) / "model";
        fs::create_directories(model);
        for (const auto &e : fs::directory_iterator(source))
            if (e.path().filename() != "config.json")
                fs::create_symlink(e.path(), model / e.path().filename());
        nlohmann::json config = readJsonFile(source / "config.json");
        config["layer_types"] = std::vector<std::string>(6, "full_attention");
        config["no_rope_layers"] = {1, 0, 1, 0, 1, 0};  // SmolLM3's list: any list of L entries follows its blocks
        config["max_window_layers"] = 3;
        std::ofstream(model / "config.json") << config.dump(2);
        const fs::path out = fs::path(dir.path().toStdString()) / "expanded";
        exportExpandedModel(model, BlockPlan::expand(6, {0, 4}, BlockInit::Copy, 1), out);
        const nlohmann::json exported = readJsonFile(out / "config.json");
        // Blocks: 0, 0+, 1, 2, 3, 4, 4+ (5 dropped).
        QVERIFY(exported["no_rope_layers"] == nlohmann::json({1, 1, 0, 1, 0, 1, 1}));
        QCOMPARE(exported["layer_types"].size(), size_t(7));
        QCOMPARE(exported["max_window_layers"].get<int>(), 4);  // blocks from 0, 0, 1, 2
        QCOMPARE(exported["num_hidden_layers"].get<int>(), 7);
    }

    void trainingTheInsertedBlocksChangesOnlyThem()
    {
        // Knowledge injection: an expanded model, its inserted block (2, from layercut.json) trained alone.
        const fs::path source = kModels + "qwen3_qknorm";
        QTemporaryDir dir;
        const fs::path expanded = fs::path(dir.path().toStdString()) / "expanded";
        exportExpandedModel(source, BlockPlan::expand(6, {1}, BlockInit::Average), expanded);
        ModelSession session;
        session.load(expanded, {.device = "cpu"});
        HealingConfig c;
        c.method = HealingMethod::Blocks;
        c.quantization = BaseQuantization::None;
        c.steps = 3;
        c.batchSize = 2;
        c.sequenceLength = 32;
        c.evalEvery = 0;
        c.warmupSteps = 0;
        c.learningRate = 1e-2;
        c.trainData = LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt";
        const HealingResult result = healModel(session, c);
        QCOMPARE(result.steps.size(), size_t(3));
        const fs::path healed = fs::path(dir.path().toStdString()) / "healed";
        exportHealedModel(session, healed);
        const Checkpoint before = Checkpoint::open(expanded), after = Checkpoint::open(healed);
        int changed = 0;
        for (const std::string &name : before.tensorNames()) {
            const TensorEntry *a = before.find(name).first, *b = after.find(name).first;
            QVERIFY2(b && a->byteSize() == b->byteSize(), name.c_str());
            const bool same = std::memcmp(a->data, b->data, a->byteSize()) == 0;
            if (name.rfind("model.layers.2.", 0) == 0)
                changed += same ? 0 : 1;
            else
                QVERIFY2(same, name.c_str());  // frozen: embeddings, the other blocks, the final norm, lm_head
        }
        // The zeroed projections get gradients at once; the others once those are no longer zero.
        QVERIFY2(changed >= 4, qPrintable(QString::number(changed)));
        QVERIFY(std::memcmp(before.find("model.layers.2.self_attn.o_proj.weight").first->data,
                            after.find("model.layers.2.self_attn.o_proj.weight").first->data,
                            before.find("model.layers.2.self_attn.o_proj.weight").first->byteSize()) != 0);

        // Blocks that are not there, and a folder with nothing inserted, are refused before anything trains.
        ModelSession plain;
        plain.load(source, {.device = "cpu"});
        try {
            healModel(plain, c);
            QFAIL("trained a model with no inserted block");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("no inserted blocks"), e.what());
        }
        c.trainBlocks = {6};
        try {
            healModel(plain, c);
            QFAIL("trained a block the model does not have");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("block 6 cannot train"), e.what());
        }
    }

    void sStrategyPreset()
    {
        const BlockPlan p = BlockPlan::sStrategy(32);
        QVERIFY(p.insertedAfter() == (std::vector<int64_t>{1, 3, 5, 7, 9, 11, 13, 15}));
        QVERIFY(p.droppedOriginals() == (std::vector<int64_t>{30, 31}));
        QCOMPARE(p.size(), int64_t(38));  // Llama SLayer 8B: 32 + 8 − 2
        QVERIFY(p.blocks[2] == (PlannedBlock{1, true, BlockInit::Average}));
        QVERIFY(p.blocks[3] == (PlannedBlock{2, false, BlockInit::Average}));
        QVERIFY(BlockPlan::sStrategy(6).insertedAfter() == std::vector<int64_t>{1});
        QVERIFY_THROWS_EXCEPTION(Error, BlockPlan::sStrategy(3));
    }

    void badPlansAreRefused_data()
    {
        QTest::addColumn<QList<qint64>>("after");
        QTest::addColumn<qint64>("dropLast");
        QTest::addColumn<QString>("message");
        QTest::newRow("past the last block") << QList<qint64>{6} << qint64(0) << "blocks are 0–5";
        QTest::newRow("negative") << QList<qint64>{-1} << qint64(0) << "after block -1";
        QTest::newRow("among the dropped") << QList<qint64>{5} << qint64(2) << "among the last 2 dropped (4–5)";
        QTest::newRow("twice") << QList<qint64>{2, 2} << qint64(0) << "named twice";
        QTest::newRow("dropping everything") << QList<qint64>{} << qint64(6) << "cannot drop the last 6 of 6";
    }

    void badPlansAreRefused()
    {
        QFETCH(QList<qint64>, after);
        QFETCH(qint64, dropLast);
        QFETCH(QString, message);
        try {
            BlockPlan::expand(6, std::vector<int64_t>(after.begin(), after.end()), BlockInit::Copy, dropLast);
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestExpand)
#include "tst_expand.moc"
