// SPDX-License-Identifier: GPL-3.0-or-later
// A model placed over several devices (--device cuda:0,cuda:1): which blocks go where, and that every job
// gives the numbers of the same model on one device. On the CPU the list is cpu,cpu (the placement and the
// loaders' split, no moves); the gpu entry tst_block_placement_cuda places it over cuda:0 and the CPU, so the
// hidden states, masks, RoPE tables, prefix rows and cache slots really move between devices.
// This test reaches into core/src, so it includes torch: Qt's keywords are off (QT_NO_KEYWORDS).
#include "model/block_placement.h"
#include "session/model_session_impl.h"

#include <QTest>

#include "test_device.h"

#include "layercut/device_memory.h"
#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/generation.h"
#include "layercut/healing.h"
#include "layercut/layer_distances.h"
#include "layercut/tokenizer.h"

using namespace lc;

namespace {

const std::string kFixtures = LAYERCUT_FIXTURES_DIR;

/**
 * The test's one device, and a list of two: LAYERCUT_TEST_DEVICES (cuda:0,cuda:1 on a machine with two GPUs),
 * else that device's GPU and the CPU, or the CPU twice.
 */
std::pair<LoadOptions, LoadOptions> oneAndTwo()
{
    LoadOptions one = test::testDevice();
    LoadOptions two = one;
    const char *list = std::getenv("LAYERCUT_TEST_DEVICES");
    two.device = list ? list : one.device == "cpu" ? "cpu,cpu" : one.device + ",cpu";
    if (!two.dtype)
        two.dtype = DType::Float32;  // the CPU's blocks compute in the same dtype as the GPU's
    one.dtype = two.dtype;
    return {one, two};
}

double largestDifference(const std::vector<float> &a, const std::vector<float> &b)
{
    double largest = a.size() == b.size() ? 0.0 : INFINITY;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        largest = std::max(largest, static_cast<double>(std::abs(a[i] - b[i])));
    return largest;
}

std::vector<std::vector<int64_t>> documents(const ModelSession &s)
{
    std::vector<std::vector<int64_t>> docs;
    for (const char *text : {"The quick brown fox jumps over the lazy dog.", "Hello", "Numbers: 1, 2, 3, 4, 5",
                             "a b c d e f g h i j k l m n o p"}) {
        const std::vector<int32_t> ids = s.tokenizer()->encode(text, true);
        docs.emplace_back(ids.begin(), ids.end());
    }
    return docs;
}

}  // namespace

class TestBlockPlacement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesDeviceLists()
    {
        const std::vector<at::Device> two = parseDevices("cpu,cpu");
        QCOMPARE(two.size(), size_t(2));
        QVERIFY(two[0].is_cpu() && two[1].is_cpu());
        for (const char *bad : {"cpu,", ",cpu", "cpu,,cpu", "cpu,tpu"})
            QVERIFY_THROWS_EXCEPTION(Error, parseDevices(bad));
        try {
            parseDevices("cpu,,cpu");
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("empty entry") != std::string::npos, e.what());
        }
    }

    void placesBlocksByRoom()
    {
        const std::vector<at::Device> d{at::kCPU, at::kCPU};
        // 8 equal blocks, nothing else, equal room: 4 and 4.
        BlockPlacement p = placeBlocks(d, std::vector<uint64_t>(8, 100), 0, 0);
        QCOMPARE(p.blockDevice, (std::vector<size_t>{0, 0, 0, 0, 1, 1, 1, 1}));
        // The embeddings on the first device and a head as large on the last: still balanced.
        p = placeBlocks(d, std::vector<uint64_t>(8, 100), 200, 200);
        QCOMPARE(p.blockDevice, (std::vector<size_t>{0, 0, 0, 0, 1, 1, 1, 1}));
        // Three times the room on the second: a quarter of the model on the first.
        p = placeBlocks(d, std::vector<uint64_t>(8, 100), 0, 0, {100, 300});
        QCOMPARE(p.blockDevice, (std::vector<size_t>{0, 0, 1, 1, 1, 1, 1, 1}));
        // However little room a device has, it gets a block while there are enough; none is skipped.
        p = placeBlocks({at::kCPU, at::kCPU, at::kCPU}, std::vector<uint64_t>(4, 100), 0, 0, {1000, 1, 1});
        QCOMPARE(p.blockDevice, (std::vector<size_t>{0, 0, 1, 2}));
        // Fewer blocks than devices: the blocks keep their order.
        p = placeBlocks({at::kCPU, at::kCPU, at::kCPU}, std::vector<uint64_t>(2, 100), 0, 0);
        QVERIFY(p.blockDevice[0] <= p.blockDevice[1]);
        QCOMPARE(placeBlocks(d, std::vector<uint64_t>(8, 100), 0, 0).describe(),
                 std::string("cpu (blocks 0-3), cpu (blocks 4-7)"));
    }

    // Every job on a model over two devices gives the single device's numbers.
    void jobsEqualOneDevice_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("llama3, grouped queries, sharded") << "llama3_gqa_sharded";
        QTest::newRow("gemma3, sliding layers, tied head") << "gemma3_text";
    }

    void jobsEqualOneDevice()
    {
        QFETCH(QString, fixture);
        const std::string folder = kFixtures + "/models/" + fixture.toStdString();
        const auto [oneDevice, twoDevices] = oneAndTwo();
        if (twoDevices.device.find("cuda:1") != std::string::npos && !deviceMemory("cuda:1"))
            QSKIP("two GPUs asked for (LAYERCUT_TEST_DEVICES), and this machine has one");
        ModelSession one, two;
        one.load(folder, oneDevice);
        int64_t loaded = 0, total = 0;  // each tensor uploaded once, to its device
        two.load(folder, twoDevices, [&](const Progress &p) {
            if (p.stage == Stage::LoadingWeights)
                loaded = std::max(loaded, p.current), total = p.total;
        });
        QVERIFY(total > 0);
        QCOMPARE(loaded, total);
        const BlockPlacement &placement = SessionInternals::of(two).placement;
        QVERIFY(placement.spread());
        QVERIFY(placement.blockDevice.front() == 0 && placement.blockDevice.back() == placement.devices.size() - 1);
        QCOMPARE(two.info().device, twoDevices.device == "cuda,cpu" ? std::string("cuda:0,cpu") : twoDevices.device);
        qInfo("%s", placement.describe().c_str());

        // Forward: logits and every residual state.
        const std::vector<std::vector<int64_t>> docs = documents(one);
        const TokenBatch batch = TokenBatch::padded(docs);
        const ForwardResult a = one.forward(batch, {.logits = true, .states = true});
        const ForwardResult b = two.forward(batch, {.logits = true, .states = true});
        QVERIFY2(largestDifference(a.logits, b.logits) < 1e-4,
                 qPrintable(QString::number(largestDifference(a.logits, b.logits))));
        QVERIFY(largestDifference(a.states, b.states) < 1e-4);

        // Distances: the states of every boundary, whichever device they were computed on.
        const LayerDistances da = computeLayerDistances(one, docs, {.batchSize = 3});
        const LayerDistances db = computeLayerDistances(two, docs, {.batchSize = 3});
        for (size_t i = 0; i < da.angular.size(); ++i)
            if (!std::isnan(da.angular[i]))
                QVERIFY(std::abs(da.angular[i] - db.angular[i]) < 1e-5);

        // Scoring with shared prefixes (packed passes, prefix rows, keys and values per device), after pruning
        // a block of each device's run, and the held-out loss.
        for (ModelSession *s : {&one, &two})
            s->applyPrunePlan(PrunePlan::dropList(6, {1, 4}));
        EvalOptions o;
        o.mmlu = kFixtures + "/data/mmlu";
        o.boolq = kFixtures + "/data/boolq_tiny.jsonl";
        o.shots = 2;
        o.batchTokens = 300;
        o.validationData = kFixtures + "/data/tiny_corpus.txt";
        const EvalResult ea = evaluateModel(one, o), eb = evaluateModel(two, o);
        for (size_t q = 0; q < ea.mmlu->questions.size(); ++q)
            for (size_t c = 0; c < 4; ++c)
                QVERIFY(std::abs(ea.mmlu->questions[q].loglikelihoods[c] - eb.mmlu->questions[q].loglikelihoods[c]) <
                        1e-4);
        for (size_t q = 0; q < ea.boolq->questions.size(); ++q)
            QCOMPARE(ea.boolq->questions[q].prediction, eb.boolq->questions[q].prediction);
        QVERIFY(std::abs(ea.loss->loss - eb.loss->loss) < 1e-5);

        // Greedy generation: a cache whose slots live on each layer's device, rows leaving as they finish.
        GenerationOptions g;
        g.maxNewTokens = 12;
        g.stopAtEos = false;
        const std::vector<std::string> prompts{"The quick brown fox", "Hello", "a b c"};
        const GenerationRun ga = generateText(one, "Numbers: 1, 2, 3. ", prompts, g);
        const GenerationRun gb = generateText(two, "Numbers: 1, 2, 3. ", prompts, g);
        for (size_t p = 0; p < prompts.size(); ++p)
            QCOMPARE(gb.outputs[p].tokens, ga.outputs[p].tokens);

        // Healing runs on one device so far, and says so.
        HealingConfig c;
        try {
            healModel(two, c, {});
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("one device") != std::string::npos, e.what());
        }
    }

    void streamingIsOneDevice()
    {
        LoadOptions o = oneAndTwo().second;
        o.blocksOnDemand = true;
        ModelSession s;
        try {
            s.load(kFixtures + "/models/llama3_gqa_sharded", o);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("one device") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestBlockPlacement)
#include "tst_block_placement.moc"
