// SPDX-License-Identifier: GPL-3.0-or-later
// The main window opens a model folder in the background and shows its summary; errors show a dialog.
// It drops layers, heals the pruned model with QLoRA while the loss chart grows, and exports it.
#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QFile>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTableWidget>
#include <QTest>
#include <qcustomplot.h>

#include "jobs/compute_thread.h"
#include "jobs/job_questions.h"
#include "settings/app_settings.h"
#include "widgets/load_options_bar.h"
#include "analysis_tabs.h"
#include "test_app.h"
#include "panels/analysis_panel.h"
#include "panels/evaluation_panel.h"
#include "panels/healing_panel.h"
#include "panels/model_summary_panel.h"
#include "panels/selection_panel.h"
#include "plots/layer_strip.h"
#include "widgets/generation_view.h"
#include "plots/loss_chart.h"
#include "plots/similarity_heatmap.h"
#include "plots/importance_chart.h"
#include "plots/sweep_chart.h"
#include "ui_test_support.h"
#include "widgets/evaluation_table.h"

namespace {

/** Opens the sharded Llama-3 fixture and drops layers 2–3 (chosen on the strip; no heatmap needed). */
bool openAndDrop(TestApp &app)
{
    MainWindow &window = app.window;
    lc::Session &session = app.session;
    window.openModel(LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded");
    if (!waitIdle(session))
        return false;
    emit window.analysisTabs()->layerStrip()->layersSelected(lc::LayerRange{2, 3}.layers());
    window.dropSelectedLayers();
    return waitIdle(session) && session.plan().dropped() == std::vector<int64_t>{2, 3};
}

}  // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        useSettingsFolder(m_settings.path());
    }
    // Each test starts from the default settings and with a distances cache of its own: a persistent cache
    // would turn every "measure" after the first run into a cache read, and let a cached result open on
    // its own as a model loads.
    void init()
    {
        QSettings().clear();
        m_cache = std::make_unique<QTemporaryDir>();
        QVERIFY(m_cache->isValid());
    }
    void cleanup() { m_cache.reset(); }

    void opensAModel()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        session.setDistancesCacheDir(m_cache->path());
        window.show();
        QSignalSpy loaded(session.computeThread()->worker(), &lc::ModelWorker::modelLoaded);
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/qwen2_tied_f16");
        QVERIFY(waitIdle(session));
        QCOMPARE(loaded.count(), 1);
        QTRY_COMPARE(window.summaryPanel()->fieldText("layers"), QString("6"));
        QVERIFY(window.summaryPanel()->isVisible());
        QVERIFY(window.summaryPanel()->fieldText("tied").size() > 0);
        QCOMPARE(window.summaryPanel()->fieldText("tokenizer"), QString("byte-level BPE (tokenizer.json)"));
        QCOMPARE(window.summaryPanel()->fieldText("window"), QString("none (full attention)"));
        QCOMPARE(window.summaryPanel()->fieldText("features"), QString("norms before attention and MLP, q/k/v biases"));
        QVERIFY(window.windowTitle().contains("qwen2_tied_f16"));
        // What a GPU would need, in the checkpoint's float16, and that none is in use.
        QVERIFY2(window.summaryPanel()->fieldText("memWeights").endsWith("(float16)"),
                 qPrintable(window.summaryPanel()->fieldText("memWeights")));
        for (const char *job : {"memDistances", "memEvaluation", "memHealing"})
            QVERIFY2(window.summaryPanel()->fieldText(job).contains(" for "), job);
        QVERIFY(window.summaryPanel()->fieldText("memFree").contains("no GPU"));
    }

    // A job estimated to need more than the memory budget (Preferences) is asked about first, with what would
    // fit; No keeps it from starting, Yes starts it anyway.
    void asksBeforeAJobOverTheMemoryBudget()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        session.setDistancesCacheDir(m_cache->path());
        window.show();
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/llama2_spm_classic");
        QVERIFY(waitIdle(session));
        window.analysisPanel()->setDataFile(LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt");
        settings::memoryBudgetGB.setValue(1e-6);  // 1 kB: nothing fits
        QStringList asked;
        bool answer = false;
        window.questions().setAsk([&](const QString &question) {
            asked << question;
            return answer;
        });
        QSignalSpy ready(session.computeThread()->worker(), &lc::ModelWorker::distancesReady);
        window.measureDistances();
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked[0].startsWith("Measuring distances needs about") && asked[0].contains(" on cpu ") &&
                     asked[0].contains("for LayerCut") && asked[0].endsWith("Start anyway?"),
                 qPrintable(asked[0]));
        QVERIFY(!session.isBusy());
        QCOMPARE(ready.count(), 0);
        answer = true;
        window.measureDistances();
        QVERIFY(waitIdle(session));
        QCOMPARE(ready.count(), 1);
        // Within the budget: nothing to ask.
        settings::memoryBudgetGB.setValue(1000.0);
        asked.clear();
        window.measureDistances();
        QVERIFY(waitIdle(session));
        QVERIFY(asked.isEmpty());
        settings::memoryBudgetGB.setValue(0.0);
    }

    void measuresAndSelects()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        session.setDistancesCacheDir(m_cache->path());
        window.show();
        QSignalSpy loaded(session.computeThread()->worker(), &lc::ModelWorker::modelLoaded);
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/llama2_spm_classic");
        QVERIFY(waitIdle(session));
        QCOMPARE(loaded.count(), 1);
        QSignalSpy ready(session.computeThread()->worker(), &lc::ModelWorker::distancesReady);
        window.analysisPanel()->setDataFile(LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt");
        window.measureDistances();
        QVERIFY(waitIdle(session));
        QCOMPARE(ready.count(), 1);
        QVERIFY(!ready.first().at(1).toBool());  // measured: the cache was empty
        QVERIFY(!QDir(m_cache->path()).isEmpty());
        QCOMPARE(window.analysisTabs()->heatmap()->distances().numLayers, int64_t(6));
        // The best single layer is preselected and described in the selection panel and on the strip.
        const int best = static_cast<int>(window.analysisTabs()->heatmap()->distances().optimalStart(1));
        QTRY_COMPARE(window.analysisTabs()->layerStrip()->selectedFirst(), best);
        QVERIFY(window.selectionPanel()->droppedText().startsWith(QString::number(best)));
        // Selecting on the strip moves the heatmap's selection.
        emit window.analysisTabs()->layerStrip()->layersSelected(lc::LayerRange{1, 3}.layers());
        QCOMPARE(window.analysisTabs()->heatmap()->selectedStart(), 1);
        QCOMPARE(window.analysisTabs()->heatmap()->selectedSize(), 3);
        QVERIFY(window.selectionPanel()->keptText().startsWith("0, 4–5"));
        // Layers that are not one block are no cell of the heatmap: its marker goes, the strip keeps them.
        emit window.analysisTabs()->layerStrip()->layersSelected({1, 4});
        QCOMPARE(window.analysisTabs()->heatmap()->selectedSize(), 0);
        QCOMPARE(session.selection(), (std::vector<int64_t>{1, 4}));
        emit window.analysisTabs()->layerStrip()->layersSelected(lc::LayerRange{1, 3}.layers());
        QCOMPARE(window.analysisTabs()->heatmap()->selectedSize(), 3);
        // A second run on the same model and data comes from the cache, with the same numbers.
        const lc::LayerDistances measured = window.analysisTabs()->heatmap()->distances();
        ready.clear();
        window.measureDistances();
        QVERIFY(waitIdle(session));
        QCOMPARE(ready.count(), 1);
        QVERIFY(ready.first().at(1).toBool());
        QCOMPARE(window.analysisTabs()->heatmap()->distances().angularAt(2, 1), measured.angularAt(2, 1));
        // Opening the model again with its data chosen shows the cached result by itself.
        ready.clear();
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/llama2_spm_classic");
        QVERIFY(waitIdle(session));
        QTRY_COMPARE(ready.count(), 1);
        QVERIFY(waitIdle(session));
        QVERIFY(ready.first().at(1).toBool());
        // NF4 weights are not the dense ones: measured again, not read from the dense entry.
        ready.clear();
        lc::LoadOptions nf4 = window.loadOptionsBar()->options();
        nf4.nf4 = true;
        window.loadOptionsBar()->setOptions(nf4);
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/llama2_spm_classic");
        QVERIFY(waitIdle(session));
        QCOMPARE(session.modelInfo().weightStorage, std::string("nf4"));
        QTest::qWait(50);  // a queued cache read would have started by now
        QVERIFY(waitIdle(session));
        QCOMPARE(ready.count(), 0);
        window.measureDistances();
        QVERIFY(waitIdle(session));
        QCOMPARE(ready.count(), 1);
        QVERIFY(!ready.first().at(1).toBool());
    }

    void dropsABlockAndExports()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        session.setDistancesCacheDir(m_cache->path());
        window.show();
        window.analysisPanel()->setDataFile(LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt");
        window.openModel(LAYERCUT_FIXTURES_DIR "/models/qwen3_qknorm");
        QVERIFY(waitIdle(session));
        window.measureDistances();
        QVERIFY(waitIdle(session));
        // Select layers 2–3 by dragging on the strip, then drop them.
        LayerStrip *strip = window.analysisTabs()->layerStrip();
        QTest::mousePress(strip, Qt::LeftButton, {}, strip->layerCenter(2));
        QTest::mouseMove(strip, strip->layerCenter(3));
        QTest::mouseRelease(strip, Qt::LeftButton, {}, strip->layerCenter(3));
        QCOMPARE(window.analysisTabs()->heatmap()->selectedStart(), 2);
        QSignalSpy pruned(session.computeThread()->worker(), &lc::ModelWorker::pruned);
        window.dropSelectedLayers();
        QVERIFY(waitIdle(session));
        QCOMPARE(pruned.count(), 1);
        QCOMPARE(session.plan().dropped(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(strip->dropped(), (std::vector<int64_t>{2, 3}));
        QVERIFY(window.selectionPanel()->prunedText().contains("2–3"));
        QVERIFY2(window.selectionPanel()->lossText().contains("before"),
                 qPrintable(window.selectionPanel()->lossText()));
        const auto before = pruned.first().at(1).value<lc::LossResult>();
        const auto after = pruned.first().at(2).value<lc::LossResult>();
        QVERIFY(before.tokens > 0 && before.tokens == after.tokens && before.loss != after.loss);
        // The analysis (200 samples) used all 24 documents, so the check says its data overlaps it.
        QVERIFY(!pruned.first().at(3).toBool());
        QVERIFY(window.selectionPanel()->lossText().contains("overlap"));
        // Export in the background; the folder appears only when complete.
        QTemporaryDir dir;
        const QString out = dir.filePath("qwen3-pruned");
        QSignalSpy exported(session.computeThread()->worker(), &lc::ModelWorker::exported);
        session.exportPruned(out, {});
        QVERIFY(waitIdle(session));
        QCOMPARE(exported.count(), 1);
        QVERIFY(QFile::exists(out + "/model.safetensors") && QFile::exists(out + "/layercut.json"));
        QFile config(out + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QVERIFY(config.readAll().contains("\"num_hidden_layers\": 4"));
        // Restoring runs every layer again.
        window.restoreAllLayers();
        QVERIFY(waitIdle(session));
        QVERIFY(!session.plan().prunesAnything());
        QVERIFY(strip->dropped().empty());
    }

    void healsAndExports()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        session.setDistancesCacheDir(m_cache->path());
        window.show();
        QVERIFY(openAndDrop(app));
        QTemporaryDir out;
        QSignalSpy started(session.computeThread()->worker(), &lc::ModelWorker::healingStarted);
        QSignalSpy healed(session.computeThread()->worker(), &lc::ModelWorker::healed);
        QSignalSpy failed(session.computeThread()->worker(), &lc::ModelWorker::failed);
        session.heal(tinyHealing(out.path()));
        QVERIFY(session.isBusy());
        QCOMPARE(window.analysisTabs()->currentWidget(), window.analysisTabs()->lossChart());  // the Healing tab
        QVERIFY(!window.healingPanel()->isFieldEnabled("rank"));                               // locked while running
        QVERIFY(waitIdle(session, 300000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(started.count(), 1);
        QVERIFY(started.first().at(1).toLongLong() > 0);  // trainable parameters
        QCOMPARE(healed.count(), 1);
        const auto result = healed.first().at(0).value<lc::HealingResult>();
        QVERIFY(!result.cancelled);
        // The chart saw every step and the validations at steps 4 and 8.
        QCOMPARE(window.analysisTabs()->lossChart()->trainingPointCount(), 8);
        QVERIFY(window.analysisTabs()->lossChart()->validationPointCount() >= 2);
        QVERIFY2(window.analysisTabs()->lossChart()->statsText().contains("Step 8 of 8"),
                 qPrintable(window.analysisTabs()->lossChart()->statsText()));
        QVERIFY(!window.analysisTabs()->lossChart()->statsText().contains("GPU"));  // the CPU reports no memory
        QVERIFY(session.isHealed());
        QVERIFY(window.healingPanel()->isFieldEnabled("rank"));
        // The output folder has the PEFT adapter and the curves.
        QVERIFY(QFile::exists(out.filePath("adapter_config.json")));
        QVERIFY(QFile::exists(out.filePath("loss.csv")));
        // The merged model exports as a folder transformers loads: 4 layers left.
        QTemporaryDir exportDir;
        const QString target = exportDir.filePath("llama3-healed");
        QSignalSpy exported(session.computeThread()->worker(), &lc::ModelWorker::exported);
        session.exportHealed(target, {});
        QVERIFY(waitIdle(session));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(exported.count(), 1);
        QFile config(target + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QVERIFY(config.readAll().contains("\"num_hidden_layers\": 4"));
    }

    void pausesAndCancelsHealing()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        session.setDistancesCacheDir(m_cache->path());
        window.show();
        QVERIFY(openAndDrop(app));
        lc::HealingConfig config = tinyHealing();  // no output folder: nothing written
        config.steps = 500;
        config.evalEvery = 0;
        QSignalSpy healed(session.computeThread()->worker(), &lc::ModelWorker::healed);
        session.heal(config);
        QVERIFY(QTest::qWaitFor([&] { return window.analysisTabs()->lossChart()->trainingPointCount() >= 2; }, 120000));
        // Paused: at most the step in flight finishes, then no more come, and the compute thread stays busy.
        session.setPaused(true);
        QVERIFY(session.isPaused());
        const int requested = window.analysisTabs()->lossChart()->trainingPointCount();
        (void)QTest::qWaitFor([&] { return window.analysisTabs()->lossChart()->trainingPointCount() > requested; },
                              3000);
        const int atPause = window.analysisTabs()->lossChart()->trainingPointCount();
        QVERIFY(atPause <= requested + 1);
        QTest::qWait(1000);
        QCOMPARE(window.analysisTabs()->lossChart()->trainingPointCount(), atPause);
        QVERIFY(session.isBusy());
        QVERIFY(window.analysisTabs()->lossChart()->statsText().contains("paused"));
        // Resumed, it goes on; Cancel ends it with what it learnt.
        session.setPaused(false);
        QVERIFY(
            QTest::qWaitFor([&] { return window.analysisTabs()->lossChart()->trainingPointCount() > atPause; }, 60000));
        session.cancel();
        QVERIFY(waitIdle(session, 120000));
        QCOMPARE(healed.count(), 1);
        QVERIFY(healed.first().at(0).value<lc::HealingResult>().cancelled);
        QVERIFY(window.analysisTabs()->lossChart()->trainingPointCount() < 500);
        QVERIFY(session.isHealed());
        QVERIFY(!session.isPaused());
    }

    void evaluatesAndSweeps()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        session.setDistancesCacheDir(m_cache->path());
        window.show();
        QVERIFY(openAndDrop(app));
        EvaluationPanel *panel = window.evaluationPanel();
        panel->setMmlu(LAYERCUT_FIXTURES_DIR "/data/mmlu");
        panel->setBoolq(LAYERCUT_FIXTURES_DIR "/data/boolq_tiny.jsonl");
        panel->setValidationData(LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt");
        panel->setShots(1);
        panel->setLimit(0);
        // GSM8K's examples are the file's first two rows; three problems are solved, in 8 tokens at most.
        panel->setGsm8k(LAYERCUT_FIXTURES_DIR "/data/gsm8k_tiny.jsonl", QString());
        panel->setGsm8kShots(2);
        panel->setMaxNewTokens(8);

        // One evaluation of the pruned model: a row per subject, per category, overall and BoolQ.
        QSignalSpy evaluated(session.computeThread()->worker(), &lc::ModelWorker::evaluated);
        window.evaluateModel();
        QVERIFY(session.isBusy());
        QVERIFY(waitIdle(session));
        QCOMPARE(evaluated.count(), 1);
        const auto result = evaluated.first().at(0).value<lc::EvalResult>();
        QVERIFY(result.mmlu && result.boolq && result.gsm8k && result.loss);
        QCOMPARE(result.gsm8k->strict.total, int64_t(3));
        QCOMPARE(result.gsm8k->shots, int64_t(2));
        EvaluationTable *table = window.analysisTabs()->evaluationTable();
        QCOMPARE(window.analysisTabs()->currentWidget(), table);
        const int subjects = static_cast<int>(result.mmlu->subjects.size());
        QCOMPARE(subjects, 2);
        QCOMPARE(table->table()->rowCount(), 1 + static_cast<int>(result.mmlu->categories.size()) + subjects + 1 + 2);
        const int anatomy = table->rowOf("anatomy");
        QVERIFY(anatomy >= 0);
        const lc::Tally &tally = result.mmlu->subjects.at("anatomy");
        QCOMPARE(table->table()->item(anatomy, EvaluationTable::QuestionsColumn)->text(), QString::number(tally.total));
        QCOMPARE(table->table()->item(anatomy, EvaluationTable::CategoryColumn)->text(),
                 EvaluationTable::categoryText(QString::fromStdString(lc::mmluCategory("anatomy"))));
        QVERIFY(table->rowOf("high school us history") >= 0);
        QVERIFY(table->rowOf("BoolQ") >= 0);
        QVERIFY(table->summaryText().contains("BoolQ"));
        const int gsm8k = table->rowOf("GSM8K, strict match");
        QVERIFY(gsm8k >= 0 && table->rowOf("GSM8K, flexible extract") >= 0);
        QCOMPARE(table->table()->item(gsm8k, EvaluationTable::QuestionsColumn)->text(), QString("3"));
        QVERIFY(table->summaryText().contains("GSM8K"));
        // Sorting by questions puts the largest subject last.
        table->table()->sortByColumn(EvaluationTable::QuestionsColumn, Qt::AscendingOrder);
        QCOMPARE(table->table()->item(table->table()->rowCount() - 1, EvaluationTable::SubjectColumn)->text(),
                 QString("MMLU overall"));

        // A small sweep: two strategies at two fractions, unhealed; the model ends as it was, layers 2–3 dropped.
        QTemporaryDir dir;
        const QString file = dir.filePath("sweep.json");
        panel->setFractions("0, 0.34");
        panel->setStrategies({"deepest", "reverse"});
        panel->setHealSteps(0);
        panel->setResultFile(file);
        QSignalSpy points(session.computeThread()->worker(), &lc::ModelWorker::sweepPoint);
        QSignalSpy finished(session.computeThread()->worker(), &lc::ModelWorker::sweepFinished);
        QSignalSpy failed(session.computeThread()->worker(), &lc::ModelWorker::failed);
        window.runSweep();
        QVERIFY(session.isBusy());
        QVERIFY(waitIdle(session, 60000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(points.count(), 4);
        SweepChart *chart = window.analysisTabs()->sweepChart();
        QCOMPARE(window.analysisTabs()->currentWidget(), chart);
        QCOMPARE(chart->points().size(), size_t(4));
        // MMLU, BoolQ, GSM8K and the loss for each strategy, unhealed: two points each.
        QCOMPARE(chart->seriesCount(), 8);
        for (const lc::PruneStrategy strategy : {lc::PruneStrategy::Deepest, lc::PruneStrategy::Reverse})
            for (const auto m : {SweepChart::Measure::Mmlu, SweepChart::Measure::Boolq, SweepChart::Measure::Gsm8k,
                                 SweepChart::Measure::Loss})
                QCOMPARE(chart->graph(m, strategy, false)->dataCount(), 2);
        QVERIFY(chart->boolqMajorityLine().has_value());
        QVERIFY(QFile::exists(file));
        QCOMPARE(session.plan().dropped(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(window.analysisTabs()->layerStrip()->dropped(), (std::vector<int64_t>{2, 3}));
        QVERIFY(!session.isHealed());
        QVERIFY(!panel->status().isEmpty());
    }

    // The Per-Layer Importance box's injection probe: refused without its facts; then, from the dock, a block
    // inserted after each layer and trained with the Healing dock's settings, a green bar per layer, and the
    // model as it was.
    void runsTheInjectionProbe()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        window.show();
        QVERIFY(openAndDrop(app));
        EvaluationPanel *panel = window.evaluationPanel();
        panel->setMmlu(LAYERCUT_FIXTURES_DIR "/data/mmlu");
        panel->setValidationData(LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt");
        panel->setShots(1);
        panel->setLimit(2);
        QTemporaryDir dir;
        panel->setResultFile(dir.filePath("sweep.json"));
        lc::InjectionProbe probe;
        probe.steps = 2;
        probe.init = lc::BlockInit::Copy;
        panel->setInjectionProbe(probe);
        window.runSweep(true);
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox *>("errorBox")) != nullptr);
        QVERIFY2(box->text().contains("new facts"), qPrintable(box->text()));
        delete box;
        QVERIFY(!session.isBusy());

        probe.trainData = LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt";
        probe.mmlu = LAYERCUT_FIXTURES_DIR "/data/mmlu";
        panel->setInjectionProbe(probe);
        QCOMPARE(panel->injectionProbe().mmlu, probe.mmlu);
        lc::HealingConfig healing = window.healingPanel()->config();
        healing.sequenceLength = 32;
        healing.batchSize = 2;
        healing.microBatchSize = 2;
        healing.warmupSteps = 0;
        window.healingPanel()->setConfig(healing);
        QSignalSpy points(session.computeThread()->worker(), &lc::ModelWorker::sweepPoint);
        QSignalSpy failed(session.computeThread()->worker(), &lc::ModelWorker::failed);
        window.runSweep(true);
        QVERIFY(session.isBusy());
        QVERIFY(waitIdle(session, 120000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(points.count(), 13);  // the whole model, 6 layers dropped, 6 blocks inserted
        ImportanceChart *chart = window.analysisTabs()->importanceChart();
        QCOMPARE(window.analysisTabs()->currentWidget(), chart);
        QCOMPARE(chart->injectionBars()->dataCount(), 6);
        QCOMPARE(chart->accuracyBars()->dataCount(), 6);
        QVERIFY(panel->status().contains("Finished"));
        const auto &scan = session.sweep(true);
        QVERIFY(scan && scan->options.injection.steps == 2 && scan->result.points.size() == 13);
        QCOMPARE(session.plan().dropped(), (std::vector<int64_t>{2, 3}));
        QVERIFY(!session.isHealed());
        QVERIFY(QFile::exists(dir.filePath("sweep-importance.json")));
    }

    void dropsAnySetOfLayers()
    {
        TestApp app(m_cache->path());
        app.window.show();
        app.window.openModel(LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded");
        QVERIFY(waitIdle(app.session));
        // A click selects layer 1, Ctrl-click adds layer 4: one set, not a block.
        LayerStrip *strip = app.window.analysisTabs()->layerStrip();
        QTest::mouseClick(strip, Qt::LeftButton, Qt::NoModifier, strip->layerCenter(1));
        QTest::mouseClick(strip, Qt::LeftButton, Qt::ControlModifier, strip->layerCenter(4));
        QCOMPARE(app.session.selection(), (std::vector<int64_t>{1, 4}));
        QVERIFY(app.window.action("dropAction")->isEnabled());
        app.window.action("dropAction")->trigger();
        QVERIFY(waitIdle(app.session));
        QCOMPARE(app.session.plan().dropped(), (std::vector<int64_t>{1, 4}));
        QCOMPARE(strip->dropped(), (std::vector<int64_t>{1, 4}));
        QVERIFY(app.window.action("restoreAction")->isEnabled());
        QVERIFY(app.window.action("exportModelAction")->isEnabled());
        QVERIFY(app.window.action("mergekitAction")->isEnabled());

        // The GUI's work as a script: the export of these layers as its layercut-cli command…
        QVERIFY(app.window.action("copyCommandMenu")->isEnabled());
        app.window.action("copyExportCommand")->trigger();
        const QString prune = QGuiApplication::clipboard()->text();
        QVERIFY2(prune.startsWith("layercut-cli prune ") && prune.contains("llama3_gqa_sharded") &&
                     prune.contains("--layers 1,4"),
                 qPrintable(prune));
        // …a job whose dock lacks its data is refused with the dock's reason, the clipboard left alone…
        app.window.action("copyDistancesCommand")->trigger();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = app.window.findChild<QMessageBox *>("errorBox")) != nullptr);
        QVERIFY2(box->text().contains("dataset"), qPrintable(box->text()));
        delete box;
        QCOMPARE(QGuiApplication::clipboard()->text(), prune);
        // …and with the data set, the dock's sample goes into the command.
        app.window.analysisPanel()->setDataFile(LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt");
        app.window.action("copyDistancesCommand")->trigger();
        const QString distances = QGuiApplication::clipboard()->text();
        QVERIFY2(distances.startsWith("layercut-cli distances ") && distances.contains("tiny_corpus.txt"),
                 qPrintable(distances));
        // The Generate tab's prompt: the checkpoint and the pruned model, each a generate command.
        GenerationView *view = app.window.analysisTabs()->generationView();
        view->setPrompt("The city of Limgrun");
        view->setMaxNewTokens(12);
        app.window.action("copyGenerateCommand")->trigger();
        const QString generate = QGuiApplication::clipboard()->text();
        QVERIFY2(generate.startsWith("layercut-cli generate ") && generate.count("layercut-cli generate ") == 2 &&
                     generate.contains("'The city of Limgrun'") && generate.contains("--max-new-tokens 12") &&
                     generate.contains(" --layers 1,4"),
                 qPrintable(generate));
    }

    void showsLoadErrors()
    {
        TestApp app;
        MainWindow &window = app.window;
        lc::Session &session = app.session;
        session.setDistancesCacheDir(m_cache->path());
        window.show();
        QSignalSpy failed(session.computeThread()->worker(), &lc::ModelWorker::failed);
        window.openModel("/nonexistent/folder");
        QVERIFY(waitIdle(session));
        QCOMPARE(failed.count(), 1);
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox *>("errorBox")) != nullptr);
        QVERIFY(box->informativeText().contains("/nonexistent/folder"));
        box->close();
    }

private:
    QTemporaryDir m_settings;
    std::unique_ptr<QTemporaryDir> m_cache;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
