// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel latency: every long job started on a thread of its own ends (lc::Cancelled, or a cancelled result)
// soon after its stop token fires, wherever the stop finds it: reading and tokenising data, a forward pass
// over a large batch, a healing run's validation or one large micro-batch, an evaluation's batch. Each job
// here runs for a minute or more uninterrupted on a 2-core machine, and each check would run for that long
// if only batch or step boundaries looked at the token.
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

#include <QTemporaryDir>
#include <QTest>

#include "test_device.h"

#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/healing.h"
#include "layercut/layer_distances.h"
#include "layercut/model_session.h"
#include "layercut/plan_choice.h"
#include "layercut/text_dataset.h"

using namespace lc;
using lc::test::testDevice;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kModel = std::string(LAYERCUT_FIXTURES_DIR) + "/models/llama3_gqa_sharded";

// What "soon" means: generous for a loaded 2-core CI machine, where one of the fixture model's layers on a
// pass of about a thousand tokens takes well under a second, yet far below the uninterrupted stretches.
constexpr double kBoundSeconds = 3.0;

/** How a job ended and how long after the stop request. */
struct Stopped
{
    bool cancelled = false;  // threw lc::Cancelled, or returned a result that says so
    double latency = 0.0;    // seconds from the stop request to the job's end
    std::string error;       // another exception's message
};

/**
 * Runs `job` on a thread of its own, requests a stop `delay` seconds after `armed` becomes true (the job's
 * start when null) and waits for the job to end. The job returns true when its result says it was cancelled.
 */
Stopped stopAfter(double delay, const std::function<bool(std::stop_token)> &job,
                  const std::atomic<bool> *armed = nullptr)
{
    std::stop_source source;
    Stopped s;
    Clock::time_point end;
    std::atomic<bool> finished = false;
    std::jthread worker([&] {
        try {
            s.cancelled = job(source.get_token());
        } catch (const Cancelled &) {
            s.cancelled = true;
        } catch (const std::exception &e) {
            s.error = e.what();
        }
        end = Clock::now();
        finished = true;
    });
    while (armed && !*armed && !finished)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    const auto requested = Clock::now();
    source.request_stop();
    worker.join();
    s.latency = std::chrono::duration<double>(end - requested).count();
    qInfo("stopped %.3f s after the request", s.latency);
    return s;
}

/**
 * A plain-text corpus of about `bytes` bytes: documents of `words` seeded random words each, separated by
 * blank lines. Large enough that reading and tokenising it takes tens of seconds.
 */
void writeCorpus(const fs::path &path, int64_t bytes, int words)
{
    static const char *vocabulary[] = {"layer", "model", "prune", "heal", "block", "stream", "residual", "angle",
                                       "quick", "brown", "fox",   "lazy", "dog",   "café",   "don't",    "it's"};
    std::mt19937 rng(7);
    std::ofstream out(path, std::ios::binary);
    int64_t written = 0;
    while (written < bytes) {
        std::string doc;
        for (int w = 0; w < words; ++w) {
            doc += vocabulary[rng() % std::size(vocabulary)];
            doc += w + 1 < words ? " " : ".\n\n";
        }
        out << doc;
        written += static_cast<int64_t>(doc.size());
    }
}

/** Random token ids below `vocab`: `count` sequences of `length`. */
std::vector<std::vector<int64_t>> randomSequences(int64_t count, int64_t length, int64_t vocab)
{
    std::mt19937 rng(3);
    std::vector<std::vector<int64_t>> out(static_cast<size_t>(count));
    for (auto &s : out)
        for (int64_t t = 0; t < length; ++t)
            s.push_back(static_cast<int64_t>(rng() % static_cast<uint64_t>(vocab)));
    return out;
}

/** A small QLoRA run on the fixture; the tests below make one of its parts long. */
HealingConfig healingConfig(const fs::path &data)
{
    HealingConfig c;
    c.trainData = data;
    c.sequenceLength = 32;
    c.batchSize = 4;
    c.microBatchSize = 2;
    c.steps = 1000;
    c.rank = 4;
    c.alpha = 4;
    c.evalEvery = 0;
    c.validationSequences = 2;
    return c;
}

}  // namespace

class TestCancel final : public QObject
{
    Q_OBJECT

private slots:
    void distancesStopWithinABatch()
    {
        // One batch of 32 sequences of 1024 tokens: a single layer of it is a long stretch on the CPU.
        ModelSession session;
        session.load(kModel, testDevice());
        const auto sequences = randomSequences(32, 1024, session.info().config.vocabSize);
        // Passes one after another, so that a pass is in flight when the stop comes on a machine of any speed
        // (a 16-core machine finishes one in well under the second this waits).
        const Stopped s = stopAfter(1.0, [&](std::stop_token stop) {
            while (true)
                computeLayerDistances(session, sequences, {.batchSize = 32}, {}, stop);
            return false;
        });
        QVERIFY2(s.error.empty(), s.error.c_str());
        QVERIFY(s.cancelled);
        QVERIFY2(s.latency < kBoundSeconds, qPrintable(QString::number(s.latency)));
    }

    void planDistancesStopWhileTokenizing()
    {
        // Reading and tokenising the sample comes before the first forward pass.
        QTemporaryDir dir;
        const fs::path data = dir.filePath("corpus.txt").toStdString();
        writeCorpus(data, 24 << 20, 400);
        ModelSession session;
        session.load(kModel, testDevice());
        const Stopped s = stopAfter(0.5, [&](std::stop_token stop) {
            measurePlanDistances(kModel, {data, {.samples = 0, .maxLength = 64}, 8}, testDevice(), &session, {}, stop);
            return false;
        });
        QVERIFY2(s.error.empty(), s.error.c_str());
        QVERIFY(s.cancelled);
        QVERIFY2(s.latency < kBoundSeconds, qPrintable(QString::number(s.latency)));
    }

    void healingStopWhilePreparingData()
    {
        QTemporaryDir dir;
        const fs::path data = dir.filePath("corpus.txt").toStdString();
        writeCorpus(data, 24 << 20, 400);
        ModelSession session;
        session.load(kModel, testDevice());
        HealingConfig c = healingConfig(data);
        c.steps = 100000;  // blocks for every document: the whole file is tokenised
        const Stopped s =
            stopAfter(0.5, [&](std::stop_token stop) { return healModel(session, c, {}, stop).cancelled; });
        QVERIFY2(s.error.empty(), s.error.c_str());
        QVERIFY(s.cancelled);
        QVERIFY2(s.latency < kBoundSeconds, qPrintable(QString::number(s.latency)));
    }

    void healingStopDuringValidation()
    {
        // The loss before the first step, on 20000 blocks: the stop comes once the run has started.
        QTemporaryDir dir;
        const fs::path data = dir.filePath("corpus.txt").toStdString();
        writeCorpus(data, 8 << 20, 400);
        ModelSession session;
        session.load(kModel, testDevice());
        HealingConfig c = healingConfig(data);
        c.validationData = data;
        c.steps = 10;
        c.validationSequences = 20000;
        std::atomic<bool> started = false;
        std::atomic<int64_t> steps = 0;
        HealingCallbacks callbacks;
        callbacks.started = [&](int64_t, const HealingResult &) { started = true; };
        callbacks.stepFinished = [&](const HealingStep &) { ++steps; };
        const Stopped s = stopAfter(
            0.5, [&](std::stop_token stop) { return healModel(session, c, callbacks, stop).cancelled; }, &started);
        QVERIFY2(s.error.empty(), s.error.c_str());
        QVERIFY(s.cancelled);
        QCOMPARE(steps.load(), int64_t(0));  // the stop found the run validating
        QVERIFY2(s.latency < kBoundSeconds, qPrintable(QString::number(s.latency)));
    }

    void healingStopWithinAMicroBatch()
    {
        // One micro-batch of 2 sequences of 1024 tokens: its forward and backward passes are long stretches.
        // The stop comes once the first validation is done, while the first micro-batch runs.
        QTemporaryDir dir;
        const fs::path data = dir.filePath("corpus.txt").toStdString();
        writeCorpus(data, 2 << 20, 400);
        ModelSession session;
        session.load(kModel, testDevice());
        HealingConfig c = healingConfig(data);
        c.sequenceLength = 1024;
        c.batchSize = 2;
        c.microBatchSize = 2;
        c.steps = 100000;  // still training when the stop comes, on a machine of any speed
        c.validationSequences = 1;
        std::atomic<bool> training = false;
        HealingCallbacks callbacks;
        callbacks.validated = [&](const ValidationPoint &) { training = true; };
        const Stopped s = stopAfter(
            1.0, [&](std::stop_token stop) { return healModel(session, c, callbacks, stop).cancelled; }, &training);
        QVERIFY2(s.error.empty(), s.error.c_str());
        QVERIFY(s.cancelled);
        QVERIFY2(s.latency < kBoundSeconds, qPrintable(QString::number(s.latency)));
    }

    void evaluationStopWithinABatch()
    {
        // The held-out loss on long documents in batches of 32 × 2048 tokens.
        QTemporaryDir dir;
        const fs::path data = dir.filePath("corpus.txt").toStdString();
        writeCorpus(data, 2 << 20, 4000);
        ModelSession session;
        session.load(kModel, testDevice());
        EvalOptions o;
        o.validationData = data;
        o.lossSequences = 64;
        o.lossLength = 2048;
        o.batchTokens = 32 * 2048;
        const Stopped s = stopAfter(2.0, [&](std::stop_token stop) {
            while (true)  // as above: an evaluation in flight whenever the stop comes
                evaluateModel(session, o, {}, stop);
            return false;
        });
        QVERIFY2(s.error.empty(), s.error.c_str());
        QVERIFY(s.cancelled);
        QVERIFY2(s.latency < kBoundSeconds, qPrintable(QString::number(s.latency)));
    }
};

QTEST_GUILESS_MAIN(TestCancel)
#include "tst_cancel.moc"
