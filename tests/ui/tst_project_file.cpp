// SPDX-License-Identifier: GPL-3.0-or-later
// Project files: what is written reads back equal, paths inside or beside the project's folder are stored
// relative to it, a file of format 1 (written by the version before the core's result shapes) still opens
// with every value, and a bad file is refused with a message that names the file and the problem.
#include <cmath>
#include <csignal>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "layercut/error.h"
#include "project/project_file.h"
#include "ui_test_support.h"

#include <nlohmann/json.hpp>

namespace {

Project sampleProject(const QString &dir)
{
    Project p;
    p.modelFolder = dir + "/models/tiny";
    p.load.device = "cuda";
    p.load.dtype = lc::DType::BFloat16;
    p.load.nf4 = true;
    p.analysisData = dir + "/data/train.txt";
    p.healingTrainData = dir + "/data/train.txt";
    p.healingValidationData = "/far/away/validation.txt";
    p.evaluationMmlu = dir + "/data/mmlu";
    p.evaluationBoolq = QDir::cleanPath(dir + "/../boolq.jsonl");
    p.evaluationGsm8k = dir + "/data/gsm8k/test.jsonl";
    p.evaluationGsm8kTrain = dir + "/data/gsm8k/train.jsonl";
    p.distances = syntheticDistances();
    p.selection = {1, 2};
    p.plan = lc::PrunePlan::dropBlock(6, 1, 2);
    p.plan.distance = 0.375;
    p.blocks = lc::BlockPlan::of(p.plan).withInsertions({3}, lc::BlockInit::Copy);
    p.lossBefore = {2.5, 100, 4};
    p.lossAfter = {3.125, 100, 4};
    p.heldOut = true;

    ProjectHealingRun run;
    run.config.trainData = (dir + "/data/train.txt").toStdString();
    run.config.steps = 2;
    run.config.rank = 4;
    run.config.alpha = 8;
    run.config.targetModules = lc::allLinearModules();
    run.config.schedule = lc::LrSchedule::Constant;
    run.config.seed = 7;
    run.trainableParameters = 1234;
    run.dropped = {1, 2};
    run.steps = {{1, 2, 3.5, 1e-4, 0.75, 64, 0.5, 128.0, 0, 0}, {2, 2, 3.25, 2e-4, 0.5, 128, 1.0, 128.0, 0, 0}};
    run.validation = {{0, 3.75, 64}, {2, 3.5, 64}};
    run.cancelled = true;
    run.checkpoint = dir + "/heal/checkpoints/step-000002";
    p.healingRuns = {run};

    addSampleResults(p, dir + "/data/mmlu");
    p.currentTab = 3;
    p.heatmapMetric = 1;
    p.normalizeRows = true;
    return p;
}

QByteArray contents(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeText(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

/**
 * What tests/fixtures/projects/format1.layercut holds: sampleProject() of the version that wrote it, with a
 * second healing run (partial, automatic warmup) and some settings more. It was written in
 * /layercut-fixture/projects: paths inside or beside that folder were stored relative to it and resolve
 * against the fixture's folder `dir`; the evaluation's loss data and the sweep's settings were stored as given.
 */
void checkFormat1Project(const Project &q, const QString &dir)
{
    const QString root = QDir::cleanPath(dir + "/..");
    QCOMPARE(q.modelFolder, dir + "/models/tiny");
    QCOMPARE(q.load.device, std::string("cuda"));
    QVERIFY(q.load.dtype == lc::DType::BFloat16 && q.load.nf4);
    QCOMPARE(q.analysisData, root + "/data/tiny_corpus.txt");
    QCOMPARE(q.healingTrainData, root + "/data/tiny_corpus.txt");
    QCOMPARE(q.healingValidationData, QString("/far/away/validation.txt"));
    QCOMPARE(q.evaluationMmlu, dir + "/data/mmlu");
    QCOMPARE(q.evaluationBoolq, root + "/boolq.jsonl");
    QCOMPARE(q.evaluationValidationData, root + "/data/tiny_corpus.txt");

    const lc::LayerDistances d = syntheticDistances();
    QCOMPARE(q.distances.numLayers, d.numLayers);
    QCOMPARE(q.distances.samples, d.samples);
    QCOMPARE(q.distances.blockInfluence, d.blockInfluence);
    QCOMPARE(q.distances.optimalStart(2), int64_t(3));
    QCOMPARE(q.distances.angularAt(2, 3), d.angularAt(2, 3));
    QCOMPARE(q.distances.allTokensAt(1, 4), d.allTokensAt(1, 4));
    QCOMPARE(q.selection, (std::vector<int64_t>{1, 2}));
    QCOMPARE(q.plan.dropped(), (std::vector<int64_t>{1, 2}));
    QCOMPARE(q.plan.method, std::string("block"));
    QCOMPARE(q.plan.distance, 0.375);
    QCOMPARE(q.lossBefore.loss, 2.5);
    QCOMPARE(q.lossBefore.tokens, int64_t(100));
    QCOMPARE(q.lossAfter.loss, 3.125);
    QCOMPARE(q.lossAfter.sequences, int64_t(4));
    QVERIFY(q.heldOut);

    QCOMPARE(q.healingRuns.size(), size_t(2));
    const ProjectHealingRun &first = q.healingRuns[0];
    QCOMPARE(QString::fromStdString(first.config.trainData.string()), dir + "/data/train.txt");
    QCOMPARE(first.config.validationData, std::filesystem::path("/far/away/validation.txt"));
    QCOMPARE(QString::fromStdString(first.config.outputDir.string()), dir + "/heal");
    QVERIFY(first.config.method == lc::HealingMethod::Lora && first.config.quantization == lc::BaseQuantization::Nf4);
    QCOMPARE(first.config.steps, int64_t(2));
    QCOMPARE(first.config.rank, int64_t(4));
    QCOMPARE(first.config.alpha, 8.0);
    QVERIFY(first.config.targetModules == lc::allLinearModules());
    QVERIFY(first.config.schedule == lc::LrSchedule::Constant);
    QCOMPARE(first.config.seed, uint64_t(7));
    QCOMPARE(first.config.warmupSteps, std::optional<int64_t>(3));  // set
    QCOMPARE(first.trainableParameters, qint64(1234));
    QCOMPARE(first.dropped, (std::vector<int64_t>{1, 2}));
    QVERIFY(first.cancelled);
    QCOMPARE(first.checkpoint, dir + "/heal/checkpoints/step-000002");
    QCOMPARE(first.steps.size(), size_t(2));
    QCOMPARE(first.steps[1].totalSteps, int64_t(2));
    QCOMPARE(first.steps[1].trainLoss, 3.25);
    QCOMPARE(first.steps[1].learningRate, 2e-4);
    QCOMPARE(first.steps[1].tokens, int64_t(128));
    QCOMPARE(first.steps[1].memoryBytes, int64_t(2048));
    QCOMPARE(first.steps[1].peakMemoryBytes, int64_t(8192));
    QCOMPARE(first.validation.size(), size_t(2));
    QCOMPARE(first.validation[1].loss, 3.5);
    const ProjectHealingRun &second = q.healingRuns[1];
    QCOMPARE(QString::fromStdString(second.config.trainData.string()), root + "/data/tiny_corpus.txt");
    QVERIFY(second.config.method == lc::HealingMethod::PartialLayers);
    QVERIFY(second.config.quantization == lc::BaseQuantization::None);
    QCOMPARE(second.config.trainLastLayers, int64_t(2));
    QCOMPARE(second.config.steps, int64_t(40));
    QCOMPARE(second.config.learningRate, 1e-5);
    QCOMPARE(second.config.evalEvery, int64_t(10));
    QVERIFY(!second.config.warmupSteps.has_value());  // automatic: written as null in format 1
    QCOMPARE(second.config.effectiveWarmupSteps(), int64_t(1));
    QCOMPARE(second.trainableParameters, qint64(99));
    QVERIFY(!second.cancelled);
    QCOMPARE(second.checkpoint, QString());
    QCOMPARE(second.steps.size(), size_t(1));
    QCOMPARE(second.steps[0].gradNorm, 1.25);
    QCOMPARE(second.validation[0].loss, 4.75);

    QVERIFY(q.evaluation && q.evaluation->healed);
    QCOMPARE(q.evaluation->dropped, (std::vector<int64_t>{4}));
    const lc::EvalResult &e = q.evaluation->result;
    QVERIFY(e.mmlu && e.boolq && e.loss);
    QCOMPARE(e.mmlu->overall.correct, int64_t(3));
    QCOMPARE(e.mmlu->overall.total, int64_t(4));
    QCOMPARE(e.mmlu->majorityBaseline, 0.5);
    QCOMPARE(e.mmlu->subjects.size(), size_t(2));
    QCOMPARE(e.mmlu->subjects.at("anatomy").correct, int64_t(1));
    QCOMPARE(e.mmlu->subjects.at("high_school_us_history").total, int64_t(2));
    QCOMPARE(e.mmlu->categories.at("humanities").correct, int64_t(2));
    QCOMPARE(e.mmlu->categories.at("stem").total, int64_t(2));
    QCOMPARE(e.boolq->overall.total, int64_t(2));
    QVERIFY(e.boolq->subjects.empty());
    QCOMPARE(e.loss->loss, 2.0);
    QCOMPARE(e.loss->tokens, int64_t(50));
    QCOMPARE(e.loss->sequences, int64_t(2));
    QCOMPARE(e.normalizedLoss, 0.4);
    QCOMPARE(e.lossData, std::filesystem::path("/layercut-fixture/data/tiny_corpus.txt"));
    QCOMPARE(e.lossDocumentsInFile, int64_t(12));
    QCOMPARE(e.lossExcludedTrained, int64_t(3));
    QCOMPARE(e.tokensComputed, int64_t(999));
    QCOMPARE(e.seconds, 1.5);

    QVERIFY(q.sweep && q.importance);
    const lc::SweepResult &sweep = q.sweep->result;
    QCOMPARE(sweep.layers, int64_t(6));
    QCOMPARE(sweep.boolqMajority, std::optional<double>(0.5));
    QCOMPARE(sweep.points.size(), size_t(3));
    QVERIFY(sweep.points[0].strategy == lc::PruneStrategy::Deepest);
    QVERIFY(sweep.points[2].healed && !sweep.points[2].boolq);
    QCOMPARE(*sweep.points[2].mmlu, 0.375);
    QCOMPARE(sweep.points[2].dropped, (std::vector<int64_t>{3, 4}));
    const lc::SweepOptions &o = q.sweep->options;
    QCOMPARE(o.eval.mmlu, std::filesystem::path("/layercut-fixture/projects/data/mmlu"));
    QCOMPARE(o.eval.boolq, std::filesystem::path("/layercut-fixture/data/boolq_tiny.jsonl"));
    QCOMPARE(o.eval.shots, int64_t(1));
    QCOMPARE(o.eval.boolqShots, int64_t(2));
    QCOMPARE(o.eval.limit, int64_t(3));
    QCOMPARE(o.distanceData, std::filesystem::path("/layercut-fixture/data/tiny_corpus.txt"));
    QCOMPARE(o.healSteps, int64_t(5));
    QVERIFY(!o.perLayer);
    QVERIFY(q.importance->options.perLayer);
    QCOMPARE(q.importance->result.points.size(), size_t(2));
    QVERIFY(q.importance->result.points[1].strategy == lc::PruneStrategy::Single);
    QCOMPARE(q.importance->result.points[1].dropped, (std::vector<int64_t>{1}));
    QCOMPARE(q.currentTab, 3);
    QCOMPARE(q.heatmapMetric, 1);
    QVERIFY(q.normalizeRows);
}

}  // namespace

class TestProjectFile final : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("tiny.layercut");
        const Project p = sampleProject(dir.path());
        project_file::write(path, p);
        const Project q = project_file::read(path);

        QCOMPARE(q.modelFolder, p.modelFolder);
        QCOMPARE(q.load.device, p.load.device);
        QVERIFY(q.load.dtype == p.load.dtype && q.load.nf4);
        QCOMPARE(q.analysisData, p.analysisData);
        QCOMPARE(q.healingTrainData, p.healingTrainData);
        QCOMPARE(q.healingValidationData, p.healingValidationData);
        QCOMPARE(q.evaluationMmlu, p.evaluationMmlu);
        QCOMPARE(q.evaluationBoolq, p.evaluationBoolq);
        QCOMPARE(q.evaluationGsm8k, p.evaluationGsm8k);
        QCOMPARE(q.evaluationGsm8kTrain, p.evaluationGsm8kTrain);
        QCOMPARE(q.evaluationValidationData, QString());
        // Distances come back bit for bit (NaN where undefined).
        QCOMPARE(q.distances.numLayers, p.distances.numLayers);
        QCOMPARE(q.distances.samples, p.distances.samples);
        QCOMPARE(q.distances.tokens, p.distances.tokens);
        QCOMPARE(q.distances.blockInfluence, p.distances.blockInfluence);
        for (size_t i = 0; i < p.distances.angular.size(); ++i) {
            QCOMPARE(std::isnan(q.distances.angular[i]), std::isnan(p.distances.angular[i]));
            if (!std::isnan(p.distances.angular[i])) {
                QCOMPARE(q.distances.angular[i], p.distances.angular[i]);
                QCOMPARE(q.distances.allTokens[i], p.distances.allTokens[i]);
            }
        }
        QCOMPARE(q.selection, (std::vector<int64_t>{1, 2}));
        QCOMPARE(q.plan.dropped(), (std::vector<int64_t>{1, 2}));
        QCOMPARE(q.plan.method, p.plan.method);
        QCOMPARE(q.plan.distance, p.plan.distance);
        QCOMPARE(q.blocks, p.blocks);  // with the block inserted after 3, a copy
        QCOMPARE(q.lossAfter.loss, p.lossAfter.loss);
        QCOMPARE(q.lossBefore.sequences, p.lossBefore.sequences);
        QVERIFY(q.heldOut);

        QCOMPARE(q.healingRuns.size(), size_t(1));
        const ProjectHealingRun &run = q.healingRuns[0];
        QCOMPARE(QString::fromStdString(run.config.trainData.string()), dir.path() + "/data/train.txt");
        QCOMPARE(run.config.rank, int64_t(4));
        QCOMPARE(run.config.alpha, 8.0);
        QVERIFY(run.config.targetModules == lc::allLinearModules());
        QVERIFY(run.config.schedule == lc::LrSchedule::Constant);
        QCOMPARE(run.config.seed, uint64_t(7));
        QCOMPARE(run.trainableParameters, qint64(1234));
        QCOMPARE(run.dropped, (std::vector<int64_t>{1, 2}));
        QVERIFY(run.cancelled);
        QCOMPARE(run.checkpoint, dir.path() + "/heal/checkpoints/step-000002");
        QCOMPARE(run.steps.size(), size_t(2));
        QCOMPARE(run.steps[1].trainLoss, 3.25);
        QCOMPARE(run.steps[1].learningRate, 2e-4);
        QCOMPARE(run.steps[1].tokens, int64_t(128));
        QCOMPARE(run.validation.size(), size_t(2));
        QCOMPARE(run.validation[1].loss, 3.5);

        QVERIFY(q.evaluation && q.evaluation->healed);
        QCOMPARE(q.evaluation->dropped, (std::vector<int64_t>{4}));
        const lc::EvalResult &e = q.evaluation->result;
        QVERIFY(e.mmlu && e.boolq && e.loss);
        QCOMPARE(e.mmlu->overall.correct, int64_t(3));
        QCOMPARE(e.mmlu->subjects.at("anatomy").total, int64_t(2));
        QCOMPARE(e.mmlu->categories.at("humanities").correct, int64_t(2));
        QCOMPARE(e.boolq->majorityBaseline, 0.5);
        QCOMPARE(e.loss->tokens, int64_t(50));
        QCOMPARE(e.normalizedLoss, 0.4);

        QVERIFY(q.sweep && q.importance);
        QCOMPARE(q.sweep->result.points.size(), size_t(3));
        QVERIFY(q.sweep->result.points[2].healed && !q.sweep->result.points[2].boolq);
        QCOMPARE(*q.sweep->result.points[2].mmlu, 0.375);
        QCOMPARE(q.sweep->result.points[2].dropped, (std::vector<int64_t>{3, 4}));
        QCOMPARE(q.sweep->options.healSteps, int64_t(5));
        QCOMPARE(QString::fromStdString(q.sweep->options.eval.mmlu.string()), dir.path() + "/data/mmlu");
        QVERIFY(q.importance->options.perLayer);
        QCOMPARE(q.importance->result.points[1].dropped, (std::vector<int64_t>{1}));
        QCOMPARE(q.currentTab, 3);
        QCOMPARE(q.heatmapMetric, 1);
        QVERIFY(q.normalizeRows);

        // Writing what was read gives the same file.
        const QString again = dir.filePath("again.layercut");
        project_file::write(again, q);
        QCOMPARE(contents(again), contents(path));
    }

    void warmupKeepsItsMeaning()
    {
        // Automatic (2% of the steps) stays automatic and follows the steps; a warmup that was set stays set.
        QTemporaryDir dir;
        Project p;
        ProjectHealingRun automatic, set;
        automatic.config.steps = 400;
        set.config.steps = 400;
        set.config.warmupSteps = 8;
        p.healingRuns = {automatic, set};
        project_file::write(dir.filePath("p.layercut"), p);
        const Project q = project_file::read(dir.filePath("p.layercut"));
        QVERIFY(!q.healingRuns[0].config.warmupSteps.has_value());
        QCOMPARE(q.healingRuns[1].config.warmupSteps, std::optional<int64_t>(8));
    }

    void readsFormat1()
    {
        // Written by the version before one JSON shape per result; every value opens as it was saved.
        const QString dir = QStringLiteral(LAYERCUT_FIXTURES_DIR "/projects");
        const QString path = dir + "/format1.layercut";
        QCOMPARE(nlohmann::json::parse(contents(path).toStdString())["format"].get<int>(), 1);
        const Project q = project_file::read(path);
        checkFormat1Project(q, dir);
        if (QTest::currentTestFailed())
            return;

        // Saved again, it is a file of this format, with the evaluation as `layercut-cli eval` writes it, and
        // reads back the same.
        QTemporaryDir other;
        const QString again = other.filePath("again.layercut");
        project_file::write(again, q);
        const nlohmann::json j = nlohmann::json::parse(contents(again).toStdString());
        QCOMPARE(j["format"].get<int>(), project_file::kFormat);
        QCOMPARE(j["evaluation"]["result"]["mmlu"]["correct"].get<int64_t>(), int64_t(3));
        QCOMPARE(j["evaluation"]["result"]["mmlu"]["subjects"]["anatomy"].get<double>(), 0.5);
        QVERIFY(j["healing_runs"][1]["settings"]["warmup_automatic"].get<bool>());
        checkFormat1Project(project_file::read(again), dir);
    }

    void storesPathsRelativeWherePossible()
    {
        QTemporaryDir dir;
        const QString projectDir = dir.filePath("work/projects");
        QVERIFY(QDir().mkpath(projectDir));
        Project p;
        p.modelFolder = projectDir + "/model";                 // inside: relative
        p.analysisData = dir.filePath("work/data/train.txt");  // beside, one level up: relative
        p.evaluationBoolq = "/far/away/boolq.jsonl";           // elsewhere: absolute
        const QString path = projectDir + "/p.layercut";
        project_file::write(path, p);
        const nlohmann::json j = nlohmann::json::parse(contents(path).toStdString());
        QCOMPARE(j["model"]["folder"].get<std::string>(), std::string("model"));
        QCOMPARE(j["data"]["analysis"].get<std::string>(), std::string("../data/train.txt"));
        QCOMPARE(j["data"]["evaluation_boolq"].get<std::string>(), std::string("/far/away/boolq.jsonl"));
        QCOMPARE(j["format"].get<int>(), project_file::kFormat);

        // Moved with its data, the project still finds it.
        QTemporaryDir other;
        QVERIFY(QDir().mkpath(other.filePath("projects")));
        const QString moved = other.filePath("projects/p.layercut");
        QVERIFY(QFile::copy(path, moved));
        const Project q = project_file::read(moved);
        QCOMPARE(q.modelFolder, other.filePath("projects/model"));
        QCOMPARE(q.analysisData, other.filePath("data/train.txt"));
        QCOMPARE(q.evaluationBoolq, QString("/far/away/boolq.jsonl"));
    }

    void refusesBadFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("problem");
        QTest::newRow("malformed JSON") << QByteArray("{\"format\": 1, \"model\": ") << "not valid JSON";
        QTest::newRow("not a project") << QByteArray("[1, 2, 3]") << "not a LayerCut project";
        QTest::newRow("no format") << QByteArray("{\"model\": {\"folder\": \"m\"}}") << "no \"format\" key";
        QTest::newRow("newer format") << QByteArray("{\"format\": 99, \"model\": {\"folder\": \"m\"}}")
                                      << "project format 99 comes from a newer LayerCut";
        QTest::newRow("bad format") << QByteArray("{\"format\": \"one\"}") << "unknown project format";
        QTest::newRow("no model") << QByteArray("{\"format\": 1}") << "\"model\" section";
        QTest::newRow("bad model") << QByteArray("{\"format\": 1, \"model\": {\"folder\": 5}}") << "\"model\" section";
        QTest::newRow("bad dtype") << QByteArray("{\"format\": 1, \"model\": {\"folder\": \"m\", \"dtype\": \"int3\"}}")
                                   << "\"model\" section";
        QTest::newRow("bad plan")
            << QByteArray("{\"format\": 1, \"model\": {\"folder\": \"m\"}, \"prune\": {\"source_layers\": 3, "
                          "\"dropped\": [7], \"loss_before\": {}, \"loss_after\": {}}}")
            << "\"prune\" section";
        QTest::newRow("bad blocks")
            << QByteArray("{\"format\": 1, \"model\": {\"folder\": \"m\"}, \"blocks\": {\"source_layers\": 3, "
                          "\"blocks\": [{\"source\": 0}, {\"source\": 2, \"inserted\": true}]}}")
            << "\"blocks\" section";
        QTest::newRow("bad distances")
            << QByteArray("{\"format\": 1, \"model\": {\"folder\": \"m\"}, \"distances\": {\"num_layers\": \"x\"}}")
            << "\"distances\" section";
        QTest::newRow("bad healing run")
            << QByteArray("{\"format\": 1, \"model\": {\"folder\": \"m\"}, \"healing_runs\": [{\"settings\": "
                          "{\"method\": \"magic\"}}]}")
            << "\"healing_runs\" section";
    }

    void refusesBadFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.layercut");
        writeText(path, content);
        try {
            project_file::read(path);
            QFAIL("a bad project was read");
        } catch (const lc::Error &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(path), qPrintable(message));
            QVERIFY2(message.contains(problem), qPrintable(message));
        }
    }

    void refusesMissingFiles()
    {
        const QString path = "/nonexistent/folder/missing.layercut";
        try {
            project_file::read(path);
            QFAIL("a missing project was read");
        } catch (const lc::Error &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(path) && message.contains("cannot be opened"), qPrintable(message));
        }
    }

    void reportsUnwritableFiles()
    {
        QVERIFY_THROWS_EXCEPTION(lc::Error, project_file::write("/nonexistent/folder/p.layercut", Project()));
    }

    void aKillWhileSavingKeepsAWholeFile()
    {
        // A child process saves the project over and over, in two versions (one of about 4 MB, so that a save
        // takes a while), and is killed with SIGKILL at a random moment, every other time inside a save: the
        // file must always read back as one of the two, and the next save must clean what the killed one left
        // beside it.
        QTemporaryDir dir;
        const QString file = dir.filePath("p.layercut");
        const Project small = sampleProject(dir.path());
        Project large = sampleProject(dir.path());
        large.currentTab = 1;
        large.healingRuns[0].steps.resize(20000, large.healingRuns[0].steps[0]);
        project_file::write(file, small);
        std::mt19937 random(20261201);
        int killedMidWrite = 0;
        for (int i = 0; i < 20; ++i) {
            const pid_t child = fork();
            if (child == 0) {
                for (int k = 0;; ++k) {
                    try {
                        project_file::write(file, k % 2 ? small : large);
                    } catch (...) {
                        _exit(1);
                    }
                }
            }
            QVERIFY(child > 0);
            if (i % 2 == 0) {  // anywhere in the loop of saves
                usleep(std::uniform_int_distribution<useconds_t>(1000, 100000)(random));
            } else {  // inside a save: once its temporary file appears, within half a millisecond
                while (QDir(dir.path()).entryList({"*.layercut-tmp-*"}, QDir::Files | QDir::Hidden).isEmpty())
                    ;
                usleep(std::uniform_int_distribution<useconds_t>(0, 500)(random));
            }
            kill(child, SIGKILL);
            int status = 0;
            QCOMPARE(waitpid(child, &status, 0), child);
            QVERIFY2(WIFSIGNALED(status), "the saving process ended by itself (a save failed)");
            const QStringList entries =
                QDir(dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
            killedMidWrite += entries.size() > 1;
            const Project read = project_file::read(file);  // throws on a half-written file
            QVERIFY(read.currentTab == 3 || read.currentTab == 1);
        }
        project_file::write(file, small);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{"p.layercut"});
        qInfo("%d of 20 kills landed while the file was being written", killedMidWrite);
        QVERIFY(killedMidWrite > 0);
    }
};

QTEST_APPLESS_MAIN(TestProjectFile)
#include "tst_project_file.moc"
