// SPDX-License-Identifier: GPL-3.0-or-later
// The Generate tab: one prompt continued by the original, the pruned and the healed model side by side,
// each column what the core's generation gives for that model alone, streamed token by token.
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include "analysis_tabs.h"
#include "jobs/compute_thread.h"
#include "layercut/generation.h"
#include "plots/layer_strip.h"
#include "test_app.h"
#include "ui_test_support.h"
#include "widget_screenshot.h"
#include "widgets/benchmark_question_picker.h"
#include "widgets/generation_view.h"
#include "layercut/evaluation.h"
#include "layercut/gsm8k.h"

namespace {

const QString kModel = QStringLiteral(LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded");
const std::string kPrompt = "The quick brown fox";

/** What generateText gives with the fixture loaded afresh, pruned to `kept` (all layers when empty). */
std::string alone(const std::vector<int64_t> &dropped, int tokens)
{
    lc::ModelSession s;
    s.load(kModel.toStdString(), {});
    if (!dropped.empty()) {
        lc::PrunePlan plan = lc::PrunePlan::keepAll(s.info().config.numLayers);
        std::erase_if(plan.kept,
                      [&](int64_t l) { return std::find(dropped.begin(), dropped.end(), l) != dropped.end(); });
        s.applyPrunePlan(plan);
    }
    lc::GenerationOptions o;
    o.maxNewTokens = tokens;
    return lc::generateText(s, "", {kPrompt}, o).outputs[0].text;
}

}  // namespace

class TestGenerationView final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        useSettingsFolder(m_settings.path());
    }

    void sideBySide()
    {
        TestApp app;
        lc::Session &session = app.session;
        app.window.resize(1500, 900);
        app.window.show();
        app.window.openModel(kModel);
        QVERIFY(waitIdle(session));
        GenerationView *view = app.window.analysisTabs()->generationView();
        view->setPrompt(QString::fromStdString(kPrompt));
        view->setMaxNewTokens(16);
        // Nothing dropped, not healed: only the original can run.
        QCOMPARE(view->request().variants, std::vector<lc::ModelVariant>{lc::ModelVariant::Original});
        emit app.window.analysisTabs()->layerStrip()->layersSelected({2, 3});
        app.window.dropSelectedLayers();
        QVERIFY(waitIdle(session));
        QCOMPARE(view->request().variants.size(), size_t(2));
        QTemporaryDir out;
        lc::HealingConfig lora = tinyHealing(out.path());
        lora.quantization = lc::BaseQuantization::None;  // the base stays the checkpoint's weights
        session.heal(lora);
        QVERIFY(waitIdle(session, 300000));
        QVERIFY(session.isHealed());
        QCOMPARE(view->request().variants.size(), size_t(3));

        QSignalSpy steps(&session, &lc::Session::generationStep);
        QVERIFY(view->generate());
        QCOMPARE(app.window.analysisTabs()->currentWidget(), static_cast<QWidget *>(view));
        QVERIFY(waitIdle(session, 120000));
        QCOMPARE(steps.count(), 3 * 16);  // every token of every column, streamed
        // Each column is what that model gives alone; the model runs the plan and adapters it ran before.
        QCOMPARE(view->columnText(lc::ModelVariant::Original).toStdString(), alone({}, 16));
        QCOMPARE(view->columnText(lc::ModelVariant::Pruned).toStdString(), alone({2, 3}, 16));
        QVERIFY(!view->columnText(lc::ModelVariant::Healed).isEmpty());
        QCOMPARE(session.plan().dropped(), (std::vector<int64_t>{2, 3}));
        QVERIFY(session.isHealed());
        const auto last = steps.last().at(1).value<lc::GeneratedText>();
        QCOMPARE(last.pieces.size(), last.tokens.size());
        QString joined;
        for (const std::string &p : last.pieces)
            joined += QString::fromStdString(p);
        QCOMPARE(joined.toStdString(), last.text);
        // The healed column ran with the adapters: the same greedy text after 8 small steps, other probabilities.
        std::map<lc::ModelVariant, lc::GeneratedText> finals;
        for (const QList<QVariant> &step : steps)
            finals[step.at(0).value<lc::ModelVariant>()] = step.at(1).value<lc::GeneratedText>();
        QVERIFY(finals.at(lc::ModelVariant::Healed).logprobs != finals.at(lc::ModelVariant::Pruned).logprobs);
        saveScreenshot(&app.window, QStringLiteral("generation-view"));
    }

    // A benchmark question from the Evaluation dock's files, asked as the evaluation asks it: the prompt, the
    // stop strings and the new tokens go into the form, the reference answer beside the picker.
    void picksBenchmarkQuestions()
    {
        TestApp app;
        lc::Session &session = app.session;
        app.window.show();
        app.window.openModel(kModel);
        QVERIFY(waitIdle(session));
        const std::string gsm8k = LAYERCUT_FIXTURES_DIR "/data/gsm8k_tiny.jsonl";
        const std::string mmlu = LAYERCUT_FIXTURES_DIR "/data/mmlu";
        GenerationView *view = app.window.analysisTabs()->generationView();
        BenchmarkQuestionPicker *picker = view->questionPicker();
        // Nothing set in the dock: said so.
        picker->setTask(BenchmarkQuestionPicker::Task::Gsm8k);
        QVERIFY(!picker->chosen());
        QVERIFY2(picker->message().contains("Evaluation dock"), qPrintable(picker->message()));

        lc::InputPaths paths = session.inputPaths();
        paths.evaluationGsm8k = QString::fromStdString(gsm8k);
        paths.evaluationMmlu = QString::fromStdString(mmlu);
        paths.evaluationBoolq = LAYERCUT_FIXTURES_DIR "/data/boolq_tiny.jsonl";
        session.setInputPaths(paths);
        // GSM8K without an examples file: its first 5 rows are the examples, which leaves none of 5 to ask.
        QVERIFY(!picker->chosen());
        QVERIFY2(picker->message().contains("has 0 question"), qPrintable(picker->message()));
        // With the examples from a file of their own, the third problem after them, exactly as evaluated.
        paths.evaluationGsm8kTrain = QString::fromStdString(gsm8k);
        session.setInputPaths(paths);
        picker->setNumber(3);
        QTest::mouseClick(picker->findChild<QPushButton *>("useQuestionButton"), Qt::LeftButton);
        const std::vector<lc::MathProblem> p = lc::readGsm8k(gsm8k);
        QCOMPARE(view->prompt().toStdString(), lc::gsm8kFewShotPrefix(p) + lc::gsm8kQuestionText(p[2]));
        QCOMPARE(view->stopStrings(), QString("Question:, </s>, <|im_end|>, \\n\\n"));
        QCOMPARE(view->request().options.maxNewTokens, int64_t(256));
        QCOMPARE(view->request().options.stopStrings, lc::gsm8kStopStrings());
        QCOMPARE(picker->message(), QString("Reference answer: 800"));
        // MMLU: over the subjects in alphabetical order, after the subject's five dev questions.
        picker->setTask(BenchmarkQuestionPicker::Task::Mmlu);
        picker->setNumber(1);
        QVERIFY(!picker->chosen());  // the fixture's subjects have 2 dev questions, fewer than the default 5
        QVERIFY2(picker->message().contains("anatomy_dev.csv"), qPrintable(picker->message()));
        picker->setShots(2);
        const std::optional<BenchmarkPrompt> first = picker->chosen();
        QVERIFY2(first, qPrintable(picker->message()));
        const lc::MmluData data = lc::readMmlu(mmlu, 2);
        const auto &[subject, questions] = *data.test.begin();
        QCOMPARE(first->prompt.toStdString(),
                 lc::mmluFewShotPrefix(subject, data.dev.at(subject)) + lc::mmluQuestionText(questions.front()));
        QCOMPARE(first->maxNewTokens, 2);
        QVERIFY(first->reference.startsWith(QString("Reference answer: ") +
                                            QChar(static_cast<char16_t>(u'A' + questions.front().answer))));
        // BoolQ past its end: how many there are.
        picker->setTask(BenchmarkQuestionPicker::Task::Boolq);
        picker->setNumber(100000);
        QVERIFY(!picker->chosen());
        QVERIFY2(picker->message().contains(QString::number(lc::readBoolq(paths.evaluationBoolq.toStdString()).size())),
                 qPrintable(picker->message()));
        // The chosen GSM8K problem generates like any prompt.
        picker->setTask(BenchmarkQuestionPicker::Task::Gsm8k);
        picker->setNumber(3);
        QTest::mouseClick(picker->findChild<QPushButton *>("useQuestionButton"), Qt::LeftButton);
        view->setMaxNewTokens(6);
        QVERIFY(view->generate());
        QVERIFY(waitIdle(session, 120000));
        lc::ModelSession s;
        s.load(kModel.toStdString(), {});
        lc::GenerationOptions o;
        o.maxNewTokens = 6;
        o.stopStrings = lc::gsm8kStopStrings();
        QCOMPARE(view->columnText(lc::ModelVariant::Original).toStdString(),
                 lc::generateText(s, "", {view->prompt().toStdString()}, o).outputs[0].text);
    }

    void colorsFollowProbability()
    {
        lc::GeneratedText t;
        t.pieces = {"a", "<b>", "\n"};
        t.logprobs = {0.0, std::log(0.5), -30.0};
        const QString html = GenerationView::coloredHtml(t);
        QVERIFY(html.contains("&lt;b&gt;"));  // the text is escaped
        QVERIFY(html.contains("<br>"));
        QVERIFY(html.contains(QColor::fromHsl(120, 170, 205).name()));  // certain: green
        QVERIFY(html.contains(QColor::fromHsl(60, 170, 205).name()));   // even odds: yellow
        QVERIFY(html.contains(QColor::fromHsl(0, 170, 205).name()));    // unlikely: red
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestGenerationView)
#include "tst_generation_view.moc"
