// SPDX-License-Identifier: GPL-3.0-or-later
// A healing run's settings: the learning-rate schedule, the automatic warmup, checks, the paper's hints.
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

class TestHealingSchedule final : public QObject
{
    Q_OBJECT

private slots:
    void schedule()
    {
        HealingConfig c;
        c.learningRate = 1.0;
        c.warmupSteps = 10;
        c.steps = 110;
        QCOMPARE(learningRateAt(c, 0), 0.0);  // transformers' first step, with warmup
        QCOMPARE(learningRateAt(c, 5), 0.5);
        QCOMPARE(learningRateAt(c, 10), 1.0);
        QVERIFY(std::abs(learningRateAt(c, 60) - 0.5) < 1e-12);  // halfway through the cosine
        QVERIFY(learningRateAt(c, 109) < 1e-3);
        c.schedule = LrSchedule::Constant;
        QCOMPARE(learningRateAt(c, 100), 1.0);
    }

    void automaticWarmup()
    {
        // Unset, the warmup is the paper's proportion: 100 of 5000 steps, 2%, at least 1 step.
        HealingConfig c;
        QVERIFY(!c.warmupSteps.has_value());
        QCOMPARE(c.effectiveWarmupSteps(), int64_t(100));
        c.steps = 40;
        QCOMPARE(c.effectiveWarmupSteps(), int64_t(1));  // 0.8, at least 1
        c.steps = 100;
        QCOMPARE(c.effectiveWarmupSteps(), int64_t(2));
        c.steps = 1000;
        QCOMPARE(c.effectiveWarmupSteps(), int64_t(20));
        c.steps = 1;
        QCOMPARE(c.effectiveWarmupSteps(), int64_t(0));  // a single step trains: the warmup is shorter than the run
        c.steps = 40;
        c.learningRate = 1.0;
        QCOMPARE(learningRateAt(c, 0), 0.0);
        QCOMPARE(learningRateAt(c, 1), 1.0);  // the peak at the second step: a 40-step heal trains
        // An explicit warmup is used as given.
        c.warmupSteps = 0;
        QCOMPARE(c.effectiveWarmupSteps(), int64_t(0));
        QCOMPARE(learningRateAt(c, 0), 1.0);
        c.warmupSteps = 10;
        QCOMPARE(learningRateAt(c, 5), 0.5);
    }

    void warmupMustBeShorterThanTheRun()
    {
        HealingConfig c = tinyConfig(40);
        c.warmupSteps = 39;
        c.validate();
        c.warmupSteps = 100;
        try {
            c.validate();
            QFAIL("a warmup of 100 steps in a run of 40 was accepted");
        } catch (const Error &e) {
            const std::string what = e.what();
            // It names the setting, both numbers and the way out.
            QVERIFY2(what.find("warmup of 100 steps") != std::string::npos &&
                         what.find("run of 40 steps") != std::string::npos &&
                         what.find("2% of the steps (1 here)") != std::string::npos,
                     e.what());
        }
        c.warmupSteps = 40;
        QVERIFY_THROWS_EXCEPTION(Error, c.validate());
        c.warmupSteps = -1;
        QVERIFY_THROWS_EXCEPTION(Error, c.validate());
        // healModel checks before it changes anything.
        auto session = loadPruned();
        c.warmupSteps = 100;
        QVERIFY_THROWS_EXCEPTION(Error, healModel(*session, c));
        QVERIFY(!isHealed(*session));
    }

    void settingsAreChecked_data()
    {
        QTest::addColumn<QString>("what");
        QTest::newRow("batch") << "batch";
        QTest::newRow("rank") << "rank";
        QTest::newRow("target") << "target";
        QTest::newRow("dropout") << "dropout";
    }

    void settingsAreChecked()
    {
        QFETCH(QString, what);
        HealingConfig c = tinyConfig(2);
        if (what == "batch")
            c.microBatchSize = 3;
        else if (what == "rank")
            c.rank = 0;
        else if (what == "target")
            c.targetModules = {"ffn_proj"};
        else
            c.dropout = 1.0;
        QVERIFY_THROWS_EXCEPTION(Error, c.validate());
    }

    void paperHints()
    {
        ModelConfig llama2;
        llama2.family = ModelFamily::Llama;
        llama2.vocabSize = 32000, llama2.numLayers = 32, llama2.hiddenSize = 4096;
        QCOMPARE(paperHealingHint(llama2)->rank.value(), 2);
        ModelConfig mistral = llama2;
        mistral.family = ModelFamily::Mistral;
        QCOMPARE(paperHealingHint(mistral)->learningRate.value(), 3e-6);
        QVERIFY(!paperHealingHint(ModelConfig{}).has_value());
    }
};

QTEST_APPLESS_MAIN(TestHealingSchedule)
#include "tst_healing_schedule.moc"
