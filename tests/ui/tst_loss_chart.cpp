// SPDX-License-Identifier: GPL-3.0-or-later
// The healing loss chart on its own: TensorBoard's debiased smoothing, the incremental curve matching the
// batch one, the log-scale switch, the statistics line, a resumed run's history, and the exports.
#include <cmath>

#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include "plots/chart_exporter.h"
#include "plots/loss_chart.h"

namespace {

lc::HealingStep makeStep(int64_t step, int64_t total, double loss, double seconds, int64_t memory = 0)
{
    lc::HealingStep s;
    s.step = step;
    s.totalSteps = total;
    s.trainLoss = loss;
    s.learningRate = 3e-4;
    s.tokens = step * 64;
    s.seconds = seconds;
    s.tokensPerSecond = seconds > 0 ? s.tokens / seconds : 0;
    s.memoryBytes = memory;
    s.peakMemoryBytes = memory * 2;
    return s;
}

}  // namespace

class TestLossChart final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        m_chart = std::make_unique<LossChart>();
        m_chart->resize(800, 500);
        m_chart->setSmoothing(0.6);
        m_chart->setLogScale(false);
        m_chart->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_chart.get()));
    }
    void cleanup() { m_chart.reset(); }

    void smoothing_data()
    {
        QTest::addColumn<double>("weight");
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<QList<double>>("expected");
        QTest::newRow("none") << 0.0 << QList<double>{3, 1, 2} << QList<double>{3, 1, 2};
        // Debiased: the first value is kept, then s_t = (w m_{t-1} + (1 - w) x_t) / (1 - w^t).
        QTest::newRow("half") << 0.5 << QList<double>{1, 2, 3} << QList<double>{1.0, 1.25 / 0.75, 2.125 / 0.875};
        QTest::newRow("constant") << 0.9 << QList<double>{2, 2, 2, 2} << QList<double>{2, 2, 2, 2};
    }

    void smoothing()
    {
        QFETCH(double, weight);
        QFETCH(QList<double>, values);
        QFETCH(QList<double>, expected);
        const std::vector<double> got = LossChart::smooth({values.begin(), values.end()}, weight);
        QCOMPARE(got.size(), size_t(expected.size()));
        for (size_t i = 0; i < got.size(); ++i)
            QVERIFY2(std::abs(got[i] - expected[i]) < 1e-12, qPrintable(QString::number(got[i])));
    }

    void nonFiniteValuesPassThrough()
    {
        const std::vector<double> got = LossChart::smooth({1.0, std::nan(""), 3.0}, 0.5);
        QCOMPARE(got[0], 1.0);
        QVERIFY(std::isnan(got[1]));
        QCOMPARE(got[2], (0.5 * 0.5 + 0.5 * 3.0) / 0.75);  // the NaN does not count
    }

    void incrementalCurveMatchesTheBatchOne()
    {
        m_chart->reset(10);
        const std::vector<double> losses{5.0, 4.2, 4.5, 3.9, 3.1, 3.3, 2.8};
        for (size_t i = 0; i < losses.size(); ++i)
            m_chart->addStep(makeStep(static_cast<int64_t>(i) + 1, 10, losses[i], 1.0 * (i + 1)));
        QCOMPARE(m_chart->trainingPointCount(), 7);
        auto close = [](const std::vector<double> &a, const std::vector<double> &b) {
            if (a.size() != b.size())
                return false;
            for (size_t i = 0; i < a.size(); ++i)
                if (std::abs(a[i] - b[i]) > 1e-12)
                    return false;
            return true;
        };
        QVERIFY(close(m_chart->smoothedLosses(), LossChart::smooth(losses, 0.6)));
        // Another weight redraws the whole curve, and later steps continue it.
        m_chart->setSmoothing(0.9);
        QVERIFY(close(m_chart->smoothedLosses(), LossChart::smooth(losses, 0.9)));
        m_chart->addStep(makeStep(8, 10, 2.5, 8.0));
        std::vector<double> more = losses;
        more.push_back(2.5);
        QVERIFY(close(m_chart->smoothedLosses(), LossChart::smooth(more, 0.9)));
        m_chart->setSmoothing(2.0);  // clamped
        QCOMPARE(m_chart->smoothing(), 0.99);
    }

    void logScaleToggle()
    {
        m_chart->reset(4);
        m_chart->addStep(makeStep(1, 4, 6.0, 1));
        m_chart->addStep(makeStep(2, 4, 0.5, 2));
        QCOMPARE(m_chart->plot()->yAxis->scaleType(), QCPAxis::stLinear);
        QVERIFY(m_chart->plot()->yAxis->range().contains(6.0) && m_chart->plot()->yAxis->range().contains(0.5));
        m_chart->setLogScale(true);
        QVERIFY(m_chart->logScale());
        QCOMPARE(m_chart->plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QVERIFY(m_chart->plot()->yAxis->range().lower > 0);
        QVERIFY(m_chart->plot()->yAxis->range().contains(6.0) && m_chart->plot()->yAxis->range().contains(0.5));
        QVERIFY(m_chart->plot()->yAxis->ticker().dynamicCast<QCPAxisTickerLog>());
        m_chart->setLogScale(false);
        QCOMPARE(m_chart->plot()->yAxis->scaleType(), QCPAxis::stLinear);
    }

    void statistics()
    {
        m_chart->reset(10);
        QVERIFY(m_chart->statsText().contains("10"));  // preparing a run of 10 steps
        m_chart->addStep(makeStep(5, 10, 2.0, 10.0));
        m_chart->addValidation({5, 2.25, 640});
        const QString text = m_chart->statsText();
        QVERIFY2(text.contains("Step 5 of 10"), qPrintable(text));
        QVERIFY2(text.contains("0:10 remaining"), qPrintable(text));  // 2 s a step, 5 to go
        QVERIFY2(text.contains("elapsed 0:10"), qPrintable(text));
        QVERIFY2(text.contains("32 tokens/s"), qPrintable(text));
        QVERIFY2(text.contains("validation loss 2.250"), qPrintable(text));
        QVERIFY2(!text.contains("GPU"), qPrintable(text));  // CPU: memory 0, not shown
        QVERIFY2(text.contains("learning rate 3e-4"), qPrintable(text));
        m_chart->addStep(makeStep(6, 10, 1.9, 12.0, 2'000'000'000));
        QVERIFY2(m_chart->statsText().contains("GPU memory 2.00 GB (peak 4.00 GB)"), qPrintable(m_chart->statsText()));
        m_chart->setPaused(true);
        QVERIFY(m_chart->statsText().contains("paused") && !m_chart->statsText().contains("remaining"));
        m_chart->setPaused(false);
        m_chart->setFinished(true);
        QVERIFY(!m_chart->statsText().contains("remaining"));
        m_chart->reset(3);
        QCOMPARE(m_chart->trainingPointCount(), 0);
        QCOMPARE(m_chart->validationPointCount(), 0);
        QVERIFY(m_chart->steps().empty());
    }

    void resumedHistoryContinues()
    {
        m_chart->reset(20);
        std::vector<lc::HealingStep> history;
        for (int i = 1; i <= 10; ++i)
            history.push_back(makeStep(i, 20, 4.0 - 0.1 * i, 1.0 * i));
        m_chart->setHistory(history, {{10, 3.2, 100}});
        QCOMPARE(m_chart->trainingPointCount(), 10);
        QCOMPARE(m_chart->validationPointCount(), 1);
        // The resumed run counts time from the resume: 2 steps in 4 s, 8 to go.
        m_chart->addStep(makeStep(12, 20, 2.8, 4.0));
        QCOMPARE(m_chart->trainingPointCount(), 11);
        QVERIFY2(m_chart->statsText().contains("0:16 remaining"), qPrintable(m_chart->statsText()));
        QCOMPARE(m_chart->plot()->xAxis->range().upper > 20, true);
        // The core's estimate, when the step has one, counts the validations still to come too.
        lc::HealingStep s = makeStep(13, 20, 2.7, 6.0);
        s.secondsLeft = 100.0;
        m_chart->addStep(s);
        QVERIFY2(m_chart->statsText().contains("1:40 remaining"), qPrintable(m_chart->statsText()));
    }

    void exports()
    {
        m_chart->reset(8);
        for (int i = 1; i <= 8; ++i)
            m_chart->addStep(makeStep(i, 8, 3.0 / i, i));
        m_chart->addValidation({4, 1.0, 256});
        m_chart->addValidation({8, 0.6, 512});
        m_chart->plot()->replot();
        QTemporaryDir dir;
        for (const char *name : {"loss.png", "loss.svg", "loss.pdf"}) {
            const QString path = dir.filePath(name);
            chart_exporter::saveImage(m_chart->plot(), path);
            QVERIFY2(QFileInfo(path).size() > 1000, name);
        }
        const QString csv = dir.filePath("loss.csv");
        lc::writeLossCsv(csv.toStdString(), m_chart->steps(), m_chart->validation());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 8);
        QVERIFY2(lines.first().startsWith("step,train_loss"), lines.first().constData());
    }

    void rendersTheCurves()
    {
        m_chart->reset(8);
        for (int i = 1; i <= 8; ++i)
            m_chart->addStep(makeStep(i, 8, 3.0 / i, i));
        m_chart->plot()->replot();
        const QImage image = m_chart->plot()->toPixmap().toImage();
        // The smoothed curve is drawn in a saturated blue somewhere in the axis rect.
        const QRect rect = m_chart->plot()->axisRect()->rect();
        int blue = 0;
        for (int y = rect.top(); y < rect.bottom(); y += 2)
            for (int x = rect.left(); x < rect.right(); x += 2) {
                const QColor c = image.pixelColor(x, y);
                blue += c.blue() > 150 && c.red() < 90;
            }
        QVERIFY2(blue > 20, qPrintable(QString::number(blue)));
    }

private:
    std::unique_ptr<LossChart> m_chart;
};

QTEST_MAIN(TestLossChart)
#include "tst_loss_chart.moc"
