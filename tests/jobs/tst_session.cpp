// SPDX-License-Identifier: GPL-3.0-or-later
// The session without a window: its commands, the state they leave, the one job path (refusal while busy,
// cancel, failure), snapshot() and restore(), and the faults users hit that its design rules out.
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "jobs/compute_thread.h"
#include "jobs/session.h"
#include "../tiny_healing.h"

using namespace lc;

namespace {

const QString kFixtures = QStringLiteral(LAYERCUT_FIXTURES_DIR);
const QString kModel = kFixtures + "/models/llama3_gqa_sharded";  // 6 layers
const QString kCorpus = kFixtures + "/data/tiny_corpus.txt";

bool waitIdle(const Session &session, int ms = 60000)
{
    return QTest::qWaitFor([&session] { return !session.isBusy(); }, ms);
}

/** The analysis inputs the tests measure with: a handful of short samples. */
AnalysisInputs tinyAnalysis()
{
    return {kCorpus, {.samples = 8, .maxLength = 16}, 4};
}

/** Opens the 6-layer fixture and drops `layers`, with the quick loss check on nothing (no analysis data). */
bool openAndDrop(Session &s, std::vector<int64_t> layers)
{
    if (!s.open(kModel, {}) || !waitIdle(s))
        return false;
    s.select(std::move(layers));
    return s.dropSelection() && waitIdle(s);
}

/** Which job ended how, in order. */
struct Endings
{
    explicit Endings(Session &session)
    {
        QObject::connect(&session, &Session::jobEnded, [this](JobKind kind, JobOutcome outcome) {
            list.push_back({kind, outcome});
        });
    }
    std::vector<std::pair<JobKind, JobOutcome>> list;
};

}  // namespace

class TestSession final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_cache = std::make_unique<QTemporaryDir>();
        QVERIFY(m_cache->isValid());
    }
    void cleanup() { m_cache.reset(); }

    void opensMeasuresSelectsAndDrops()
    {
        Session s;
        s.setDistancesCacheDir(m_cache->path());
        QSignalSpy modelChanged(&s, &Session::modelChanged);
        QSignalSpy modified(&s, &Session::modified);
        QVERIFY(!s.hasModel());
        QVERIFY(!s.measureDistances());  // nothing loaded: refused, no job
        QVERIFY(s.open(kModel, {}));
        QVERIFY(s.isBusy());
        QCOMPARE(s.job(), JobKind::Open);
        QVERIFY(!s.open(kModel, {}));  // one job at a time
        QVERIFY(waitIdle(s));
        QCOMPARE(modelChanged.count(), 1);
        QCOMPARE(s.modelInfo().config.numLayers, int64_t(6));
        QCOMPARE(s.modelName(), QString("llama3_gqa_sharded"));
        QVERIFY(!s.plan().prunesAnything());

        s.setAnalysisInputs(tinyAnalysis());
        QVERIFY(modified.count() > 0);  // the docks' data is part of the project
        QVERIFY(s.measureDistances());
        QVERIFY(waitIdle(s));
        QCOMPARE(s.distances().numLayers, int64_t(6));
        // The most redundant single layer is selected, with its distance.
        QCOMPARE(s.selection(), (std::vector<int64_t>{s.distances().optimalStart(1)}));
        QVERIFY(!std::isnan(s.selectionDistance()));

        // Any set of layers is a selection; out-of-range ones are left out, and it is kept sorted.
        s.select({4, 1, 9, 1});
        QCOMPARE(s.selection(), (std::vector<int64_t>{1, 4}));
        QVERIFY(std::isnan(s.selectionDistance()));  // not one block
        QVERIFY(s.dropSelection());
        QVERIFY(waitIdle(s));
        QCOMPARE(s.plan().dropped(), (std::vector<int64_t>{1, 4}));
        QVERIFY(s.pruneCheck().after.tokens > 0);  // the quick check ran on the analysis data
        QVERIFY(s.pruneCheck().heldOut);

        s.select({2, 3});
        QVERIFY(!std::isnan(s.selectionDistance()));
        QVERIFY(s.dropSelection());
        QVERIFY(waitIdle(s));
        QCOMPARE(s.plan().dropped(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(s.plan().distance, s.distances().angularAt(2, 2));
        QVERIFY(s.restoreAllLayers());
        QVERIFY(waitIdle(s));
        QVERIFY(!s.plan().prunesAnything());
        QVERIFY(!s.restoreAllLayers());  // nothing to restore
    }

    void failedOpenKeepsTheModel()
    {
        // Fault: a failed open unloaded the model while the window still showed it.
        Session s;
        s.setDistancesCacheDir(m_cache->path());
        QVERIFY(openAndDrop(s, {2}));
        QSignalSpy failed(&s, &Session::jobFailed);
        QSignalSpy modelChanged(&s, &Session::modelChanged);
        Endings endings(s);
        QTemporaryDir empty;  // no config.json
        QVERIFY(s.open(empty.path(), {}));
        QVERIFY(waitIdle(s));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(0).value<JobKind>(), JobKind::Open);
        QVERIFY(failed.first().at(1).toString().contains("config.json"));
        QCOMPARE(endings.list.back(), std::make_pair(JobKind::Open, JobOutcome::Failed));
        QCOMPARE(modelChanged.count(), 0);
        QCOMPARE(s.modelName(), QString("llama3_gqa_sharded"));
        QCOMPARE(s.plan().dropped(), (std::vector<int64_t>{2}));
        // The model is still there for the next job.
        s.setAnalysisInputs(tinyAnalysis());
        QVERIFY(s.measureDistances());
        QVERIFY(waitIdle(s));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(s.distances().numLayers, int64_t(6));
    }

    void jobFailureIsReportedWithItsKind()
    {
        Session s;
        s.setDistancesCacheDir(m_cache->path());
        QVERIFY(s.open(kModel, {}));
        QVERIFY(waitIdle(s));
        QTemporaryDir dir;
        QFile binary(dir.filePath("weights.bin"));
        QVERIFY(binary.open(QIODevice::WriteOnly));
        binary.write(QByteArray(4096, '\0'));
        binary.close();
        s.setAnalysisInputs({binary.fileName(), {.samples = 8, .maxLength = 16}, 4});
        QSignalSpy failed(&s, &Session::jobFailed);
        Endings endings(s);
        QVERIFY(s.measureDistances());
        QVERIFY(waitIdle(s));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(0).value<JobKind>(), JobKind::Distances);
        QVERIFY(failed.first().at(1).toString().contains("weights.bin"));
        QCOMPARE(endings.list.back(), std::make_pair(JobKind::Distances, JobOutcome::Failed));
        QVERIFY(s.distances().empty());
        // A healing config that does not validate fails at once, with the core's reason, and starts nothing.
        HealingConfig bad = tinyHealing({}, 4);
        bad.rank = 0;
        QVERIFY(!s.heal(bad));
        QVERIFY(!s.isBusy());
        QCOMPARE(failed.count(), 2);
        QCOMPARE(failed.last().at(0).value<JobKind>(), JobKind::Heal);
    }

    void cancelSaysSoAtOnce()
    {
        // Fault: Cancel showed nothing until the job stopped.
        Session s;
        s.setDistancesCacheDir(m_cache->path());
        QVERIFY(openAndDrop(s, {2, 3}));
        QSignalSpy cancelRequested(&s, &Session::cancelRequested);
        Endings endings(s);
        QVERIFY(s.heal(tinyHealing({}, 500)));
        QVERIFY(QTest::qWaitFor([&] { return s.healingRuns().size() == 1 && s.healingRuns()[0].steps.size() >= 1; },
                                120000));
        s.cancel();
        QCOMPARE(cancelRequested.count(), 1);  // at once, before the job has stopped
        QVERIFY(s.isCancelling());
        s.cancel();
        QCOMPARE(cancelRequested.count(), 1);  // asked once
        QVERIFY(waitIdle(s, 120000));
        QVERIFY(!s.isCancelling());
        QCOMPARE(endings.list.back().first, JobKind::Heal);
        QVERIFY(s.healingRuns()[0].cancelled);
        QVERIFY(s.healingRuns()[0].steps.size() < 500);
        QVERIFY(s.isHealed());  // a cancelled run keeps what it learnt
    }

    void healingPaceIsTheRunsOwn()
    {
        // Fault: the status bar said 89 tokens/s while the loss chart said 298 (the job's tokens over its whole
        // time, the preparation included), and its time left left out the validations. During a run, the
        // progress carries the healing step's own pace and estimate.
        Session s;
        s.setDistancesCacheDir(m_cache->path());
        QVERIFY(openAndDrop(s, {2, 3}));
        std::optional<HealingStep> step;
        std::vector<std::pair<HealingStep, JobProgress>> seen;  // each step with the progress published after it
        connect(&s, &Session::healingStep, this, [&](const HealingStep &st) { step = st; });
        connect(&s, &Session::progressChanged, this, [&](const JobProgress &p) {
            if (step)
                seen.emplace_back(*std::exchange(step, std::nullopt), p);
        });
        QVERIFY(s.heal(tinyHealing({}, 5)));
        QVERIFY(waitIdle(s, 120000));
        QCOMPARE(seen.size(), size_t(5));
        for (const auto &[st, p] : seen) {
            QCOMPARE(p.step, st.step);
            QVERIFY(st.tokensPerSecond > 0);
            QCOMPARE(p.tokensPerSecond, st.tokensPerSecond);
            if (st.secondsLeft > 0)
                QCOMPARE(p.secondsLeft, st.secondsLeft);
        }
        QVERIFY(seen.front().first.secondsLeft > 0);  // four steps and a validation still to come
    }

    void sweepKeepsThePlanAndSaysItLosesHealing()
    {
        // Fault: Run Sweep threw away the pruned and healed model without a word, while Restore All Layers
        // and Export Healed Model stayed enabled and did nothing.
        Session s;
        s.setDistancesCacheDir(m_cache->path());
        QVERIFY(openAndDrop(s, {2, 3}));
        QVERIFY(!s.sweepDiscardsHealing());
        QVERIFY(s.heal(tinyHealing({}, 4)));
        QVERIFY(waitIdle(s, 120000));
        QVERIFY(s.isHealed());
        QVERIFY(s.sweepDiscardsHealing());  // the GUI asks before this
        SweepOptions options;
        options.fractions = {0.34};
        options.strategies = {PruneStrategy::Deepest};
        options.eval.validationData = kCorpus.toStdString();
        options.eval.lossSequences = 4;
        options.eval.lossLength = 32;
        QSignalSpy planChanged(&s, &Session::planChanged);
        QVERIFY(s.sweep(options));
        QCOMPARE(s.job(), JobKind::Sweep);
        QVERIFY(waitIdle(s, 120000));
        QVERIFY(s.sweep(false) && !s.sweep(false)->result.points.empty());
        // The model runs the plan it ran before, unhealed, and the state says so.
        QCOMPARE(s.plan().dropped(), (std::vector<int64_t>{2, 3}));
        QVERIFY(!s.isHealed());
        QVERIFY(planChanged.count() > 0);
        QVERIFY(!s.exportHealed(m_cache->filePath("healed"), {}));  // nothing healed to export
    }

    void snapshotAndRestoreRoundTrip()
    {
        Project saved;
        {
            Session s;
            s.setDistancesCacheDir(m_cache->path());
            QVERIFY(s.open(kModel, {}));
            QVERIFY(waitIdle(s));
            s.setAnalysisInputs(tinyAnalysis());
            s.setInputPaths({kCorpus, QString(), kFixtures + "/data/mmlu", QString(), kCorpus});
            s.setView({1, true, 2});
            QVERIFY(s.measureDistances());
            QVERIFY(waitIdle(s));
            s.select({2, 3});
            QVERIFY(s.dropSelection());
            QVERIFY(waitIdle(s));
            saved = s.snapshot();
        }
        QCOMPARE(saved.modelFolder, kModel);
        QCOMPARE(saved.selection, (std::vector<int64_t>{2, 3}));
        QCOMPARE(saved.plan.dropped(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(saved.heatmapMetric, 1);
        QCOMPARE(saved.currentTab, 2);
        QCOMPARE(saved.evaluationMmlu, kFixtures + "/data/mmlu");

        Session t;
        t.setDistancesCacheDir(m_cache->path());
        QSignalSpy restored(&t, &Session::restored);
        QSignalSpy modified(&t, &Session::modified);
        QSignalSpy distancesChanged(&t, &Session::distancesChanged);
        Endings endings(t);
        QVERIFY(t.restore(saved));
        QVERIFY(t.isRestoring());
        QVERIFY(QTest::qWaitFor([&] { return restored.count() == 1; }, 60000));
        QVERIFY(!t.isRestoring());
        QCOMPARE(modified.count(), 0);  // putting a project back changes nothing of it
        // Nothing was measured again: the model opened and the plan was applied, without the loss check.
        QCOMPARE(endings.list.size(), size_t(2));
        QCOMPARE(endings.list[0].first, JobKind::Open);
        QCOMPARE(endings.list[1].first, JobKind::Prune);
        QCOMPARE(distancesChanged.count(), 1);
        QCOMPARE(t.plan().dropped(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(t.pruneCheck().after.loss, saved.lossAfter.loss);
        QCOMPARE(t.selection(), saved.selection);
        QCOMPARE(t.view(), (ViewState{1, true, 2}));
        QCOMPARE(t.analysisInputs().dataFile, kCorpus);
        QCOMPARE(t.inputPaths().evaluationMmlu, kFixtures + "/data/mmlu");
        const Project again = t.snapshot();
        QCOMPARE(again.distances.angular.size(), saved.distances.angular.size());
        QCOMPARE(again.distances.angularAt(2, 2), saved.distances.angularAt(2, 2));
        QCOMPARE(again.plan.kept, saved.plan.kept);
        QCOMPARE(again.lossBefore.loss, saved.lossBefore.loss);
    }

    void insertsBlocksTrainsThemAndSavesThem()
    {
        // New blocks from the GUI's commands: inserted after kept layers, kept when other layers drop, gone with
        // the layer they follow; the S strategy; trained alone; exported expanded; saved and put back.
        Session s;
        s.setDistancesCacheDir(m_cache->path());
        QVERIFY(s.open(kModel, {}));
        QVERIFY(waitIdle(s));
        s.setAnalysisInputs(tinyAnalysis());
        QVERIFY(s.insertBlock(1, BlockInit::Average));
        QVERIFY(waitIdle(s));
        QCOMPARE(s.blocks().insertedAfter(), (std::vector<int64_t>{1}));
        QVERIFY(s.changesModel() && !s.plan().prunesAnything());
        // The new block is the identity: the quick check's loss does not move.
        QCOMPARE(s.pruneCheck().after.loss, s.pruneCheck().before.loss);
        QVERIFY(!s.insertBlock(1, BlockInit::Copy));  // one there already
        QVERIFY(s.insertBlock(3, BlockInit::Copy));
        QVERIFY(waitIdle(s));
        s.select({3, 4});
        QVERIFY(s.dropSelection());
        QVERIFY(waitIdle(s));
        QCOMPARE(s.plan().dropped(), (std::vector<int64_t>{3, 4}));
        QCOMPARE(s.blocks().insertedAfter(), (std::vector<int64_t>{1}));  // the block after 3 went with it
        QVERIFY(!s.insertBlock(4, BlockInit::Average));                    // dropped
        QVERIFY(s.removeInsertedBlock(1));
        QVERIFY(waitIdle(s));
        QVERIFY(!s.blocks().insertsAnything());
        QVERIFY(s.applySStrategy());
        QVERIFY(waitIdle(s));
        QCOMPARE(s.blocks(), BlockPlan::sStrategy(6));
        QCOMPARE(s.plan().dropped(), (std::vector<int64_t>{4, 5}));

        // Knowledge injection: only the new block trains.
        HealingConfig c = tinyHealing();
        c.method = HealingMethod::Blocks;
        c.quantization = BaseQuantization::None;
        QVERIFY(s.heal(c));
        QVERIFY(waitIdle(s, 120000));
        QVERIFY(s.isHealed());
        QVERIFY(!s.insertBlock(0, BlockInit::Average));  // a healed model's blocks stay as they trained
        QVERIFY(!s.applySStrategy());
        QTemporaryDir out;
        QSignalSpy exported(&s, &Session::exported);
        QVERIFY(s.exportPruned(out.filePath("expanded"), {}));
        QVERIFY(waitIdle(s));
        QCOMPARE(exported.count(), 1);
        QFile record(out.filePath("expanded/layercut.json"));
        QVERIFY(record.open(QIODevice::ReadOnly));
        QVERIFY(record.readAll().contains("\"inserted_after\""));

        const Project saved = s.snapshot();
        QCOMPARE(saved.blocks, BlockPlan::sStrategy(6));
        Session t;
        t.setDistancesCacheDir(m_cache->path());
        QSignalSpy restored(&t, &Session::restored);
        QVERIFY(t.restore(saved));
        QVERIFY(QTest::qWaitFor([&] { return restored.count() == 1; }, 120000));
        QCOMPARE(t.blocks(), BlockPlan::sStrategy(6));
        QCOMPARE(t.plan().dropped(), (std::vector<int64_t>{4, 5}));
    }

    void restoreOfAMissingModelKeepsTheProject()
    {
        Project p;
        p.modelFolder = m_cache->filePath("gone");
        p.selection = {1};
        p.analysisData = kCorpus;
        Session s;
        QSignalSpy restored(&s, &Session::restored);
        QSignalSpy failed(&s, &Session::jobFailed);
        QVERIFY(s.restore(p));
        QVERIFY(QTest::qWaitFor([&] { return restored.count() == 1; }, 30000));
        QCOMPARE(failed.count(), 1);
        QVERIFY(!s.hasModel());
        // Saved back unchanged, so nothing of it is lost by opening it where the model is missing.
        const Project back = s.snapshot();
        QCOMPARE(back.modelFolder, p.modelFolder);
        QCOMPARE(back.selection, p.selection);
    }

private:
    std::unique_ptr<QTemporaryDir> m_cache;
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
