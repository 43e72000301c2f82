// SPDX-License-Identifier: GPL-3.0-or-later
// Projects in the main window: a saved project reopens in a new window with its heatmap, selection, dropped
// layers and loss curve, without measuring again; a bad project file shows an error naming it; the first
// launch opens the demo (here a copy of the fixtures named by LAYERCUT_DEMO_DIR) on its heatmap.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include "demo_location.h"
#include "export_folder.h"
#include "widgets/recent_files_menu.h"
#include "jobs/compute_thread.h"
#include "analysis_tabs.h"
#include "test_app.h"
#include "panels/analysis_panel.h"
#include "panels/evaluation_panel.h"
#include "panels/healing_panel.h"
#include "panels/selection_panel.h"
#include "plots/layer_strip.h"
#include "plots/loss_chart.h"
#include "plots/similarity_heatmap.h"
#include "plots/importance_chart.h"
#include "plots/sweep_chart.h"
#include "project/project_controller.h"
#include "project/project_file.h"
#include "settings/app_settings.h"
#include "ui_test_support.h"
#include "widgets/evaluation_table.h"

namespace {

const QString kFixtures = QStringLiteral(LAYERCUT_FIXTURES_DIR);

/** Copies the files under `from` to `to`, creating folders as needed. */
bool copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(file);
        if (!QDir().mkpath(QFileInfo(target).absolutePath()) || !QFile::copy(file, target))
            return false;
    }
    return true;
}

/** A demo folder as the package will have it, made of the test fixtures. */
bool makeDemo(const QString &root)
{
    const QString data = root + "/data";
    return copyTree(kFixtures + "/models/llama3_gqa_sharded", root + "/model") && QDir().mkpath(data) &&
           QFile::copy(kFixtures + "/data/tiny_corpus.txt", data + "/train.txt") &&
           QFile::copy(kFixtures + "/data/tiny_corpus.txt", data + "/validation.txt") &&
           QFile::copy(kFixtures + "/data/boolq_tiny.jsonl", data + "/boolq.jsonl") &&
           copyTree(kFixtures + "/data/mmlu", data + "/mmlu");
}

bool waitRestored(TestApp &app, QSignalSpy &restored)
{
    return QTest::qWaitFor([&] { return restored.count() > 0; }, 60000) && waitIdle(app.session);
}

}  // namespace

class TestProject final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        useSettingsFolder(m_settings.path());
    }

    void init()
    {
        QSettings().clear();
        qunsetenv("LAYERCUT_DEMO_DIR");
    }

    void savesAndReopens()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("tiny.layercut");
        const QString corpus = kFixtures + "/data/tiny_corpus.txt";
        lc::LayerDistances distances;
        QString lossText;
        std::vector<lc::HealingStep> steps;
        std::vector<lc::ValidationPoint> validation;
        {
            TestApp app;
            MainWindow &window = app.window;
            lc::Session &session = app.session;
            window.show();
            window.analysisPanel()->setDataFile(corpus);
            window.openModel(kFixtures + "/models/llama3_gqa_sharded");
            QVERIFY(waitIdle(session));
            window.measureDistances();
            QVERIFY(waitIdle(session));
            QVERIFY(!window.analysisTabs()->heatmap()->distances().empty());
            session.select(lc::LayerRange{2, 3}.layers());
            window.dropSelectedLayers();
            QVERIFY(waitIdle(session));
            QCOMPARE(session.plan().dropped(), (std::vector<int64_t>{2, 3}));
            QVERIFY(window.isWindowModified());
            // Two QLoRA steps on the pruned model: enough for a curve.
            lc::HealingConfig healing = tinyHealing();
            healing.steps = 2;
            healing.warmupSteps.reset();  // automatic: 1 step (an explicit one must be shorter than the run)
            healing.evalEvery = 1;
            healing.outputDir = dir.filePath("healing").toStdString();  // its checkpoint: the healed weights
            session.heal(healing);
            QVERIFY(waitIdle(session, 120000));
            QCOMPARE(window.analysisTabs()->lossChart()->trainingPointCount(), 2);
            QCOMPARE(window.analysisTabs()->currentWidget(), window.analysisTabs()->lossChart());
            window.analysisPanel()->setMetric(int(SimilarityHeatmap::Metric::AllTokens));
            window.analysisPanel()->setNormalizeRows(true);

            QVERIFY(window.project()->saveProjectTo(file));
            QVERIFY(!window.isWindowModified());
            QVERIFY2(window.windowTitle().startsWith("tiny"), qPrintable(window.windowTitle()));
            QCOMPARE(settings::recentProjects.value().value(0), file);
            distances = window.analysisTabs()->heatmap()->distances();
            lossText = window.selectionPanel()->lossText();
            steps = window.analysisTabs()->lossChart()->steps();
            validation = window.analysisTabs()->lossChart()->validation();
            QVERIFY(lossText.contains("before"));
        }

        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        window.show();
        QSignalSpy restored(window.project(), &ProjectController::restored);
        QSignalSpy measured(session.computeThread()->worker(), &lc::ModelWorker::distancesReady);
        QVERIFY(window.project()->openProject(file));
        QVERIFY(waitRestored(app, restored));
        QCOMPARE(measured.count(), 0);  // the heatmap comes from the project, not from a new measurement
        QCOMPARE(session.modelInfo().config.numLayers, int64_t(6));
        QCOMPARE(window.analysisTabs()->heatmap()->distances().angular.size(), distances.angular.size());
        QCOMPARE(window.analysisTabs()->heatmap()->distances().angularAt(2, 2), distances.angularAt(2, 2));
        QCOMPARE(window.analysisTabs()->heatmap()->distances().blockInfluence, distances.blockInfluence);
        QCOMPARE(window.analysisTabs()->heatmap()->selectedStart(), 2);
        QCOMPARE(window.analysisTabs()->heatmap()->selectedSize(), 2);
        QCOMPARE(window.analysisTabs()->layerStrip()->selectedFirst(), 2);
        QCOMPARE(session.plan().dropped(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(window.analysisTabs()->layerStrip()->dropped(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(window.selectionPanel()->lossText(), lossText);
        QCOMPARE(window.analysisTabs()->lossChart()->trainingPointCount(), 2);
        QCOMPARE(window.analysisTabs()->lossChart()->steps().back().trainLoss, steps.back().trainLoss);
        QVERIFY(project_file::read(file).healingRuns.back().checkpoint.startsWith(dir.filePath("healing/checkpoints")));
        QVERIFY(session.isHealed());  // the healed weights read back from the run's checkpoint
        QCOMPARE(window.analysisTabs()->lossChart()->validationPointCount(), static_cast<int>(validation.size()));
        QCOMPARE(window.analysisTabs()->currentWidget(), window.analysisTabs()->lossChart());
        QCOMPARE(window.analysisPanel()->dataFile(), corpus);
        QCOMPARE(window.analysisTabs()->heatmap()->metric(), SimilarityHeatmap::Metric::AllTokens);
        QVERIFY(window.analysisTabs()->heatmap()->normalizeRows());
        QVERIFY(!window.isWindowModified());
        QVERIFY(window.windowTitle().startsWith("tiny"));
        // The next change marks it: typing in a data path of the evaluation dock, and the heatmap's view.
        QLineEdit *mmlu = nullptr;
        for (QLineEdit *edit : window.evaluationPanel()->findChildren<QLineEdit *>())
            if (edit->placeholderText() == "none: skip MMLU")
                mmlu = edit;
        QVERIFY(mmlu);
        QTest::keyClicks(mmlu, "x");
        QVERIFY(window.isWindowModified());
        QVERIFY(window.project()->saveProjectTo(file));
        window.analysisPanel()->setNormalizeRows(false);
        QVERIFY(window.isWindowModified());
    }

    void restoresEvaluationsAndSweeps()
    {
        // Results as a project keeps them, for the 6 layers of the fixture; distances of another model.
        QTemporaryDir dir;
        Project p;
        p.modelFolder = kFixtures + "/models/llama3_gqa_sharded";
        p.distances.numLayers = 3;  // measured on another model: left out
        p.distances.angular.assign(16, 0.5);
        p.distances.allTokens.assign(16, 0.5);
        p.distances.blockInfluence.assign(3, 0.1);
        addSampleResults(p, kFixtures + "/data/mmlu");
        p.currentTab = 3;
        const QString file = dir.filePath("results.layercut");
        project_file::write(file, p);

        TestApp app;
        MainWindow &window = app.window;
        window.show();
        QSignalSpy restored(window.project(), &ProjectController::restored);
        QVERIFY(window.project()->openProject(file));
        QVERIFY(waitRestored(app, restored));
        QVERIFY(window.analysisTabs()->heatmap()->distances().empty());
        QVERIFY(window.statusBar()->currentMessage().contains("left out"));
        QVERIFY(window.analysisTabs()->evaluationTable()->rowOf("anatomy") >= 0);
        QCOMPARE(window.analysisTabs()->sweepChart()->points().size(), size_t(3));
        const SweepChart *sweep = window.analysisTabs()->sweepChart();
        QCOMPARE(sweep->graph(SweepChart::Measure::Mmlu, lc::PruneStrategy::Deepest, false)->dataCount(), 2);
        QCOMPARE(sweep->graph(SweepChart::Measure::Mmlu, lc::PruneStrategy::Deepest, true)->dataCount(), 1);
        QVERIFY(window.analysisTabs()->sweepChart()->boolqMajorityLine().has_value());
        QCOMPARE(window.analysisTabs()->importanceChart()->lossIncrease().at(1).value_or(-1), 0.5);
        QCOMPARE(window.analysisTabs()->currentWidget(), window.analysisTabs()->sweepChart());
        QVERIFY(!window.isWindowModified());
        // Saved again, the results are all there.
        const QString again = dir.filePath("again.layercut");
        QVERIFY(window.project()->saveProjectTo(again));
        const Project q = project_file::read(again);
        QVERIFY(q.evaluation && q.evaluation->dropped == std::vector<int64_t>{4});
        QVERIFY(q.sweep && q.sweep->result.points.size() == 3 && q.sweep->options.healSteps == 5);
        QVERIFY(q.importance && q.importance->result.points.size() == 2);
    }

    void showsProjectErrors()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("broken.layercut");
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": 1, \"model\": [");
        f.close();
        TestApp app;
        MainWindow &window = app.window;
        window.show();
        settings::firstLaunchDone.setValue(true);
        window.project()->openAtStartup(file, false);  // as `layercut broken.layercut` does
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox *>("errorBox")) != nullptr);
        QVERIFY(box->text().contains("project"));
        QVERIFY2(box->informativeText().contains(file) && box->informativeText().contains("not valid JSON"),
                 qPrintable(box->informativeText()));
        QVERIFY(window.project()->projectPath().isEmpty());
        box->close();
    }

    void firstLaunchOpensTheDemo()
    {
        QTemporaryDir demo;
        QVERIFY(makeDemo(demo.path()));
        qputenv("LAYERCUT_DEMO_DIR", demo.path().toUtf8());
        QCOMPARE(DemoLocation::find().root(), demo.path());

        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        window.show();
        QSignalSpy restored(window.project(), &ProjectController::restored);
        QVERIFY(!settings::firstLaunchDone.value());
        window.project()->openAtStartup(QString(), false);
        QVERIFY(waitRestored(app, restored));
        QCOMPARE(QString::fromStdString(session.modelInfo().folder.string()), demo.path() + "/model");
        QCOMPARE(window.analysisTabs()->heatmap()->distances().numLayers, int64_t(6));  // measured on the demo's text
        QVERIFY(window.analysisTabs()->heatmap()->selectedSize() > 0);
        QCOMPARE(window.analysisTabs()->currentIndex(), 0);
        QCOMPARE(window.analysisPanel()->dataFile(), demo.path() + "/data/train.txt");
        QCOMPARE(window.healingPanel()->trainData(), demo.path() + "/data/train.txt");
        QCOMPARE(window.healingPanel()->validationData(), demo.path() + "/data/validation.txt");
        QCOMPARE(window.evaluationPanel()->mmlu(), demo.path() + "/data/mmlu");
        QCOMPARE(window.evaluationPanel()->boolq(), demo.path() + "/data/boolq.jsonl");
        QCOMPARE(window.evaluationPanel()->validationData(), demo.path() + "/data/validation.txt");
        QVERIFY2(window.windowTitle().startsWith("Demo"), qPrintable(window.windowTitle()));
        QVERIFY(!window.isWindowModified());
        QVERIFY(settings::firstLaunchDone.value());

        // Later starts open nothing by themselves; --demo still does.
        TestApp later;
        later.project.openAtStartup(QString(), false);
        QVERIFY(!later.session.isBusy());
        QCOMPARE(later.session.modelInfo().config.numLayers, int64_t(0));
        QSignalSpy laterRestored(&later.project, &ProjectController::restored);
        later.project.openAtStartup(QString(), true);
        QVERIFY(waitRestored(later, laterRestored));
        QCOMPARE(later.window.analysisTabs()->heatmap()->distances().numLayers, int64_t(6));
    }

    void openingAModelAsksToSave()
    {
        // Fault: Open Model Folder and Open Recent discarded unsaved results without asking.
        TestApp app;
        app.window.show();
        app.window.openModel(kFixtures + "/models/llama3_gqa_sharded");
        QVERIFY(waitIdle(app.session));
        QCOMPARE(app.savePrompts, 0);  // nothing to lose yet
        app.session.select({2, 3});
        QVERIFY(app.window.isWindowModified());
        // Cancelled: the model and its selection stay.
        app.saveAnswer = ProjectController::SaveAnswer::Cancel;
        app.window.openModel(kFixtures + "/models/qwen3_qknorm");
        QCOMPARE(app.savePrompts, 1);
        QVERIFY(!app.session.isBusy());
        QCOMPARE(app.session.modelName(), QString("llama3_gqa_sharded"));
        QCOMPARE(app.session.selection(), (std::vector<int64_t>{2, 3}));
        // Open Recent goes the same way.
        auto *recent = app.window.findChild<RecentFilesMenu *>();
        QVERIFY(recent);
        emit recent->chosen(kFixtures + "/models/qwen3_qknorm");
        QCOMPARE(app.savePrompts, 2);
        QCOMPARE(app.session.modelName(), QString("llama3_gqa_sharded"));
        // Discarded: the other model opens, without the results.
        app.saveAnswer = ProjectController::SaveAnswer::Discard;
        app.window.openModel(kFixtures + "/models/qwen3_qknorm");
        QCOMPARE(app.savePrompts, 3);
        QVERIFY(waitIdle(app.session));
        QCOMPARE(app.session.modelName(), QString("qwen3_qknorm"));
        QVERIFY(app.session.selection().empty());
    }

    void exportsStartInAWritableFolder()
    {
        // Fault: export dialogs started in the demo's install folder, read-only when installed from the .deb.
        QSettings().remove(QStringLiteral("export"));
        settings::lastModelDir.setValue(QStringLiteral("/usr/share/layercut/demo"));
        const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        QCOMPARE(export_folder::suggested(), documents);
        QTemporaryDir dir;
        export_folder::remember(dir.filePath("heatmap.png"));
        QCOMPARE(export_folder::suggested(), dir.path());
        QCOMPARE(export_folder::suggestedPath("model-pruned-4"), dir.filePath("model-pruned-4"));
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        if (!QFileInfo(dir.path()).isWritable())  // (root ignores permissions)
            QCOMPARE(export_folder::suggested(), documents);
        QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    void demoLocation()
    {
        QTemporaryDir demo;
        qputenv("LAYERCUT_DEMO_DIR", demo.path().toUtf8());
        QCOMPARE(DemoLocation::candidates().value(0), demo.path());
        QVERIFY(!DemoLocation(demo.path()).isValid());  // no model/config.json yet
        QVERIFY(makeDemo(demo.path()));
        const DemoLocation location(demo.path());
        QVERIFY(location.isValid());
        QCOMPARE(location.modelFolder(), demo.path() + "/model");
        QCOMPARE(location.boolq(), demo.path() + "/data/boolq.jsonl");
        // The installed place comes before the source tree's.
        QVERIFY(DemoLocation::candidates().value(1).endsWith("/share/layercut/demo"));
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestProject)
#include "tst_project.moc"
