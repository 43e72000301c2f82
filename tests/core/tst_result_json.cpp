// SPDX-License-Identifier: GPL-3.0-or-later
// One JSON shape per result (layercut/healing_json.h, evaluation_json.h, sweep.h): what is written reads
// back equal, the keys scripts read from `layercut-cli` stay, and what earlier versions wrote (project
// files of format 1, `eval` files without counts, checkpoints with six numbers a step, resume keys) still
// reads, or compares equal.
#include <cmath>

#include <QTest>

#include "layercut/error.h"
#include "layercut/evaluation_json.h"
#include "layercut/healing_json.h"
#include "layercut/sweep.h"

using namespace lc;

namespace {

HealingConfig unusualConfig()
{
    HealingConfig c;
    c.trainData = "/data/train.jsonl";
    c.validationData = "/data/val.txt";
    c.sequenceLength = 512;
    c.validationSequences = 8;
    c.method = HealingMethod::Lora;
    c.quantization = BaseQuantization::None;
    c.doubleQuantization = false;
    c.rank = 4;
    c.alpha = 8;
    c.dropout = 0.1;
    c.targetModules = {"q_proj", "v_proj"};
    c.trainLastLayers = 5;
    c.steps = 40;
    c.batchSize = 8;
    c.microBatchSize = 2;
    c.learningRate = 1e-4;
    c.warmupSteps = 3;
    c.schedule = LrSchedule::Constant;
    c.weightDecay = 0.01;
    c.beta1 = 0.8;
    c.beta2 = 0.95;
    c.epsilon = 1e-6;
    c.maxGradNorm = 0.5;
    c.activationCheckpointing = false;
    c.seed = 7;
    c.evalEvery = 10;
    c.checkpointEvery = 20;
    c.outputDir = "/runs/a";
    c.resumeFrom = "/runs/a/checkpoints/step-000020";
    return c;
}

void compareConfigs(const HealingConfig &a, const HealingConfig &b)
{
    QCOMPARE(a.trainData, b.trainData);
    QCOMPARE(a.validationData, b.validationData);
    QCOMPARE(a.sequenceLength, b.sequenceLength);
    QCOMPARE(a.validationSequences, b.validationSequences);
    QVERIFY(a.method == b.method && a.quantization == b.quantization && a.schedule == b.schedule);
    QCOMPARE(a.doubleQuantization, b.doubleQuantization);
    QCOMPARE(a.rank, b.rank);
    QCOMPARE(a.alpha, b.alpha);
    QCOMPARE(a.dropout, b.dropout);
    QVERIFY(a.targetModules == b.targetModules);
    QCOMPARE(a.trainLastLayers, b.trainLastLayers);
    QCOMPARE(a.steps, b.steps);
    QCOMPARE(a.batchSize, b.batchSize);
    QCOMPARE(a.microBatchSize, b.microBatchSize);
    QCOMPARE(a.learningRate, b.learningRate);
    QCOMPARE(a.warmupSteps, b.warmupSteps);
    QCOMPARE(a.weightDecay, b.weightDecay);
    QCOMPARE(a.beta1, b.beta1);
    QCOMPARE(a.beta2, b.beta2);
    QCOMPARE(a.epsilon, b.epsilon);
    QCOMPARE(a.maxGradNorm, b.maxGradNorm);
    QCOMPARE(a.activationCheckpointing, b.activationCheckpointing);
    QCOMPARE(a.seed, b.seed);
    QCOMPARE(a.evalEvery, b.evalEvery);
    QCOMPARE(a.checkpointEvery, b.checkpointEvery);
    QCOMPARE(a.outputDir, b.outputDir);
    QCOMPARE(a.resumeFrom, b.resumeFrom);
}

EvalResult sampleEvaluation()
{
    EvalResult r;
    TaskResult mmlu;
    mmlu.overall = {2, 3};
    mmlu.subjects = {{"anatomy", {1, 2}}, {"high_school_us_history", {1, 1}}};
    mmlu.categories = {{"stem", {1, 2}}, {"humanities", {1, 1}}};
    mmlu.majorityBaseline = 0.5;
    mmlu.questions = {{"anatomy", 0, {-1.0, -2.0, -3.0, -4.0}, 0, 0},
                      {"anatomy", 1, {-2.0, -1.0, -3.0, -4.0}, 1, 2},
                      {"high_school_us_history", 0, {-4.0, -3.0, -2.0, -1.0}, 3, 3}};
    r.mmlu = mmlu;
    TaskResult boolq;
    boolq.overall = {1, 2};
    boolq.majorityBaseline = 0.5;
    boolq.questions = {{"", 0, {-0.5, -1.5}, 0, 0}, {"", 1, {-0.5, -1.5}, 0, 1}};
    r.boolq = boolq;
    r.loss = LossResult{2.0, 50, 2};
    r.normalizedLoss = 0.4;
    r.lossData = "/data/val.txt";
    r.lossDocumentsInFile = 12;
    r.lossExcludedTrained = 3;
    r.tokensComputed = 999;
    r.seconds = 1.5;
    return r;
}

/**
 * What earlier versions recorded in checkpoints (trainer_state.json) and sweep files for the four configs of
 * resumeKeyIsUnchanged, written by the code before the shapes were unified: a resume compares against
 * these, so the key must stay exactly this.
 */
const char *const kOldKeys[] = {
    R"({"method":"lora","quantization":"nf4","double_quantization":true,"rank":64,"alpha":64.0,"dropout":0.05,)"
    R"("target_modules":["gate_proj","up_proj","down_proj"],"sequence_length":2048,"steps":5000,"batch_size":16,)"
    R"("micro_batch_size":1,"learning_rate":0.0003,"warmup_steps":100,"schedule":"cosine","weight_decay":0.0,)"
    R"("betas":[0.9,0.999],"epsilon":1e-08,"max_grad_norm":1.0,"activation_checkpointing":true,"seed":0})",
    R"({"method":"lora","quantization":"none","double_quantization":false,"rank":4,"alpha":8.0,"dropout":0.05,)"
    R"("target_modules":["q_proj","k_proj","v_proj","o_proj","gate_proj","up_proj","down_proj"],)"
    R"("sequence_length":2048,"steps":40,"batch_size":16,"micro_batch_size":1,"learning_rate":0.0003,)"
    R"("warmup_steps":3,"schedule":"constant","weight_decay":0.0,"betas":[0.9,0.95],"epsilon":1e-08,)"
    R"("max_grad_norm":1.0,"activation_checkpointing":false,"seed":7})",
    R"({"method":"partial","train_last_layers":2,"sequence_length":2048,"steps":12,"batch_size":16,)"
    R"("micro_batch_size":1,"learning_rate":1e-05,"warmup_steps":1,"schedule":"cosine","weight_decay":0.0,)"
    R"("betas":[0.9,0.999],"epsilon":1e-08,"max_grad_norm":1.0,"activation_checkpointing":true,"seed":0})",
    R"({"method":"full","sequence_length":2048,"steps":1,"batch_size":16,"micro_batch_size":1,)"
    R"("learning_rate":0.0003,"warmup_steps":0,"schedule":"cosine","weight_decay":0.0,"betas":[0.9,0.999],)"
    R"("epsilon":1e-08,"max_grad_norm":1.0,"activation_checkpointing":true,"seed":0})",
};

}  // namespace

class TestResultJson final : public QObject
{
    Q_OBJECT

private slots:
    void healingConfigRoundTrips()
    {
        const HealingConfig c = unusualConfig();
        compareConfigs(healingConfigFromJson(nlohmann::json::parse(healingConfigToJson(c).dump())), c);
        compareConfigs(healingConfigFromJson(healingConfigToJson(HealingConfig())), HealingConfig());
        QVERIFY_THROWS_EXCEPTION(Error, healingConfigFromJson(nlohmann::json::parse(R"({"method": "magic"})")));
    }

    void warmupKeepsItsMeaning()
    {
        // Automatic: the number the schedule uses (2% of the steps), marked automatic, and read back unset.
        HealingConfig c;
        c.steps = 400;
        const nlohmann::ordered_json automatic = healingConfigToJson(c);
        QCOMPARE(automatic["warmup_steps"].get<int64_t>(), int64_t(8));
        QVERIFY(automatic["warmup_automatic"].get<bool>());
        QVERIFY(!healingConfigFromJson(automatic).warmupSteps.has_value());
        c.warmupSteps = 0;
        QVERIFY(!healingConfigToJson(c)["warmup_automatic"].get<bool>());
        QCOMPARE(healingConfigFromJson(healingConfigToJson(c)).warmupSteps, std::optional<int64_t>(0));
        // Projects of format 1 wrote null for automatic; older records and projects a number, as set.
        QVERIFY(!healingConfigFromJson(nlohmann::json::parse(R"({"steps": 40, "warmup_steps": null})"))
                     .warmupSteps.has_value());
        QCOMPARE(healingConfigFromJson(nlohmann::json::parse(R"({"steps": 5000, "warmup_steps": 100})")).warmupSteps,
                 std::optional<int64_t>(100));
        QVERIFY(!healingConfigFromJson(nlohmann::json::parse(R"({"steps": 40})")).warmupSteps.has_value());
    }

    void resumeKeyIsUnchanged_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("defaults") << 0;
        QTest::newRow("dense lora") << 1;
        QTest::newRow("partial") << 2;
        QTest::newRow("full") << 3;
    }

    void resumeKeyIsUnchanged()
    {
        QFETCH(int, which);
        HealingConfig c;
        if (which == 1) {
            c.quantization = BaseQuantization::None;  // double quantization stays set, but unused
            c.rank = 4;
            c.alpha = 8;
            c.targetModules = allLinearModules();
            c.steps = 40;
            c.warmupSteps = 3;
            c.schedule = LrSchedule::Constant;
            c.seed = 7;
            c.beta2 = 0.95;
            c.activationCheckpointing = false;
        } else if (which == 2) {
            c.method = HealingMethod::PartialLayers;
            c.trainLastLayers = 2;
            c.steps = 12;
            c.learningRate = 1e-5;
        } else if (which == 3) {
            c.method = HealingMethod::Full;
            c.steps = 1;
        }
        c.trainData = "/not/part/of/the/key.txt";
        c.evalEvery = 3;
        QCOMPARE(healingConfigKey(c).dump(), std::string(kOldKeys[which]));
    }

    void stepsAndValidation()
    {
        const std::vector<HealingStep> steps = {{1, 2, 3.5, 1e-4, 0.75, 64, 0.5, 128.0, 1024, 4096},
                                                {2, 2, 3.25, 2e-4, 0.5, 128, 1.0, 128.0, 2048, 8192}};
        const nlohmann::ordered_json j = healingStepsToJson(steps);
        QCOMPARE(j["columns"].size(), size_t(10));
        const std::vector<HealingStep> back = healingStepsFromJson(nlohmann::json::parse(j.dump()));
        QCOMPARE(back.size(), size_t(2));
        QCOMPARE(back[1].totalSteps, int64_t(2));
        QCOMPARE(back[1].learningRate, 2e-4);
        QCOMPARE(back[1].tokensPerSecond, 128.0);
        QCOMPARE(back[1].peakMemoryBytes, int64_t(8192));
        // A checkpoint of an earlier version: step, train_loss, learning_rate, grad_norm, tokens, seconds.
        const auto old = healingStepsFromJson(nlohmann::json::parse("[[6, 3.5, 0.001, 0.25, 768, 4.5]]"));
        QCOMPARE(old.size(), size_t(1));
        QCOMPARE(old[0].step, int64_t(6));
        QCOMPARE(old[0].trainLoss, 3.5);
        QCOMPARE(old[0].learningRate, 0.001);
        QCOMPARE(old[0].tokens, int64_t(768));
        QCOMPARE(old[0].seconds, 4.5);
        const nlohmann::json otherColumns = nlohmann::json::parse(R"({"columns": ["step"], "rows": []})");
        QVERIFY_THROWS_EXCEPTION(Error, healingStepsFromJson(otherColumns));
        const auto points = validationPointsFromJson(validationPointsToJson({{0, 3.75, 64}, {2, 3.5, 64}}));
        QCOMPARE(points.size(), size_t(2));
        QCOMPARE(points[1].loss, 3.5);
    }

    void healingResult()
    {
        HealingResult r;
        r.steps = {{1, 2, 3.5, 1e-4, 0.75, 64, 0.5, 128.0, 0, 4096}, {2, 2, 3.25, 2e-4, 0.5, 128, 1.0, 128.0, 0, 8192}};
        r.validation = {{0, 3.75, 64}, {2, 3.5, 64}};
        r.trainableParameters = 1234;
        r.trainTokens = 4096;
        r.trainDocuments = 20;
        r.validationSource = "/data/val.txt";
        r.validationDocuments = 4;
        r.validationExcluded = 1;
        r.cancelled = true;
        r.adapterDir = "/runs/a";
        r.lastCheckpoint = "/runs/a/checkpoints/step-000002";
        const nlohmann::ordered_json j = healingResultToJson(r);
        // healing.json's keys of earlier versions, with the same meaning.
        QCOMPARE(j["steps_done"].get<int64_t>(), int64_t(2));
        QCOMPARE(j["final_train_loss"].get<double>(), 3.25);
        QCOMPARE(j["final_validation_loss"].get<double>(), 3.5);
        QCOMPARE(j["peak_memory_bytes"].get<int64_t>(), int64_t(8192));
        QCOMPARE(j["validation_excluded_trained"].get<int64_t>(), int64_t(1));
        const HealingResult back = healingResultFromJson(nlohmann::json::parse(j.dump()));
        QCOMPARE(back.steps.size(), size_t(2));
        QCOMPARE(back.validation.size(), size_t(2));
        QCOMPARE(back.trainableParameters, r.trainableParameters);
        QCOMPARE(back.trainTokens, r.trainTokens);
        QCOMPARE(back.trainDocuments, r.trainDocuments);
        QCOMPARE(back.validationSource, r.validationSource);
        QCOMPARE(back.validationDocuments, r.validationDocuments);
        QCOMPARE(back.validationExcluded, r.validationExcluded);
        QVERIFY(back.cancelled);
        QCOMPARE(back.adapterDir, r.adapterDir);
        QCOMPARE(back.lastCheckpoint, r.lastCheckpoint);
        const nlohmann::ordered_json summary = healingResultToJson(HealingResult(), false);
        QVERIFY(!summary.contains("steps") && !summary.contains("validation"));
        QVERIFY(summary["final_train_loss"].is_null());
    }

    void loss()
    {
        const nlohmann::ordered_json j = lossToJson({2.0, 50, 2});
        QCOMPARE(j["loss"].get<double>(), 2.0);
        QCOMPARE(j["perplexity"].get<double>(), std::exp(2.0));
        QCOMPARE(j["tokens"].get<int64_t>(), int64_t(50));
        QCOMPARE(j["sequences"].get<int64_t>(), int64_t(2));
        QVERIFY(lossToJson({}).at("perplexity").is_null());  // no tokens: no perplexity
        // prune's loss check of earlier versions had no "sequences".
        const LossResult old = lossFromJson(nlohmann::json::parse(R"({"loss": 3.0, "perplexity": 20.1, "tokens": 9})"));
        QCOMPARE(old.loss, 3.0);
        QCOMPARE(old.tokens, int64_t(9));
        QCOMPARE(old.sequences, int64_t(0));
    }

    void evaluationKeepsTheCliKeys()
    {
        const nlohmann::ordered_json j = nlohmann::json::parse(evalResultToJson(sampleEvaluation()).dump());
        const auto &mmlu = j["mmlu"];
        QCOMPARE(mmlu["accuracy"].get<double>(), 2.0 / 3);
        QCOMPARE(mmlu["correct"].get<int64_t>(), int64_t(2));
        QCOMPARE(mmlu["total"].get<int64_t>(), int64_t(3));
        QCOMPARE(mmlu["majority_baseline"].get<double>(), 0.5);
        QCOMPARE(mmlu["subjects"]["anatomy"].get<double>(), 0.5);  // accuracies, as always
        QCOMPARE(mmlu["categories"]["humanities"].get<double>(), 1.0);
        QVERIFY(mmlu["subject_counts"]["anatomy"] == nlohmann::json::parse("[1, 2]"));
        QCOMPARE(mmlu["questions"].size(), size_t(3));
        QCOMPARE(mmlu["questions"][1]["subject"].get<std::string>(), std::string("anatomy"));
        QCOMPARE(mmlu["questions"][1]["prediction"].get<int64_t>(), int64_t(1));
        QVERIFY(!j["boolq"].contains("subjects") && !j["boolq"]["questions"][0].contains("subject"));
        const auto &loss = j["loss"];
        for (const char *key : {"loss", "normalized", "perplexity", "tokens", "sequences", "data", "documents_in_file",
                                "excluded_trained_documents"})
            QVERIFY2(loss.contains(key), key);
        QCOMPARE(loss["normalized"].get<double>(), 0.4);
        QCOMPARE(j["tokens_computed"].get<int64_t>(), int64_t(999));
        const nlohmann::ordered_json summary = evalResultToJson(sampleEvaluation(), false);
        QVERIFY(!summary["mmlu"].contains("questions") && !summary["boolq"].contains("questions"));
    }

    void evaluationRoundTrips_data()
    {
        QTest::addColumn<bool>("questions");
        QTest::newRow("with questions") << true;
        QTest::newRow("without") << false;
    }

    void evaluationRoundTrips()
    {
        QFETCH(bool, questions);
        const EvalResult r = sampleEvaluation();
        const EvalResult e = evalResultFromJson(nlohmann::json::parse(evalResultToJson(r, questions).dump()));
        QVERIFY(e.mmlu && e.boolq && e.loss);
        QCOMPARE(e.mmlu->overall.correct, int64_t(2));
        QCOMPARE(e.mmlu->overall.total, int64_t(3));
        QCOMPARE(e.mmlu->subjects.at("anatomy").total, int64_t(2));
        QCOMPARE(e.mmlu->categories.at("humanities").correct, int64_t(1));
        QCOMPARE(e.mmlu->questions.size(), questions ? size_t(3) : size_t(0));
        if (questions)
            QVERIFY(e.mmlu->questions[1].loglikelihoods == r.mmlu->questions[1].loglikelihoods);
        QCOMPARE(e.boolq->overall.total, int64_t(2));
        QVERIFY(e.boolq->subjects.empty());
        QCOMPARE(e.loss->tokens, int64_t(50));
        QCOMPARE(e.loss->sequences, int64_t(2));
        QCOMPARE(e.normalizedLoss, 0.4);
        QCOMPARE(e.lossData, r.lossData);
        QCOMPARE(e.lossDocumentsInFile, int64_t(12));
        QCOMPARE(e.lossExcludedTrained, int64_t(3));
        QCOMPARE(e.tokensComputed, int64_t(999));
        QCOMPARE(e.seconds, 1.5);
    }

    void evaluationOfEarlierVersions()
    {
        // `eval` of earlier versions wrote accuracies only: the counts come back from the questions.
        const nlohmann::json cli = nlohmann::json::parse(R"({
            "mmlu": {"accuracy": 0.6666666666666666, "correct": 2, "total": 3, "majority_baseline": 0.5,
                     "subjects": {"anatomy": 0.5, "high_school_us_history": 1.0},
                     "categories": {"humanities": 1.0, "stem": 0.5},
                     "questions": [
                        {"subject": "anatomy", "index": 0, "loglikelihoods": [-1, -2, -3, -4],
                         "prediction": 0, "answer": 0},
                        {"subject": "anatomy", "index": 1, "loglikelihoods": [-2, -1, -3, -4],
                         "prediction": 1, "answer": 2},
                        {"subject": "high_school_us_history", "index": 0, "loglikelihoods": [-4, -3, -2, -1],
                         "prediction": 3, "answer": 3}]},
            "loss": {"loss": 2.0, "normalized": 0.4, "perplexity": 7.38905609893065, "tokens": 50, "sequences": 2,
                     "data": "/data/val.txt", "documents_in_file": 12, "excluded_trained_documents": 3},
            "tokens_computed": 999, "seconds": 1.5})");
        const EvalResult e = evalResultFromJson(cli);
        QCOMPARE(e.mmlu->subjects.at("anatomy").correct, int64_t(1));
        QCOMPARE(e.mmlu->subjects.at("anatomy").total, int64_t(2));
        QCOMPARE(e.mmlu->categories.at("humanities").total, int64_t(1));
        QCOMPARE(e.mmlu->categories.at("stem").correct, int64_t(1));
        QCOMPARE(e.lossExcludedTrained, int64_t(3));
        // Projects of format 1: tallies as [correct, total], the loss's context beside it.
        const nlohmann::json project = nlohmann::json::parse(R"({
            "mmlu": {"overall": [3, 4], "majority_baseline": 0.5, "subjects": {"anatomy": [1, 2]},
                     "categories": {"stem": [1, 2]}},
            "boolq": {"overall": [1, 2], "majority_baseline": 0.5},
            "loss": {"loss": 2.0, "tokens": 50, "sequences": 2}, "normalized_loss": 0.4, "loss_data": "/v.txt",
            "loss_documents_in_file": 12, "loss_excluded_trained": 3, "tokens_computed": 999, "seconds": 1.5})");
        const EvalResult p = evalResultFromJson(project);
        QCOMPARE(p.mmlu->overall.correct, int64_t(3));
        QCOMPARE(p.mmlu->overall.total, int64_t(4));
        QCOMPARE(p.mmlu->subjects.at("anatomy").total, int64_t(2));
        QCOMPARE(p.mmlu->categories.at("stem").correct, int64_t(1));
        QCOMPARE(p.boolq->overall.total, int64_t(2));
        QCOMPARE(p.normalizedLoss, 0.4);
        QCOMPARE(p.lossData, std::filesystem::path("/v.txt"));
        QCOMPARE(p.lossDocumentsInFile, int64_t(12));
        QCOMPARE(p.lossExcludedTrained, int64_t(3));
    }

    void sweepSpellsItsStrategies()
    {
        SweepResult r;
        r.layers = 6;
        r.points = {{PruneStrategy::Deepest, 0.34, {3, 4}, true, 0.375, std::nullopt, 2.5, 0.5, 2.0},
                    {PruneStrategy::Single, 1.0 / 6, {1}, false, std::nullopt, std::nullopt, 2.5, 0.5, 1.0}};
        const nlohmann::json j = nlohmann::json::parse(sweepToJson(r, SweepOptions()).dump());
        QCOMPARE(j["points"][0]["strategy"].get<std::string>(), std::string("deepest"));
        QCOMPARE(j["points"][1]["strategy"].get<std::string>(), std::string("single"));
        const SweepResult back = sweepFromJson(j, "sweep.json");
        QVERIFY(back.points[0].strategy == PruneStrategy::Deepest && back.points[1].strategy == PruneStrategy::Single);
        QVERIFY(back.points[0].healed && !back.points[0].boolq);
        nlohmann::json bad = j;
        bad["points"][0]["strategy"] = "sideways";
        try {
            sweepFromJson(bad, "sweep.json");
            QFAIL("an unknown strategy was read");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("sweep.json") && QString(e.what()).contains("sideways"), e.what());
        }
    }

    void sweepOptionsReadBack()
    {
        SweepOptions o;
        o.eval.mmlu = "/data/mmlu";
        o.eval.boolqShots = 2;
        o.eval.limit = 3;
        o.distanceData = "/data/train.txt";
        o.healSteps = 5;
        nlohmann::ordered_json settings = sweepSettingsToJson(o);
        // runSweep records more: the distance sample and the healing key, as heal_ keys.
        settings["loss_samples"] = 8;
        settings["distance_samples"] = 12;
        HealingConfig h;
        h.rank = 4;
        h.alpha = 8;
        h.steps = 5;
        const nlohmann::ordered_json key = healingConfigKey(h);
        for (const auto &[name, value] : key.items())
            settings["heal_" + name] = value;
        settings["heal_data"] = "/data/train.txt";
        const SweepOptions back = sweepOptionsFromJson(nlohmann::json::parse(settings.dump()));
        QCOMPARE(back.eval.mmlu, o.eval.mmlu);
        QCOMPARE(back.eval.boolqShots, int64_t(2));
        QCOMPARE(back.eval.limit, int64_t(3));
        QCOMPARE(back.eval.lossSequences, int64_t(8));
        QCOMPARE(back.distanceData, o.distanceData);
        QCOMPARE(back.distanceOptions.samples, int64_t(12));
        QCOMPARE(back.healSteps, int64_t(5));
        QCOMPARE(back.healing.rank, int64_t(4));
        QCOMPARE(back.healing.alpha, 8.0);
        QCOMPARE(back.healing.trainData, std::filesystem::path("/data/train.txt"));
    }
};

QTEST_APPLESS_MAIN(TestResultJson)
#include "tst_result_json.moc"
