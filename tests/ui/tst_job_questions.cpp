// SPDX-License-Identifier: GPL-3.0-or-later
// What the window asks before a healing run into a folder that holds another run: nothing for an empty or
// new folder, and the answer decides whether the run may replace the earlier one.
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "jobs/job_questions.h"

class TestJobQuestions : public QObject
{
    Q_OBJECT

private slots:
    void asksOnlyWhenAnotherRunIsThere()
    {
        QTemporaryDir dir;
        lc::HealingConfig config;
        config.outputDir = (dir.path() + "/healing").toStdString();
        JobQuestions questions(nullptr);
        QStringList asked;
        bool answer = false;
        questions.setAsk([&](const QString &question) {
            asked << question;
            return answer;
        });

        // A folder that does not exist yet, then one with only files every run rewrites: nothing to ask.
        QVERIFY(questions.healingOutput(config));
        std::filesystem::create_directories(config.outputDir);
        std::ofstream(config.outputDir / "loss.csv") << "step,loss\n";
        QVERIFY(questions.healingOutput(config));
        QVERIFY(asked.isEmpty());
        QVERIFY(!config.overwriteOutput);

        // An earlier run's adapters and checkpoints: asked, naming them; No keeps the run from starting.
        std::ofstream(config.outputDir / "adapter_model.safetensors") << "x";
        std::filesystem::create_directories(config.outputDir / "checkpoints" / "step-000010");
        QVERIFY(!questions.healingOutput(config));
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked[0].contains("adapter_model.safetensors") && asked[0].contains("step-000010"),
                 qPrintable(asked[0]));
        QVERIFY(!config.overwriteOutput);

        // Yes lets it start and replace the earlier run.
        answer = true;
        QVERIFY(questions.healingOutput(config));
        QVERIFY(config.overwriteOutput);

        // Resuming from one of its checkpoints continues that run: nothing to ask.
        asked.clear();
        config.overwriteOutput = false;
        config.resumeFrom = config.outputDir / "checkpoints" / "step-000010";
        QVERIFY(questions.healingOutput(config));
        QVERIFY(asked.isEmpty());
    }
};

QTEST_MAIN(TestJobQuestions)
#include "tst_job_questions.moc"
