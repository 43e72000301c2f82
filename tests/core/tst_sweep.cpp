// SPDX-License-Identifier: GPL-3.0-or-later
// Sweeps: accuracy and loss against the fraction of layers dropped (Gromov et al.'s headline figure) and the
// per-layer importance scan. Points are saved as they come and resumed only under the same settings; the
// unpruned model and distances are measured once; every benchmark, GSM8K included, scores a point as
// evaluateModel scores that plan.
#include <algorithm>
#include <fstream>
#include <functional>

#include <QTemporaryDir>
#include <QTest>

#include "test_device.h"

#include "layercut/analysis_cache.h"
#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/json_file.h"
#include "layercut/sweep.h"

#include <nlohmann/json.hpp>

using namespace lc;
using lc::test::testDevice;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = LAYERCUT_FIXTURES_DIR;
const std::string kMmlu = kFixtures + "/data/mmlu";
const std::string kBoolq = kFixtures + "/data/boolq_tiny.jsonl";
const std::string kGsm8k = kFixtures + "/data/gsm8k_tiny.jsonl";

}  // namespace

class TestSweep final : public QObject
{
    Q_OBJECT

private slots:
    void sweepWritesACompleteFileAndResumes()
    {
        QTemporaryDir dir;
        ModelSession s;
        s.load(kFixtures + "/models/llama3_gqa_sharded", testDevice());
        SweepOptions o;
        o.fractions = {0.0, 0.34};
        o.strategies = {PruneStrategy::Deepest, PruneStrategy::Reverse};
        o.eval.mmlu = kMmlu;
        o.eval.boolq = kBoolq;
        o.eval.shots = 1;
        o.eval.validationData = kFixtures + "/data/tiny_corpus.txt";
        o.healSteps = 2;
        o.healing.trainData = kFixtures + "/data/tiny_corpus.txt";
        o.healing.sequenceLength = 32;
        o.healing.batchSize = 2;
        o.healing.rank = 4;
        o.healing.warmupSteps = 0;
        o.resultFile = fs::path(dir.path().toStdString()) / "sweep.json";

        // Cancelled after the third point: the file holds those three.
        std::stop_source stop;
        int seen = 0;
        const SweepResult partial = runSweep(
            s, o,
            [&](const SweepPoint &) {
                if (++seen == 3)
                    stop.request_stop();
            },
            {}, stop.get_token());
        QVERIFY(partial.cancelled);
        QCOMPARE(partial.points.size(), size_t(3));
        QVERIFY(!isHealed(s));  // the checkpoint was reloaded
        QCOMPARE(sweepFromJson(readJsonFile(o.resultFile), "sweep.json").points.size(), size_t(3));

        // Resumed: only the missing points run; 2 strategies x 2 fractions x (unhealed, healed).
        seen = 0;
        const SweepResult r = runSweep(s, o, [&](const SweepPoint &) { ++seen; });
        QVERIFY(!r.cancelled);
        QCOMPARE(seen, 5);
        QCOMPARE(r.points.size(), size_t(8));
        const SweepResult file = sweepFromJson(readJsonFile(o.resultFile), "sweep.json");
        QCOMPARE(file.points.size(), size_t(8));
        QCOMPARE(file.layers, int64_t(6));
        QCOMPARE(file.mmluChance, 0.25);
        QCOMPARE(file.boolqMajority.value(), 0.5);
        for (const SweepPoint &p : file.points) {
            QVERIFY(p.mmlu && p.boolq && p.loss && p.normalizedLoss);
            QCOMPARE(p.dropped.size(), size_t(p.fraction == 0 ? 0 : 2));
        }
        // deepest at 2 of 6 drops layers 3, 4 (keeps the last); reverse drops 4, 5.
        const auto find = [&](PruneStrategy strategy) {
            return std::find_if(file.points.begin(), file.points.end(),
                                [&](const SweepPoint &p) { return p.strategy == strategy && p.fraction > 0; });
        };
        QCOMPARE(find(PruneStrategy::Deepest)->dropped, (std::vector<int64_t>{3, 4}));
        QCOMPARE(find(PruneStrategy::Reverse)->dropped, (std::vector<int64_t>{4, 5}));
        QCOMPARE(s.prunePlan().kept.size(), size_t(6));  // the session ends unpruned

        // Other settings do not resume this file.
        o.eval.shots = 2;
        QVERIFY_THROWS_EXCEPTION(Error, runSweep(s, o));
    }

    // The unpruned model is the same for every strategy: measured once, recorded for each (so each line of
    // the chart starts at 0), and said to be a copy in the file.
    void sweepMeasuresTheUnprunedModelOnce()
    {
        QTemporaryDir dir;
        ModelSession s;
        s.load(kFixtures + "/models/llama3_gqa_sharded", testDevice());
        SweepOptions o;
        o.fractions = {0.0, 0.34};
        o.strategies = {PruneStrategy::Deepest, PruneStrategy::Reverse};
        o.eval.validationData = kFixtures + "/data/tiny_corpus.txt";
        o.resultFile = fs::path(dir.path().toStdString()) / "sweep.json";
        int evaluations = 0;  // each evaluateModel() reads its loss data once
        const auto progress = [&](const Progress &p) {
            evaluations += p.stage == Stage::ReadingData && p.current == 0;
        };
        std::vector<SweepPoint> seen;
        const SweepResult r = runSweep(
            s, o, [&](const SweepPoint &p) { seen.push_back(p); }, progress);
        QCOMPARE(evaluations, 3);  // the unpruned model, deepest's 2 layers, reverse's 2 layers
        QCOMPARE(seen.size(), size_t(4));
        QCOMPARE(r.points.size(), size_t(4));
        const auto unpruned = [&](PruneStrategy strategy) {
            return *std::find_if(r.points.begin(), r.points.end(),
                                 [&](const SweepPoint &p) { return p.strategy == strategy && p.fraction == 0; });
        };
        QVERIFY(!unpruned(PruneStrategy::Deepest).copiedFrom);
        QVERIFY(unpruned(PruneStrategy::Reverse).copiedFrom == PruneStrategy::Deepest);
        QCOMPARE(unpruned(PruneStrategy::Reverse).loss.value(), unpruned(PruneStrategy::Deepest).loss.value());
        QVERIFY(unpruned(PruneStrategy::Reverse).dropped.empty());
        const nlohmann::json file = readJsonFile(o.resultFile);
        int copies = 0;
        for (const auto &p : file["points"])
            copies += p.value("copied_from", std::string()) == "deepest";
        QCOMPARE(copies, 1);
        // A file written before copies existed (no "copied_from") reads as measured points.
        nlohmann::json old = file;
        for (auto &p : old["points"])
            p.erase("copied_from");
        for (const SweepPoint &p : sweepFromJson(old, "old.json").points)
            QVERIFY(!p.copiedFrom);
        // Resuming the complete file measures nothing.
        evaluations = 0;
        QCOMPARE(runSweep(s, o, {}, progress).points.size(), size_t(4));
        QCOMPARE(evaluations, 0);
    }

    // Similarity sweeps take their distances from the caller or the analysis cache when they can, save what
    // they measure there, and measure nothing at all when every point is in the file already.
    void sweepReusesDistances()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const std::string model = kFixtures + "/models/llama3_gqa_sharded";
        const std::string corpus = kFixtures + "/data/tiny_corpus.txt";
        ModelSession s;
        s.load(model, testDevice());
        SweepOptions o;
        o.fractions = {0.34};
        o.strategies = {PruneStrategy::Similarity};
        o.distanceData = corpus;
        o.distanceOptions = {.samples = 8, .maxLength = 24};
        o.distancesCache = root / "cache";
        o.eval.validationData = corpus;
        o.eval.lossSequences = 4;
        int measured = 0;
        const auto progress = [&](const Progress &p) {
            measured += p.stage == Stage::MeasuringDistances && p.current == 0;
        };

        o.resultFile = root / "first.json";
        const SweepResult first = runSweep(s, o, {}, progress);
        QCOMPARE(measured, 1);
        const fs::path cached = distancesCachePath(o.distancesCache, model, corpus, o.distanceOptions, "float32", "");
        QVERIFY(fs::exists(cached));  // the GUI's key: a heatmap measured there is reused, and the other way round
        // The next sweep (another result file) reads the cache: no measurement, the same layers.
        o.resultFile = root / "second.json";
        measured = 0;
        QCOMPARE(runSweep(s, o, {}, progress).points[0].dropped, first.points[0].dropped);
        QCOMPARE(measured, 0);
        // What the cache holds is what the sweep uses: distances that make the block 0-1 the most similar.
        LayerDistances fake = *loadCachedDistances(cached);
        for (int64_t l = 0; l + 2 <= fake.numLayers; ++l)
            fake.angular[static_cast<size_t>(2 * (fake.numLayers + 1) + l)] = l == 0 ? 0.01 : 0.9;
        saveCachedDistances(cached, fake);
        o.resultFile = root / "third.json";
        QCOMPARE(runSweep(s, o, {}, progress).points[0].dropped, (std::vector<int64_t>{0, 1}));
        QCOMPARE(measured, 0);
        // Distances given by the caller come first, and are neither measured nor read.
        fake.angular[static_cast<size_t>(2 * (fake.numLayers + 1) + 0)] = 0.9;
        fake.angular[static_cast<size_t>(2 * (fake.numLayers + 1) + 3)] = 0.01;
        o.distances = fake;
        o.resultFile = root / "fourth.json";
        QCOMPARE(runSweep(s, o, {}, progress).points[0].dropped, (std::vector<int64_t>{3, 4}));
        QCOMPARE(measured, 0);
        // Without a cache and with every point in the file, nothing is measured either.
        o.distances.reset();
        o.distancesCache.clear();
        o.resultFile = root / "first.json";
        QCOMPARE(runSweep(s, o, {}, progress).points.size(), size_t(1));
        QCOMPARE(measured, 0);
    }

    // Every setting that changes a point's numbers, and the model's files, are part of the resume key: a
    // mismatch is an error naming the setting, never a file of old and new points mixed.
    void sweepResumeKeyCoversEverySetting_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("named");
        QTest::newRow("heal batch") << "heal_batch"
                                    << "heal_batch_size";
        QTest::newRow("heal micro-batch") << "heal_micro_batch"
                                          << "heal_micro_batch_size";
        QTest::newRow("heal length") << "heal_length"
                                     << "heal_sequence_length";
        QTest::newRow("heal warmup") << "heal_warmup"
                                     << "heal_warmup_steps";
        QTest::newRow("heal quantisation") << "heal_quant"
                                           << "heal_quantization";
        QTest::newRow("heal seed") << "heal_seed"
                                   << "heal_seed";
        QTest::newRow("boolq shots") << "boolq_shots"
                                     << "boolq_shots";
        QTest::newRow("loss samples") << "loss_samples"
                                      << "loss_samples";
        QTest::newRow("loss length") << "loss_length"
                                     << "loss_length";
        QTest::newRow("context") << "context"
                                 << "context_length";
        QTest::newRow("loss data edited") << "touch_data"
                                          << "data_files";
        QTest::newRow("another model, same folder name") << "touch_model"
                                                         << "model_files";
        QTest::newRow("dtype") << "dtype"
                               << "dtype";
        QTest::newRow("distance sample") << "distance_samples"
                                         << "distance_samples";
    }

    void sweepResumeKeyCoversEverySetting()
    {
        QFETCH(QString, change);
        QFETCH(QString, named);
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        // A model and data of the user's own, so the test may touch them.
        const fs::path model = root / "model";
        fs::create_directories(model);
        for (const auto &e : fs::directory_iterator(kFixtures + "/models/llama3_gqa_sharded"))
            fs::copy_file(e.path(), model / e.path().filename());
        const fs::path corpus = root / "corpus.txt";
        fs::copy_file(kFixtures + "/data/tiny_corpus.txt", corpus);
        ModelSession s;
        s.load(model, testDevice());
        SweepOptions o;
        o.fractions = {0.34};
        o.strategies = {PruneStrategy::Deepest, PruneStrategy::Similarity};
        o.distanceData = corpus;
        o.distanceOptions = {.samples = 6, .maxLength = 16};
        o.eval.boolq = kBoolq;
        o.eval.validationData = corpus;
        o.eval.lossSequences = 6;
        o.eval.lossLength = 16;
        o.healSteps = 2;  // automatic warmup: 1 step, so an explicit 0 differs
        o.healing.trainData = corpus;
        o.healing.sequenceLength = 16;
        o.healing.batchSize = 2;
        o.healing.rank = 2;
        o.resultFile = root / "sweep.json";
        QCOMPARE(runSweep(s, o).points.size(), size_t(4));

        if (change == "heal_batch")
            o.healing.batchSize = 4;
        else if (change == "heal_micro_batch")
            o.healing.microBatchSize = 2;
        else if (change == "heal_length")
            o.healing.sequenceLength = 24;
        else if (change == "heal_warmup")
            o.healing.warmupSteps = 0;
        else if (change == "heal_quant")
            o.healing.quantization = BaseQuantization::None;
        else if (change == "heal_seed")
            o.healing.seed = 9;
        else if (change == "boolq_shots")
            o.eval.boolqShots = 1;
        else if (change == "loss_samples")
            o.eval.lossSequences = 5;
        else if (change == "loss_length")
            o.eval.lossLength = 12;
        else if (change == "context")
            o.eval.maxLength = 64;
        else if (change == "distance_samples")
            o.distanceOptions.samples = 5;
        else if (change == "touch_data")
            std::ofstream(corpus, std::ios::app) << "One more document.\n";
        else if (change == "touch_model")  // new weights in the same folder: a new time stamp at least
            fs::last_write_time(model / "model-00001-of-00004.safetensors",
                                fs::last_write_time(model / "model-00001-of-00004.safetensors") +
                                    std::chrono::hours(1));
        if (change == "dtype") {
            LoadOptions half = testDevice();
            half.dtype = DType::Float16;
            s.load(model, half);
        }
        try {
            runSweep(s, o);
            QFAIL("a sweep with other settings resumed the file");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(named) && QString(e.what()).contains("sweep.json"), e.what());
        }
        QCOMPARE(sweepFromJson(readJsonFile(o.resultFile), "sweep.json").points.size(), size_t(4));  // untouched
    }

    void importanceScanDropsEachLayer()
    {
        ModelSession s;
        s.load(kFixtures + "/models/llama3_gqa_sharded", testDevice());
        SweepOptions o;
        o.perLayer = true;
        o.eval.validationData = kFixtures + "/data/tiny_corpus.txt";
        const SweepResult r = runSweep(s, o);
        QCOMPARE(r.points.size(), size_t(7));  // the whole model, then each of the 6 layers dropped alone
        QVERIFY(r.points[0].dropped.empty());
        for (int64_t i = 0; i < 6; ++i)
            QCOMPARE(r.points[static_cast<size_t>(i) + 1].dropped, (std::vector<int64_t>{i}));
    }

    // Llama SLayer's probe of the second kind: after the removals, a block inserted after each layer, trained
    // alone on the injection corpus and asked the injected questions; the same numbers as doing it by hand,
    // cancellable and resumable, and the session ends as the checkpoint.
    void importanceProbeInsertsTrainsAndAsks()
    {
        QTemporaryDir dir;
        const fs::path model = kFixtures + "/models/llama3_gqa_sharded";
        ModelSession s;
        s.load(model, testDevice());
        SweepOptions o;
        o.perLayer = true;
        o.eval.validationData = kFixtures + "/data/tiny_corpus.txt";
        o.eval.lossSequences = 4;
        o.eval.lossLength = 32;
        o.eval.shots = 1;
        o.eval.limit = 2;
        o.injection.steps = 2;
        o.injection.init = BlockInit::Copy;
        o.injection.trainData = kFixtures + "/data/tiny_corpus.txt";
        o.injection.mmlu = kMmlu;  // stands for questions on new facts
        o.healing.sequenceLength = 32;
        o.healing.batchSize = 2;
        o.healing.warmupSteps = 0;
        o.healing.learningRate = 1e-2;
        o.resultFile = fs::path(dir.path().toStdString()) / "importance.json";

        // Cancelled at the ninth point, the second insertion: the file holds the eight before it.
        std::stop_source stop;
        int seen = 0;
        const SweepResult partial = runSweep(
            s, o,
            [&](const SweepPoint &) {
                if (++seen == 8)
                    stop.request_stop();
            },
            {}, stop.get_token());
        QVERIFY(partial.cancelled);
        QCOMPARE(sweepFromJson(readJsonFile(o.resultFile), "importance.json").points.size(), size_t(8));
        QVERIFY(!isHealed(s));
        QVERIFY(s.blockPlan() == BlockPlan::of(PrunePlan::keepAll(6)));

        seen = 0;
        const SweepResult r = runSweep(s, o, [&](const SweepPoint &) { ++seen; });
        QVERIFY(!r.cancelled);
        QCOMPARE(seen, 5);
        QCOMPARE(r.points.size(), size_t(13));  // the whole model, 6 layers dropped, 6 blocks inserted
        const SweepPoint &whole = r.points[0];
        QVERIFY(whole.dropped.empty() && !whole.insertedAfter && whole.injectedMmlu && !whole.injectedBoolq);
        for (int64_t i = 0; i < 6; ++i) {
            const SweepPoint &removed = r.points[static_cast<size_t>(1 + i)];
            QCOMPARE(removed.dropped, (std::vector<int64_t>{i}));
            QVERIFY(!removed.insertedAfter && !removed.injectedMmlu);
            const SweepPoint &inserted = r.points[static_cast<size_t>(7 + i)];
            QVERIFY(inserted.dropped.empty() && !inserted.healed);
            QCOMPARE(inserted.insertedAfter.value(), i);
            QVERIFY(inserted.injectedMmlu && inserted.loss);
            QVERIFY(*inserted.loss != *whole.loss);  // the inserted block trained (the identity before)
        }
        QVERIFY(!isHealed(s));
        QVERIFY(s.blockPlan() == BlockPlan::of(PrunePlan::keepAll(6)));

        // Layer 3's point is what inserting, training and asking by hand gives.
        s.applyBlockPlan(BlockPlan::of(PrunePlan::keepAll(6)).withInsertions({3}, BlockInit::Copy));
        HealingConfig h = o.healing;
        h.steps = o.injection.steps;
        h.method = HealingMethod::Blocks;
        h.trainData = o.injection.trainData;
        healModel(s, h);
        EvalOptions asked = o.eval;
        asked.mmlu = o.injection.mmlu;
        asked.validationData.clear();
        QCOMPARE(evaluateModel(s, asked).mmlu->overall.accuracy(), r.points[10].injectedMmlu.value());
        QCOMPARE(evaluateModel(s, o.eval).loss->loss, r.points[10].loss.value());
        s.load(model, testDevice());

        // The file keeps the probe; its settings read back, and other probe settings do not resume it.
        const nlohmann::json file = readJsonFile(o.resultFile);
        const SweepResult back = sweepFromJson(file, "importance.json");
        QCOMPARE(back.points[10].insertedAfter.value(), int64_t(3));
        QCOMPARE(back.points[10].injectedMmlu.value(), r.points[10].injectedMmlu.value());
        const SweepOptions settings = sweepOptionsFromJson(file["settings"]);
        QCOMPARE(settings.injection.steps, int64_t(2));
        QCOMPARE(settings.healSteps, int64_t(0));
        QVERIFY(settings.injection.init == BlockInit::Copy);
        QCOMPARE(settings.injection.mmlu, fs::path(kMmlu));
        QVERIFY(settings.healing.method == HealingMethod::Blocks);
        for (const auto &[key, change] : std::vector<std::pair<std::string, std::function<void(SweepOptions &)>>>{
                 {"inject_steps", [](SweepOptions &x) { x.injection.steps = 3; }},
                 {"inject_init", [](SweepOptions &x) { x.injection.init = BlockInit::Average; }},
                 {"heal_learning_rate", [](SweepOptions &x) { x.healing.learningRate = 1e-3; }}}) {
            SweepOptions other = o;
            change(other);
            try {
                runSweep(s, other);
                QFAIL(("a probe with another " + key + " resumed the file").c_str());
            } catch (const Error &e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(key)), e.what());
            }
        }
        // The probe needs its corpus and its questions, and belongs to the per-layer scan.
        SweepOptions bad = o;
        bad.resultFile.clear();
        bad.injection.mmlu.clear();
        QVERIFY_THROWS_EXCEPTION(Error, runSweep(s, bad));
        bad = o;
        bad.resultFile.clear();
        bad.perLayer = false;
        bad.fractions = {0.0};
        QVERIFY_THROWS_EXCEPTION(Error, runSweep(s, bad));
    }

    // GSM8K is the sweep's third benchmark: each point's strict and flexible accuracy are evaluateModel's for
    // that plan, the file keeps them, and the generation settings are part of the resume key.
    void sweepScoresGsm8k()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        // The tiny models write no numbers, so "[invalid]" is what both filters extract; a reference of
        // "#### [invalid]" then matches, as in the harness. Two of the three scored rows have one: the tallies
        // are not zero, and only an answer scored against the wrong row would change them.
        std::ifstream in(kGsm8k);
        std::string line, rows;
        for (int i = 0; std::getline(in, line); ++i) {
            nlohmann::json row = nlohmann::json::parse(line);
            if (i == 2 || i == 4)
                row["answer"] = "No number fits.\n#### [invalid]";
            rows += row.dump() + "\n";
        }
        const fs::path problems = root / "gsm8k.jsonl";
        std::ofstream(problems) << rows;

        ModelSession s;
        s.load(kFixtures + "/models/llama3_gqa_sharded", testDevice());
        SweepOptions o;
        o.fractions = {0.0, 0.34};
        o.strategies = {PruneStrategy::Reverse};
        o.eval.gsm8k = problems;
        o.eval.gsm8kShots = 2;
        o.eval.maxNewTokens = 10;
        o.eval.generationBatch = 2;
        o.resultFile = root / "sweep.json";
        const SweepResult r = runSweep(s, o);
        QCOMPARE(r.points.size(), size_t(2));
        for (const SweepPoint &p : r.points) {
            QVERIFY(!p.mmlu && !p.boolq && !p.loss);
            s.applyPrunePlan(PrunePlan::dropList(6, p.dropped));
            const EvalResult e = evaluateModel(s, o.eval);
            QCOMPARE(p.gsm8k.value(), e.gsm8k->strict.accuracy());
            QCOMPARE(p.gsm8kFlexible.value(), e.gsm8k->flexible.accuracy());
            QCOMPARE(e.gsm8k->strict.total, int64_t(3));
            QCOMPARE(e.gsm8k->strict.correct, int64_t(2));
        }
        s.applyPrunePlan(PrunePlan::keepAll(6));
        const nlohmann::json file = readJsonFile(o.resultFile);
        QCOMPARE(file["settings"]["gsm8k"].get<std::string>(), problems.string());
        QCOMPARE(file["settings"]["gsm8k_shots"].get<int64_t>(), int64_t(2));
        const SweepResult back = sweepFromJson(file, "sweep.json");
        QCOMPARE(back.points[1].gsm8k.value(), r.points[1].gsm8k.value());
        QCOMPARE(back.points[1].gsm8kFlexible.value(), r.points[1].gsm8kFlexible.value());
        const SweepOptions settings = sweepOptionsFromJson(file["settings"]);
        QCOMPARE(settings.eval.gsm8k, problems);
        QCOMPARE(settings.eval.maxNewTokens, int64_t(10));
        // The same settings resume (nothing to run); other shots or answer lengths do not.
        QCOMPARE(runSweep(s, o).points.size(), size_t(2));
        for (const auto &[key, change] : std::vector<std::pair<std::string, std::function<void(SweepOptions &)>>>{
                 {"gsm8k_shots", [](SweepOptions &x) { x.eval.gsm8kShots = 1; }},
                 {"max_new_tokens", [](SweepOptions &x) { x.eval.maxNewTokens = 12; }},
                 {"gsm8k_train", [&](SweepOptions &x) { x.eval.gsm8kTrain = kGsm8k; }}}) {
            SweepOptions other = o;
            change(other);
            try {
                runSweep(s, other);
                QFAIL(("a sweep with another " + key + " resumed the file").c_str());
            } catch (const Error &e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(key)), e.what());
            }
        }
        // A file of a sweep without GSM8K has no GSM8K keys, so older files still resume.
        o.eval.gsm8k.clear();
        o.eval.validationData = kFixtures + "/data/tiny_corpus.txt";
        o.resultFile = root / "plain.json";
        runSweep(s, o);
        const nlohmann::json plain = readJsonFile(o.resultFile);
        QVERIFY(!plain["settings"].contains("gsm8k") && !plain["settings"].contains("max_new_tokens"));
        QVERIFY(!plain["points"][0].contains("gsm8k"));
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
