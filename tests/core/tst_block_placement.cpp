// SPDX-License-Identifier: GPL-3.0-or-later
// A model placed over several devices (--device cuda:0,cuda:1): which blocks go where, and that every job
// gives the numbers of the same model on one device. On the CPU the list is cpu,cpu (the placement and the
// loaders' split, no moves); the gpu entry tst_block_placement_cuda places it over cuda:0 and the CPU, so the
// hidden states, masks, RoPE tables, prefix rows, cache slots and healing's gradients really move between
// devices.
// This test reaches into core/src, so it includes torch: Qt's keywords are off (QT_NO_KEYWORDS).
#include "model/block_placement.h"
#include "model/out_of_memory.h"
#include "session/model_session_impl.h"

#include <QTemporaryDir>
#include <QTest>

#include "test_device.h"

#include "layercut/block_plan.h"
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

/** LAYERCUT_TEST_DEVICES asks for cuda:1 on a machine with one GPU (the test skips itself). */
bool lacksASecondGpu(const LoadOptions &devices)
{
    return devices.device.find("cuda:1") != std::string::npos && !deviceMemory("cuda:1");
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
        // A GPU the machine does not have is named before anything loads (torch would say "invalid device
        // ordinal" in the middle of the upload).
        if (const size_t gpus = gpuDevices().size(); gpus > 0) {
            const std::string missing = "cuda:" + std::to_string(gpus);
            try {
                parseDevices("cuda:0," + missing);
                QFAIL("no error");
            } catch (const Error &e) {
                QVERIFY2(std::string(e.what()).find("'" + missing + "' asked for, but this machine has " +
                                                    std::to_string(gpus) + " GPU") != std::string::npos,
                         e.what());
            }
        }
    }

    // An allocation failure of a model over several devices names the one torch says ran out.
    void outOfMemoryNamesTheDevice()
    {
        const auto message = [](const std::string &what, const std::string &devices) {
            try {
                throwIfOutOfMemory(std::runtime_error(what), devices, "measuring distances", "use a smaller batch");
            } catch (const Error &e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        const std::string cuda21 = "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 1 has a total capacity of "
                                   "139.81 GiB of which 1.06 GiB is free.";
        const std::string cuda113 = "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 1; 79.15 GiB total "
                                    "capacity; 77.90 GiB already allocated)";
        const std::string host = "[enforce fail at alloc_cpu.cpp:83] err == 0. DefaultCPUAllocator: can't allocate "
                                 "memory: you tried to allocate 3221225472 bytes. Error code 12";
        QCOMPARE(message(cuda21, "cuda:0,cuda:1"), std::string("the GPU (cuda:1) ran out of memory measuring distances "
                                                               "(it asked for 2.00 GiB more): use a smaller batch"));
        QVERIFY(message(cuda113, "cuda:0,cuda:1").rfind("the GPU (cuda:1) ran out", 0) == 0);
        QVERIFY(message(cuda21, "cuda:1").rfind("the GPU (cuda:1) ran out", 0) == 0);
        QVERIFY(
            message("CUDA out of memory.", "cuda:0,cuda:1").rfind("one of the devices (cuda:0,cuda:1) ran out", 0) ==
            0);
        // The host's memory, whichever devices the model is on.
        for (const char *devices : {"cuda:0,cpu", "cuda:0,cuda:1", "cpu"})
            QCOMPARE(message(host, devices), std::string("the computer ran out of memory measuring distances (it "
                                                         "asked for 3.0 GiB more): use a smaller batch"));
        QCOMPARE(message("invalid argument", "cuda:0"), std::string("no error"));
    }

    // Blocks inserted at the placement's boundary (averaged from the last block of one device and the first of
    // the next) live on the first block's device and equal the same insertion on one device.
    void insertsBlocksAtTheBoundary()
    {
        const auto [oneDevice, twoDevices] = oneAndTwo();
        if (lacksASecondGpu(twoDevices))
            QSKIP("two GPUs asked for (LAYERCUT_TEST_DEVICES), and this machine has one");
        const std::string folder = kFixtures + "/models/llama3_gqa_sharded";
        ModelSession one, two;
        one.load(folder, oneDevice);
        two.load(folder, twoDevices);
        const BlockPlacement &placement = SessionInternals::of(two).placement;
        const int64_t L = two.info().config.numLayers;
        const auto lastOfFirst =
            static_cast<int64_t>(std::count(placement.blockDevice.begin(), placement.blockDevice.end(), 0)) - 1;
        QVERIFY(lastOfFirst >= 0 && lastOfFirst + 1 < L);
        const BlockPlan plan = BlockPlan::expand(L, {0, lastOfFirst}, BlockInit::Average);
        for (ModelSession *s : {&one, &two})
            s->applyBlockPlan(plan);
        const std::vector<DecoderLayerWeights> &a = SessionInternals::of(one).model->allLayers();
        const std::vector<DecoderLayerWeights> &b = SessionInternals::of(two).model->allLayers();
        QCOMPARE(b.size(), size_t(L + 2));
        int inserted = 0;
        for (size_t i = 1; i < b.size(); ++i) {
            if (!b[i].inserted)
                continue;
            ++inserted;
            QCOMPARE(b[i].device(), b[i - 1].device());
            for (const auto slot :
                 {&DecoderLayerWeights::inputNorm, &DecoderLayerWeights::postNorm, &DecoderLayerWeights::gateProj,
                  &DecoderLayerWeights::upProj, &DecoderLayerWeights::downProj})
                QVERIFY((a[i].*slot).to(at::kCPU).equal((b[i].*slot).to(at::kCPU)));
        }
        QCOMPARE(inserted, 2);
        // The inserted blocks are the identity until trained: the same logits as before, on both.
        const std::vector<std::vector<int64_t>> docs = documents(one);
        const TokenBatch batch = TokenBatch::padded(docs);
        const ForwardResult fa = one.forward(batch, {.logits = true});
        const ForwardResult fb = two.forward(batch, {.logits = true});
        QVERIFY2(largestDifference(fa.logits, fb.logits) < 1e-4,
                 qPrintable(QString::number(largestDifference(fa.logits, fb.logits))));
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
        if (lacksASecondGpu(twoDevices))
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
        // What the Model panel shows: each device's run of blocks, all of them once.
        const std::vector<DeviceBlocks> &runs = two.info().placement;
        QCOMPARE(runs.size(), placement.devices.size());
        QCOMPARE(runs.front().firstBlock, int64_t(0));
        QCOMPARE(runs.back().firstBlock + runs.back().blocks, two.info().config.numLayers);
        QCOMPARE(runs[1].firstBlock, runs[0].blocks);
        QVERIFY(one.info().placement.empty());
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
    }

    // Healing over two devices: adapters (or unfrozen weights) on each block's device, the loss on the head's,
    // gradients back across the moves; every step's loss and gradient norm, the validation losses and the
    // merged export equal one device's. Dropout is off: its masks come from each device's own generator.
    void healsAsOneDevice_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<bool>("nf4");
        QTest::addColumn<bool>("checkpointing");
        QTest::newRow("QLoRA, NF4 base") << int(HealingMethod::Lora) << true << true;
        QTest::newRow("LoRA on every projection, no recomputation") << int(HealingMethod::Lora) << false << false;
        QTest::newRow("full fine-tuning: embeddings first, head last") << int(HealingMethod::Full) << false << true;
    }

    void healsAsOneDevice()
    {
        QFETCH(int, method);
        QFETCH(bool, nf4);
        QFETCH(bool, checkpointing);
        const std::string folder = kFixtures + "/models/llama3_gqa_sharded";
        const auto [oneDevice, twoDevices] = oneAndTwo();
        if (lacksASecondGpu(twoDevices))
            QSKIP("two GPUs asked for (LAYERCUT_TEST_DEVICES), and this machine has one");
        HealingConfig c;
        c.trainData = kFixtures + "/data/tiny_corpus.txt";
        c.sequenceLength = 32;
        c.batchSize = 4;
        c.microBatchSize = 2;
        c.steps = 3;
        c.warmupSteps = 1;
        c.evalEvery = 2;
        c.validationSequences = 2;
        c.rank = 4;
        c.alpha = 8;
        c.dropout = 0;
        c.learningRate = 3e-3;
        c.method = static_cast<HealingMethod>(method);
        c.quantization = nf4 ? BaseQuantization::Nf4 : BaseQuantization::None;
        c.targetModules = nf4 ? ffnModules() : allLinearModules();
        c.activationCheckpointing = checkpointing;
        QTemporaryDir dir;
        std::vector<float> logits[2], reloaded[2];
        HealingResult results[2];
        const LoadOptions options[2] = {oneDevice, twoDevices};
        for (int side = 0; side < 2; ++side) {
            ModelSession s;
            s.load(folder, options[side]);
            s.applyPrunePlan(PrunePlan::dropList(6, {1, 4}));  // a block gone from each device's run
            results[side] = healModel(s, c);
            const std::vector<std::vector<int64_t>> docs = documents(s);
            logits[side] = s.forward(TokenBatch::padded(docs), {.logits = true}).logits;
            const ExportResult e =
                exportHealedModel(s, std::filesystem::path(dir.path().toStdString()) / std::to_string(side));
            ModelSession merged;
            merged.load(e.folder, oneDevice);
            reloaded[side] = merged.forward(TokenBatch::padded(docs), {.logits = true}).logits;
            if (!nf4)  // an NF4 run's adapters merge into the dense weights, not the quantised ones it trained on
                QVERIFY2(largestDifference(reloaded[side], logits[side]) < 1e-3,
                         qPrintable(QString::number(largestDifference(reloaded[side], logits[side]))));
        }
        const HealingResult &a = results[0], &b = results[1];
        QCOMPARE(b.trainableParameters, a.trainableParameters);
        QCOMPARE(b.steps.size(), a.steps.size());
        for (size_t i = 0; i < a.steps.size(); ++i) {
            QVERIFY2(
                std::abs(a.steps[i].trainLoss - b.steps[i].trainLoss) < 1e-5,
                qPrintable(
                    QString("step %1: %2 against %3").arg(i + 1).arg(b.steps[i].trainLoss).arg(a.steps[i].trainLoss)));
            QVERIFY(std::abs(a.steps[i].gradNorm - b.steps[i].gradNorm) < 1e-4 * std::max(1.0, a.steps[i].gradNorm));
        }
        QCOMPARE(b.validation.size(), a.validation.size());
        for (size_t i = 0; i < a.validation.size(); ++i)
            QVERIFY(std::abs(a.validation[i].loss - b.validation[i].loss) < 1e-5);
        QVERIFY2(largestDifference(logits[0], logits[1]) < 1e-4,
                 qPrintable(QString::number(largestDifference(logits[0], logits[1]))));
        QVERIFY2(largestDifference(reloaded[0], reloaded[1]) < 1e-4,
                 qPrintable(QString::number(largestDifference(reloaded[0], reloaded[1]))));
        QVERIFY(a.steps.front().trainLoss != a.steps.back().trainLoss);  // it trained
    }

    // Full fine-tuning of a tied model trains the embeddings and the head as one tensor: over devices whose
    // first and last differ (the head a copy on the last), refused; over cpu,cpu (one tensor) it runs.
    void fullFineTuningOfATiedHeadOverDevices()
    {
        const LoadOptions twoDevices = oneAndTwo().second;
        if (lacksASecondGpu(twoDevices))
            QSKIP("two GPUs asked for (LAYERCUT_TEST_DEVICES), and this machine has one");
        ModelSession s;
        s.load(kFixtures + "/models/gemma3_text", twoDevices);
        QVERIFY(s.info().config.tieWordEmbeddings);
        const BlockPlacement &placement = SessionInternals::of(s).placement;
        HealingConfig c;
        c.trainData = kFixtures + "/data/tiny_corpus.txt";
        c.sequenceLength = 32;
        c.batchSize = c.microBatchSize = 2;
        c.steps = 1;
        c.evalEvery = 0;
        c.validationSequences = 1;
        c.method = HealingMethod::Full;
        c.quantization = BaseQuantization::None;
        if (placement.first() == placement.last()) {
            QCOMPARE(healModel(s, c).steps.size(), size_t(1));
            return;
        }
        try {
            healModel(s, c);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("ties to its head") != std::string::npos, e.what());
        }
    }

    void streamingIsOneDevice()
    {
        LoadOptions o = oneAndTwo().second;
        if (lacksASecondGpu(o))
            QSKIP("two GPUs asked for (LAYERCUT_TEST_DEVICES), and this machine has one");
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
