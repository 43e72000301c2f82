// SPDX-License-Identifier: GPL-3.0-or-later
// Healing runs on the tiny fixture models, on the CPU: LoRA at init is the base layer, the validation loss is
// the forward pass's, the loss falls, micro-batches add up, a resumed run repeats the uninterrupted curve,
// activation checkpointing changes nothing, bad input, progress, time left, cancel.
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

class TestHealing final : public QObject
{
    Q_OBJECT

private slots:
    void loraAtInitIsTheBaseModel()
    {
        // The first step of a warmup runs at learning rate 0: B stays zero, so the adapted model is the base
        // model. The run stops after that step.
        auto session = loadPruned();
        const std::vector<float> base = logits(*session);
        HealingConfig c = tinyConfig(2);
        c.quantization = BaseQuantization::None;
        c.targetModules = allLinearModules();
        std::stop_source stop;
        HealingCallbacks callbacks;
        callbacks.stepFinished = [&](const HealingStep &) { stop.request_stop(); };
        const HealingResult r = healModel(*session, c, callbacks, stop.get_token());
        QCOMPARE(r.steps.size(), size_t(1));
        QCOMPARE(r.steps[0].learningRate, 0.0);
        QVERIFY(isHealed(*session));
        QCOMPARE(relativeError(logits(*session), base), 0.0);
    }

    void validationLossIsTheForwardPassLoss_data()
    {
        QTest::addColumn<QString>("family");
        QTest::newRow("llama3") << "llama3_gqa_sharded";
        // Training sequences of 32 tokens through windows of 4: the training pass cuts attention as the
        // forward pass does.
        QTest::newRow("mistral, sliding window") << "mistral_window";
        QTest::newRow("smollm3, layers without RoPE") << "smollm3_nope";
        // The training loss soft-caps the logits as the forward pass does; sliding layers rotate with their own base.
        QTest::newRow("gemma2, final soft-capping") << "gemma2_softcap";
        QTest::newRow("gemma3, local RoPE") << "gemma3_text";
        // 32 tokens past LongRoPE's original 4 positions: the long factors in training as in the forward pass.
        QTest::newRow("phi3, LongRoPE, partial rotary") << "phi3_longrope";
    }

    void validationLossIsTheForwardPassLoss()
    {
        // The validation loss before training (a dense base, adapters at zero) runs the training forward pass;
        // on one validation document of exactly one block it equals the ordinary forward pass's loss.
        QFETCH(QString, family);
        auto session = loadPruned(family.toStdString());
        const std::optional<int32_t> eos = session->tokenizer()->eosId();
        std::vector<int64_t> row;
        for (int64_t t = 0; t < 32; ++t)
            row.push_back(eos && t == 31 ? *eos : (t * 37 + 11) % 400);
        QTemporaryDir dir;
        const fs::path validation = fs::path(dir.path().toStdString()) / "validation.jsonl";
        std::ofstream(validation) << nlohmann::json({{"input_ids", row}}).dump() << "\n";
        HealingConfig c = tinyConfig(1);
        c.quantization = BaseQuantization::None;
        c.validationData = validation;
        c.validationSequences = 1;
        const double forward = session->languageModelLoss({row}, 1).loss;
        const HealingResult r = healModel(*session, c);
        QCOMPARE(r.validation.front().step, int64_t(0));
        QCOMPARE(r.validation.front().tokens, int64_t(31));
        QVERIFY2(std::abs(r.validation.front().loss - forward) < 1e-5,
                 qPrintable(QString("%1 vs %2").arg(r.validation.front().loss).arg(forward)));
    }

    void lossFalls()
    {
        auto session = loadPruned();
        HealingConfig c = tinyConfig(40);  // QLoRA defaults: NF4, double quantisation, FFN targets
        c.evalEvery = 20;
        const HealingResult r = healModel(*session, c);
        QCOMPARE(r.steps.size(), size_t(40));
        const double last = meanOfLastSteps(r, 5);
        QVERIFY2(last < r.steps.front().trainLoss - 0.2,
                 qPrintable(QStringLiteral("%1 -> %2").arg(r.steps.front().trainLoss).arg(last)));
        QCOMPARE(r.validation.size(), size_t(3));  // before training, at 20 and at 40
        QCOMPARE(r.validation.front().step, int64_t(0));
        QVERIFY(r.validation.back().loss < r.validation.front().loss);
        QVERIFY(r.trainableParameters > 0);
    }

    void shortRunsTrain()
    {
        // The paper's settings (QLoRA, rank 64, peak learning rate 3e-4) for 40 steps, warmup left automatic:
        // 2% of the steps reach the peak at the second step, and the loss falls by 0.36 here. With the paper's
        // fixed 100 warmup steps the run never left the warmup (its rate rose to 1.2e-4) and fell by 0.17.
        auto session = loadPruned();
        HealingConfig c;
        c.trainData = kCorpus;
        c.sequenceLength = 32;
        c.batchSize = 4;
        c.microBatchSize = 2;
        c.steps = 40;
        c.evalEvery = 0;
        c.validationSequences = 4;
        const HealingResult r = healModel(*session, c);
        QCOMPARE(r.steps.size(), size_t(40));
        const double last = meanOfLastSteps(r, 5);
        QVERIFY2(last < r.steps.front().trainLoss - 0.25,
                 qPrintable(QStringLiteral("%1 -> %2").arg(r.steps.front().trainLoss).arg(last)));
        QCOMPARE(r.steps[1].learningRate, c.learningRate);  // the peak, from the second step on
    }

    void microBatchesAddUpInFloat32()
    {
        // Partial fine-tuning of a bfloat16 model (its weights, and so their gradients, are bfloat16) with
        // one step of 8 micro-batches that are 8 copies of the same sequence, against one step of that
        // sequence alone. Each micro-batch's loss is scaled by 1/8 more than the single run's, a power of 2
        // that scales every rounded intermediate exactly, so each micro-batch's gradient is exactly g/8, where
        // g is the single run's gradient, and the exact (float64) sum of the 8 is g. In float32 the partial
        // sums k·g/8 need at most 8 + 3 bits: the accumulated gradient is g exactly. In bfloat16 (8 bits) the
        // partial sums 3g/8, 5g/8, 6g/8, 7g/8 are rounded: the sum misses g by about 2^-9 of it.
        // AdamW's first update is lr·G/(|G| + ε); with lr = ε far above |G| it is G itself, so the float32
        // masters the checkpoints hold differ by what the accumulated gradients differ by.
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        {
            std::ofstream data(root / "one_sequence.jsonl");  // 32 ids: with EOS, one block of 32 tokens
            data << "{\"input_ids\": [";
            for (int i = 0; i < 32; ++i)
                data << (i ? ", " : "") << (37 * i + 11) % 480;
            data << "]}\n";
        }
        std::vector<std::map<std::string, std::vector<float>>> masters;
        std::vector<double> norms;
        for (const int64_t batch : {1, 8}) {
            ModelSession session;  // on the CPU: its bfloat16 kernels give the same gradient for the same input
            LoadOptions o;
            o.dtype = DType::BFloat16;
            session.load(kModels + "llama3_gqa_sharded", o);
            session.applyPrunePlan(PrunePlan::dropBlock(6, 2, 2));
            HealingConfig c;
            c.trainData = root / "one_sequence.jsonl";
            c.sequenceLength = 32;
            c.method = HealingMethod::PartialLayers;
            c.trainLastLayers = 1;
            c.steps = 1;
            c.batchSize = batch;
            c.microBatchSize = 1;
            c.warmupSteps = 0;
            c.learningRate = 1e3;
            c.epsilon = 1e3;
            c.maxGradNorm = 0;
            c.evalEvery = 0;
            c.outputDir = root / ("batch" + std::to_string(batch));
            const HealingResult r = healModel(session, c);
            QCOMPARE(r.steps.size(), size_t(1));
            norms.push_back(r.steps[0].gradNorm);
            masters.push_back(checkpointMasters(r.lastCheckpoint));
        }
        QVERIFY(norms[0] > 0);
        QCOMPARE(masters[1].size(), masters[0].size());
        QVERIFY(masters[0].count("lm_head.weight") && masters[0].count("model.layers.5.mlp.down_proj.weight"));
        // ‖m8 − m1‖ is ‖G8 − g‖ (the update is the gradient); ‖g‖ is the single run's gradient norm.
        double diff = 0;
        for (const auto &[name, one] : masters[0]) {
            const std::vector<float> &eight = masters[1].at(name);
            QCOMPARE(eight.size(), one.size());
            for (size_t i = 0; i < one.size(); ++i)
                diff += (double(eight[i]) - one[i]) * (double(eight[i]) - one[i]);
        }
        const double relative = std::sqrt(diff) / norms[0];
        // Room for the masters' float32 rounding (weights up to about 1, updates of about 1e-2); the bfloat16
        // sum was 1e-3 and more off.
        QVERIFY2(relative < 1e-5,
                 qPrintable(QStringLiteral("accumulated gradient off by %1 of its norm").arg(relative)));
        QVERIFY2(std::abs(norms[1] - norms[0]) <= 1e-6 * norms[0],
                 qPrintable(QStringLiteral("gradient norms %1 vs %2").arg(norms[1]).arg(norms[0])));
    }

    void quantisingWhileLoadingGivesTheSameRun()
    {
        // LoadOptions::nf4 quantises each layer as it arrives; the codes, and so the run, are the same.
        std::vector<std::vector<double>> runs;
        for (const bool atLoad : {false, true}) {
            auto session = std::make_unique<ModelSession>();
            LoadOptions o = testDevice();
            o.nf4 = atLoad;
            session->load(kModels + "llama3_gqa_sharded", o);
            QCOMPARE(session->info().weightStorage, std::string(atLoad ? "nf4" : ""));
            session->applyPrunePlan(PrunePlan::dropBlock(6, 2, 2));
            runs.push_back(losses(healModel(*session, tinyConfig(4))));
        }
        QCOMPARE(runs[0], runs[1]);
        // Dense LoRA or partial fine-tuning need the dense weights.
        ModelSession nf4;
        LoadOptions o = testDevice();
        o.nf4 = true;
        nf4.load(kModels + "llama3_gqa_sharded", o);
        HealingConfig c = tinyConfig(1);
        c.method = HealingMethod::PartialLayers;
        QVERIFY_THROWS_EXCEPTION(Error, healModel(nf4, c));
    }

    void checkpointingChangesNothing()
    {
        std::vector<std::vector<double>> runs;
        for (const bool checkpointing : {true, false}) {
            auto session = loadPruned();
            HealingConfig c = tinyConfig(4);
            c.activationCheckpointing = checkpointing;
            runs.push_back(losses(healModel(*session, c)));
        }
        for (size_t i = 0; i < runs[0].size(); ++i)
            QVERIFY2(std::abs(runs[0][i] - runs[1][i]) < 1e-6 * std::abs(runs[1][i]),
                     qPrintable(QStringLiteral("step %1: %2 vs %3").arg(i).arg(runs[0][i]).arg(runs[1][i])));
    }

    void resumeRepeatsTheCurve()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "run";
        HealingConfig c = tinyConfig(10);
        c.checkpointEvery = 5;
        c.evalEvery = 5;
        c.outputDir = out;
        auto first = loadPruned();
        const HealingResult whole = healModel(*first, c);
        QVERIFY(fs::exists(out / "checkpoints" / "step-000005" / "training_state.safetensors"));
        QVERIFY(fs::exists(out / "checkpoints" / "step-000010"));

        c.outputDir = fs::path(dir.path().toStdString()) / "resumed";
        c.resumeFrom = out / "checkpoints" / "step-000005";
        auto second = loadPruned();
        const HealingResult resumed = healModel(*second, c);
        QCOMPARE(resumed.steps.size(), whole.steps.size());  // the history comes back with it
        for (size_t i = 0; i < whole.steps.size(); ++i)
            QVERIFY2(std::abs(resumed.steps[i].trainLoss - whole.steps[i].trainLoss) <= 1e-9 * whole.steps[i].trainLoss,
                     qPrintable(QStringLiteral("step %1: %2 vs %3")
                                    .arg(i + 1)
                                    .arg(resumed.steps[i].trainLoss)
                                    .arg(whole.steps[i].trainLoss)));
        QCOMPARE(relativeError(logits(*second), logits(*first)), 0.0);

        // Another setting cannot resume this checkpoint.
        c.learningRate *= 2;
        auto third = loadPruned();
        QVERIFY_THROWS_EXCEPTION(Error, healModel(*third, c));
    }

    void badInput()
    {
        auto session = loadPruned();
        HealingConfig c = tinyConfig(2);
        c.sequenceLength = 100000;  // more tokens than the corpus has
        try {
            healModel(*session, c);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("tiny_corpus.txt") != std::string::npos, e.what());
        }
        QVERIFY(!isHealed(*session));  // nothing changed
        c = tinyConfig(2);
        c.trainData = kCorpus + ".missing";
        QVERIFY_THROWS_EXCEPTION(Error, healModel(*session, c));
        // A healed model must be reloaded before another run.
        healModel(*session, tinyConfig(1));
        QVERIFY_THROWS_EXCEPTION(Error, healModel(*session, tinyConfig(1)));
    }

    // The preparation (reading, tokenising, the validation sample, quantising, the loss before the first
    // step) reports every stage with a total it reaches, before the run starts.
    void preparationReportsProgress()
    {
        QTemporaryDir dir;
        const fs::path validation = fs::path(dir.path().toStdString()) / "validation.txt";
        writeValidationText(validation);
        auto session = loadPruned();
        HealingConfig c = tinyConfig(2);
        c.validationData = validation;
        std::vector<Progress> reports;
        bool started = false;
        HealingCallbacks callbacks;
        callbacks.progress = [&](const Progress &p) {
            if (!started)
                reports.push_back(p);
        };
        callbacks.started = [&](int64_t, const HealingResult &) { started = true; };
        healModel(*session, c, callbacks);
        QVERIFY(started);
        // Each stage in this order, each ending at its total; Stage::ReadingData twice: both files, in bytes.
        const std::vector<Stage> expected = {Stage::ReadingData, Stage::TokenizingTrainingData, Stage::ReadingData,
                                             Stage::TokenizingValidationData, Stage::Quantizing};
        std::vector<Stage> stages;
        for (size_t i = 0; i < reports.size(); ++i) {
            const Progress &p = reports[i];
            QVERIFY2(p.total > 0 && p.current >= 0 && p.current <= p.total, stageName(p.stage));
            if (stages.empty() || stages.back() != p.stage) {
                if (!stages.empty())  // the stage before this one ended at its total
                    QVERIFY2(reports[i - 1].current == reports[i - 1].total, stageName(reports[i - 1].stage));
                stages.push_back(p.stage);
            }
        }
        QCOMPARE(stages, expected);
        QCOMPARE(reports.front().total, static_cast<int64_t>(fs::file_size(kCorpus)));
        QCOMPARE(reports.back().current, reports.back().total);
        QCOMPARE(reports.back().total, static_cast<int64_t>(session->prunePlan().kept.size()));
        // The loss before the first step comes after `started`, under Stage::Validating, in blocks.
        std::vector<Progress> validating;
        auto again = loadPruned();
        callbacks.started = {};
        callbacks.progress = [&](const Progress &p) {
            if (p.stage == Stage::Validating)
                validating.push_back(p);
        };
        healModel(*again, c, callbacks);
        QVERIFY(validating.size() >= 2);
        QCOMPARE(validating.front().current, int64_t(0));
        QCOMPARE(validating.back().current, validating.back().total);
        QCOMPARE(validating.back().total, c.validationSequences);
    }

    // HealingStep::secondsLeft counts the validations still to come, not the steps alone.
    void timeLeftCountsTheValidations()
    {
        QTemporaryDir dir;
        const fs::path validation = fs::path(dir.path().toStdString()) / "validation.txt";
        writeValidationText(validation);
        auto session = loadPruned();
        HealingConfig c = tinyConfig(6);
        c.validationData = validation;
        c.validationSequences = 48;  // a validation takes several steps' time
        c.evalEvery = 2;
        using Clock = std::chrono::steady_clock;
        Clock::time_point lastStep;
        std::vector<double> validationSeconds;  // measured here: from the step before to its validation
        std::vector<HealingStep> steps;
        HealingCallbacks callbacks;
        callbacks.started = [&](int64_t, const HealingResult &) { lastStep = Clock::now(); };
        callbacks.stepFinished = [&](const HealingStep &s) {
            steps.push_back(s);
            lastStep = Clock::now();
        };
        callbacks.validated = [&](const ValidationPoint &) {
            validationSeconds.push_back(std::chrono::duration<double>(Clock::now() - lastStep).count());
        };
        const HealingResult r = healModel(*session, c, callbacks);
        QCOMPARE(r.validation.size(), size_t(4));  // before the first step, after steps 2, 4 and 6
        QCOMPARE(steps.size(), size_t(6));
        const double validationTime = *std::min_element(validationSeconds.begin(), validationSeconds.end());
        for (const HealingStep &s : steps) {
            QCOMPARE(r.steps[static_cast<size_t>(s.step - 1)].secondsLeft, s.secondsLeft);
            const int64_t stepsLeft = s.totalSteps - s.step;
            const int64_t validationsLeft = 3 - (s.step - 1) / 2;  // after steps 2, 4, 6 from this one on
            const double stepsOnly = s.seconds / static_cast<double>(s.step) * static_cast<double>(stepsLeft);
            // At least the steps' share, and about as much again per validation to come (half of the shortest
            // measured one, for a loaded machine).
            QVERIFY2(s.secondsLeft >= stepsOnly + 0.5 * validationTime * static_cast<double>(validationsLeft),
                     qPrintable(QString("step %1: %2 s left, steps alone %3 s, validations %4 × %5 s")
                                    .arg(s.step)
                                    .arg(s.secondsLeft)
                                    .arg(stepsOnly)
                                    .arg(validationsLeft)
                                    .arg(validationTime)));
        }
    }

    // A folder holding another run's checkpoints and adapters is refused unless the run resumes from it or
    // may overwrite it; overwriting removes only what the old run wrote.
    void anotherRunsOutputFolderIsRefused()
    {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "healed";
        HealingConfig c = tinyConfig(4);
        c.checkpointEvery = 2;
        c.outputDir = out;
        healModel(*loadPruned(), c);
        QVERIFY(fs::exists(out / "checkpoints" / "step-000002") && fs::exists(out / "checkpoints" / "step-000004"));
        const auto stamp = fs::last_write_time(out / "adapter_model.safetensors");
        std::ofstream(out / "notes.txt") << "mine\n";
        std::ofstream(out / "checkpoints" / "mine.txt") << "mine too\n";

        // Another run into the same folder: refused before anything changes, naming the folder and its files.
        auto session = loadPruned();
        HealingConfig other = tinyConfig(2);
        other.outputDir = out;
        try {
            healModel(*session, other);
            QFAIL("a run overwrote another run's folder");
        } catch (const Error &e) {
            const QString what = e.what();
            QVERIFY2(what.contains(QString::fromStdString(out.string())) && what.contains("step-000002") &&
                         what.contains("step-000004") && what.contains("adapter_model.safetensors"),
                     e.what());
        }
        QVERIFY(!isHealed(*session));
        QCOMPARE(fs::last_write_time(out / "adapter_model.safetensors"), stamp);

        // Resuming from one of its checkpoints continues that run in its folder; its checkpoints stay.
        HealingConfig resumed = c;
        resumed.resumeFrom = out / "checkpoints" / "step-000002";
        const HealingResult r = healModel(*loadPruned(), resumed);
        QCOMPARE(r.steps.back().step, int64_t(4));
        QVERIFY(fs::exists(out / "checkpoints" / "step-000002"));

        // Allowed to overwrite: the old run's files go, the user's stay.
        other.overwriteOutput = true;
        const HealingResult replaced = healModel(*session, other);
        QCOMPARE(replaced.lastCheckpoint, out / "checkpoints" / "step-000002");
        QVERIFY(!fs::exists(out / "checkpoints" / "step-000004"));
        QVERIFY(fs::exists(out / "adapter_model.safetensors") && fs::exists(out / "healing.json"));
        QCOMPARE(readJsonFile(out / "healing.json")["steps_done"].get<int64_t>(), int64_t(2));
        QVERIFY(fs::exists(out / "notes.txt") && fs::exists(out / "checkpoints" / "mine.txt"));
        // A run without an output folder, or into an empty one, is never refused.
        HealingConfig fresh = tinyConfig(1);
        fresh.outputDir = fs::path(dir.path().toStdString()) / "new";
        healModel(*loadPruned(), fresh);
    }

    void cancelKeepsWhatWasLearnt()
    {
        auto session = loadPruned();
        std::stop_source stop;
        HealingCallbacks callbacks;
        callbacks.stepFinished = [&](const HealingStep &s) {
            if (s.step == 2)
                stop.request_stop();
        };
        const HealingResult r = healModel(*session, tinyConfig(10), callbacks, stop.get_token());
        QVERIFY(r.cancelled);
        QCOMPARE(r.steps.size(), size_t(2));
        QVERIFY(isHealed(*session));
    }
};

QTEST_APPLESS_MAIN(TestHealing)
#include "tst_healing.moc"
