// SPDX-License-Identifier: GPL-3.0-or-later
// The sweep chart and the importance chart on their own: streamed points build one series per benchmark,
// strategy and healing, the baselines, the exports (images and data); the importance bars per layer.
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include "plots/chart_exporter.h"
#include "plots/importance_chart.h"
#include "plots/sweep_chart.h"
#include "widget_screenshot.h"

namespace {

lc::SweepPoint makePoint(const std::string &strategy, double fraction, bool healed, std::optional<double> mmlu,
                         std::optional<double> boolq, std::optional<double> loss, std::vector<int64_t> dropped = {})
{
    lc::SweepPoint p;
    p.strategy = lc::parseStrategy(strategy);
    p.fraction = fraction;
    p.healed = healed;
    p.mmlu = mmlu;
    p.boolq = boolq;
    p.loss = loss;
    if (loss)
        p.normalizedLoss = *loss / 10.0;
    p.dropped = std::move(dropped);
    return p;
}

/** Layers first .. first + count − 1. */
std::vector<int64_t> layers(int64_t first, int64_t count)
{
    std::vector<int64_t> out;
    for (int64_t i = first; i < first + count; ++i)
        out.push_back(i);
    return out;
}

}  // namespace

class TestSweepChart final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    // QCustomPlot complains (qDebug, which failOnWarning does not see) about a legend rebuilt carelessly:
    // "Attempt to take invalid index". None of that in any test.
    void init()
    {
        s_complaints.clear();
        s_previousHandler =
            qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &context, const QString &text) {
                if (text.contains(QLatin1String("invalid index")))
                    s_complaints << text;
                s_previousHandler(type, context, text);
            });
    }
    void cleanup()
    {
        qInstallMessageHandler(s_previousHandler);
        QVERIFY2(s_complaints.isEmpty(), qPrintable(s_complaints.join(QLatin1Char('\n'))));
    }

    void buildsSeriesFromPoints()
    {
        SweepChart chart;
        chart.resize(900, 600);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.reset(12);
        QCOMPARE(chart.seriesCount(), 0);
        // Streamed out of order: each series is sorted by the fraction. Half of 12 layers: 6 dropped.
        chart.addPoint(makePoint("deepest", 0.5, false, 0.30, 0.55, 6.0, layers(5, 6)));
        chart.addPoint(makePoint("deepest", 0.0, false, 0.60, 0.80, 2.0));
        chart.addPoint(makePoint("reverse", 0.5, false, 0.25, std::nullopt, 8.0, layers(6, 6)));
        chart.addPoint(makePoint("deepest", 0.5, true, 0.40, 0.70, 3.0, layers(5, 6)));
        // MMLU, BoolQ and loss for deepest unhealed and healed; MMLU and loss for reverse.
        QCOMPARE(chart.seriesCount(), 8);
        QCPGraph *mmlu = chart.graph(SweepChart::Measure::Mmlu, lc::PruneStrategy::Deepest, false);
        QVERIFY(mmlu);
        QCOMPARE(mmlu->dataCount(), 2);
        QCOMPARE(mmlu->data()->at(0)->key, 0.0);
        QCOMPARE(mmlu->data()->at(0)->value, 60.0);
        QCOMPARE(mmlu->data()->at(1)->key, 50.0);
        QCOMPARE(mmlu->keyAxis()->axisRect(), chart.accuracyRect());
        QCOMPARE(mmlu->pen().style(), Qt::SolidLine);
        QCOMPARE(chart.graph(SweepChart::Measure::Boolq, lc::PruneStrategy::Deepest, false)->pen().style(),
                 Qt::DashLine);
        QVERIFY(chart.graph(SweepChart::Measure::Mmlu, lc::PruneStrategy::Deepest, true)->pen().color() ==
                mmlu->pen().color());
        QVERIFY(chart.graph(SweepChart::Measure::Mmlu, lc::PruneStrategy::Reverse, false)->pen().color() !=
                mmlu->pen().color());
        QVERIFY(!chart.graph(SweepChart::Measure::Boolq, lc::PruneStrategy::Reverse, false));
        QCPGraph *loss = chart.graph(SweepChart::Measure::Loss, lc::PruneStrategy::Deepest, false);
        QCOMPARE(loss->keyAxis()->axisRect(), chart.lossRect());
        QCOMPARE(loss->data()->at(1)->value, 0.6);  // normalised by ln V
        // A point measured again replaces the old one.
        chart.addPoint(makePoint("deepest", 0.5, false, 0.35, 0.55, 6.0, layers(5, 6)));
        QCOMPARE(mmlu->dataCount(), 2);
        QCOMPARE(mmlu->data()->at(1)->value, 35.0);
        QCOMPARE(chart.points().size(), size_t(4));
        // Importance-scan points go elsewhere.
        chart.addPoint(makePoint("single", 1.0 / 12, false, 0.5, 0.5, 2.5, {3}));
        QCOMPARE(chart.points().size(), size_t(4));
        chart.reset(12);
        QCOMPARE(chart.seriesCount(), 0);
        QVERIFY(chart.points().empty());
    }

    void measuresAndHealingTellApartWithoutColour()
    {
        // MMLU and BoolQ of one strategy differ by their line, not only by a marker; healed and not healed by
        // marker fill and weight; all of it in greyscale too. Strategies differ by colour.
        SweepChart chart;
        chart.resize(900, 640);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.reset(12);
        for (const bool healed : {false, true})
            for (const std::string strategy : {"similarity", "deepest"}) {
                const double h = healed ? 0.05 : 0.0, s = strategy == "deepest" ? -0.04 : 0.0;
                chart.addPoint(makePoint(strategy, 0.0, healed, 0.62, 0.78, 2.0));
                chart.addPoint(
                    makePoint(strategy, 0.25, healed, 0.55 + h + s, 0.70 + h + s, 2.6 - 2 * h, layers(6, 3)));
                chart.addPoint(makePoint(strategy, 0.5, healed, 0.38 + h + s, 0.60 + h + s, 3.6 - 4 * h, layers(5, 6)));
            }
        chart.setBoolqMajority(0.62);
        chart.plot()->replot();
        saveScreenshot(&chart, QStringLiteral("sweep_chart"));
        using M = SweepChart::Measure;
        for (const lc::PruneStrategy strategy : {lc::PruneStrategy::Similarity, lc::PruneStrategy::Deepest})
            for (const bool healed : {false, true}) {
                QCPGraph *mmlu = chart.graph(M::Mmlu, strategy, healed),
                         *boolq = chart.graph(M::Boolq, strategy, healed);
                QVERIFY(mmlu && boolq);
                QVERIFY(mmlu->pen().style() != boolq->pen().style());
                QVERIFY(mmlu->scatterStyle().shape() != boolq->scatterStyle().shape());
                QCOMPARE(mmlu->pen().color(), boolq->pen().color());
                // Healed: filled markers, a heavier line; not healed: hollow markers.
                QCPGraph *other = chart.graph(M::Mmlu, strategy, !healed);
                QCOMPARE(other->pen().style(), mmlu->pen().style());
                QVERIFY(other->pen().widthF() != mmlu->pen().widthF());
                QVERIFY(other->scatterStyle().brush() != mmlu->scatterStyle().brush());
                QCOMPARE(mmlu->scatterStyle().brush().color() == mmlu->pen().color(), healed);
            }
        QVERIFY(chart.graph(M::Mmlu, lc::PruneStrategy::Similarity, false)->pen().color() !=
                chart.graph(M::Mmlu, lc::PruneStrategy::Deepest, false)->pen().color());
        // The baselines are thin, each with a line style no series uses.
        for (const QString &name :
             {QStringLiteral("MMLU chance (25%)"), QStringLiteral("BoolQ majority class (62.0%)")}) {
            QCPGraph *line = chart.legendGraph(name);
            QVERIFY2(line, qPrintable(name));
            QVERIFY(line->pen().style() != Qt::SolidLine && line->pen().style() != Qt::DashLine);
            QVERIFY(line->pen().widthF() < chart.graph(M::Mmlu, lc::PruneStrategy::Deepest, false)->pen().widthF());
        }
        // The legend is a key: which line is which benchmark, which colour which strategy, which marker healed.
        const QStringList legend = chart.legendTexts();
        for (const QString &entry :
             {QStringLiteral("MMLU"), QStringLiteral("BoolQ"), SweepChart::strategyText(lc::PruneStrategy::Similarity),
              SweepChart::strategyText(lc::PruneStrategy::Deepest), QStringLiteral("healed"),
              QStringLiteral("not healed"), QStringLiteral("MMLU chance (25%)")})
            QVERIFY2(legend.contains(entry), qPrintable(entry + ": " + legend.join(" | ")));
        QVERIFY(legend.indexOf("MMLU") < legend.indexOf(SweepChart::strategyText(lc::PruneStrategy::Similarity)));
        QCOMPARE(chart.legendGraph("MMLU")->pen().style(),
                 chart.graph(M::Mmlu, lc::PruneStrategy::Deepest, true)->pen().style());
        QCOMPARE(chart.legendGraph("BoolQ")->pen().style(),
                 chart.graph(M::Boolq, lc::PruneStrategy::Deepest, true)->pen().style());
        QCOMPARE(chart.legendGraph(SweepChart::strategyText(lc::PruneStrategy::Deepest))->pen().color(),
                 chart.graph(M::Boolq, lc::PruneStrategy::Deepest, true)->pen().color());
        QCOMPARE(chart.legendGraph("not healed")->scatterStyle().brush(),
                 chart.graph(M::Mmlu, lc::PruneStrategy::Deepest, false)->scatterStyle().brush());
        // The strategies' colours differ in luminance as well, so they stay apart in greyscale print.
        chart.addPoint(makePoint("reverse", 0.25, false, 0.45, 0.65, 2.8, layers(9, 3)));
        const auto grey = [&](const char *strategy) {
            return qGray(chart.graph(M::Mmlu, lc::parseStrategy(strategy), false)->pen().color().rgb());
        };
        QVERIFY(std::abs(grey("similarity") - grey("reverse")) > 30);
        QVERIFY(std::abs(grey("reverse") - grey("deepest")) > 30);
        QVERIFY(std::abs(grey("similarity") - grey("deepest")) > 30);
        // Only what is drawn is named: no BoolQ without BoolQ points, no "healed" without healed ones.
        SweepChart few;
        few.reset(12);
        few.addPoint(makePoint("reverse", 0.0, false, 0.6, std::nullopt, 2.0));
        QVERIFY(few.legendTexts().contains("MMLU"));
        QVERIFY(!few.legendTexts().contains("BoolQ"));
        QVERIFY(!few.legendTexts().contains("healed"));
        QVERIFY(few.legendTexts().contains("not healed"));
        few.reset(12);
        QVERIFY(!few.legendTexts().contains("MMLU"));
        QVERIFY(few.legendTexts().contains("MMLU chance (25%)"));
        // The legend sits under the charts, never over a series.
        chart.plot()->replot();
        QVERIFY(!chart.plot()->legend->outerRect().intersects(chart.accuracyRect()->rect()));
        QVERIFY(!chart.plot()->legend->outerRect().intersects(chart.lossRect()->rect()));
    }

    // GSM8K (strict match) is the third benchmark: its own line style and marker, the strategy's colour, a key
    // entry of its own, and its columns in the CSV.
    void gsm8kIsTheThirdBenchmark()
    {
        SweepChart chart;
        chart.resize(900, 640);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.reset(16);
        const double gsm8k[] = {0.92, 0.81, 0.35, 0.04}, mmlu[] = {0.78, 0.74, 0.62, 0.41};
        for (int i = 0; i < 4; ++i) {
            lc::SweepPoint p =
                makePoint("reverse", 0.125 * i, false, mmlu[i], 0.9 - 0.1 * i, 0.5 + i, layers(16 - 2 * i, 2 * i));
            p.gsm8k = gsm8k[i];
            p.gsm8kFlexible = gsm8k[i] + 0.02;
            chart.addPoint(p);
        }
        chart.plot()->replot();
        saveScreenshot(&chart, QStringLiteral("sweep_chart_gsm8k"));
        using M = SweepChart::Measure;
        QCPGraph *line = chart.graph(M::Gsm8k, lc::PruneStrategy::Reverse, false);
        QVERIFY(line);
        QCOMPARE(line->dataCount(), 4);
        QCOMPARE(line->data()->at(2)->key, 25.0);
        QCOMPARE(line->data()->at(2)->value, 35.0);  // the strict match, in percent
        QCOMPARE(line->keyAxis()->axisRect(), chart.accuracyRect());
        QCPGraph *mmluLine = chart.graph(M::Mmlu, lc::PruneStrategy::Reverse, false);
        QCPGraph *boolqLine = chart.graph(M::Boolq, lc::PruneStrategy::Reverse, false);
        QCOMPARE(line->pen().color(), mmluLine->pen().color());
        for (QCPGraph *other : {mmluLine, boolqLine}) {
            QVERIFY(line->pen().style() != other->pen().style());
            QVERIFY(line->scatterStyle().shape() != other->scatterStyle().shape());
        }
        QVERIFY(chart.accuracyRect()->axis(QCPAxis::atLeft)->range().contains(4));
        const QStringList legend = chart.legendTexts();
        QVERIFY2(legend.contains("GSM8K"), qPrintable(legend.join(" | ")));
        QCOMPARE(legend.indexOf("GSM8K"), legend.indexOf("BoolQ") + 1);
        QCOMPARE(chart.legendGraph("GSM8K")->pen().style(), line->pen().style());
        const std::string csv = chart.csv();
        QVERIFY2(csv.find("reverse,0.25,4,12 13 14 15,false,0.62,0.7,0.35,0.37,2.5,0.25\n") != std::string::npos,
                 csv.c_str());
        const lc::SweepResult back =
            lc::sweepFromJson(nlohmann::json::parse(lc::sweepToJson(chart.result(), {}).dump()), "test");
        QCOMPARE(back.points[3].gsm8k.value(), 0.04);
        QCOMPARE(back.points[3].gsm8kFlexible.value(), 0.06);
        // Without GSM8K points, no GSM8K key.
        chart.reset(16);
        chart.addPoint(makePoint("reverse", 0.0, false, 0.6, 0.8, 2.0));
        QVERIFY(!chart.legendTexts().contains("GSM8K"));
    }

    void keysCountTheLayersDropped()
    {
        // A tenth of 16 layers drops 2 of them: the point sits at 2/16 = 12.5 %, not at the 10 % asked for.
        SweepChart chart;
        chart.reset(16);
        chart.addPoint(makePoint("similarity", 0.1, false, 0.5, 0.6, 2.0, {7, 8}));
        chart.addPoint(makePoint("similarity", 0.0, false, 0.6, 0.7, 1.5));
        using M = SweepChart::Measure;
        for (const M m : {M::Mmlu, M::Boolq, M::Loss}) {
            QCPGraph *g = chart.graph(m, lc::PruneStrategy::Similarity, false);
            QVERIFY(g);
            QCOMPARE(g->dataCount(), 2);
            QCOMPARE(g->data()->at(0)->key, 0.0);
            QCOMPARE(g->data()->at(1)->key, 12.5);
        }
        QVERIFY(chart.accuracyRect()->axis(QCPAxis::atBottom)->range().contains(12.5));
        // A finished sweep read back (a project, a resumed run) is placed the same way.
        lc::SweepResult r;
        r.layers = 16;
        r.points.push_back(makePoint("deepest", 0.1, true, 0.55, std::nullopt, 1.8, {13, 14}));
        SweepChart restored;
        restored.setResult(r);
        QCOMPARE(restored.graph(SweepChart::Measure::Mmlu, lc::PruneStrategy::Deepest, true)->data()->at(0)->key, 12.5);
    }

    void drawsBaselines()
    {
        SweepChart chart;
        QCOMPARE(chart.mmluChanceLine(), std::optional<double>(0.25));
        QVERIFY(!chart.boolqMajorityLine());
        lc::SweepResult r;
        r.layers = 6;
        r.boolqMajority = 0.62;
        r.points.push_back(makePoint("similarity", 0.0, false, 0.5, 0.7, 2.0));
        chart.setResult(r);
        QCOMPARE(chart.boolqMajorityLine(), std::optional<double>(0.62));
        QCOMPARE(chart.seriesCount(), 3);
        // The accuracy axis shows both lines.
        const QCPRange y = chart.accuracyRect()->axis(QCPAxis::atLeft)->range();
        QVERIFY(y.contains(25) && y.contains(62) && y.contains(70));
        QCOMPARE(chart.result().boolqMajority, std::optional<double>(0.62));
    }

    void exports()
    {
        SweepChart chart;
        chart.resize(900, 600);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.addPoint(makePoint("similarity", 0.0, false, 0.5, 0.7, 2.0));
        chart.addPoint(makePoint("similarity", 0.25, false, 0.4, 0.6, 3.0, {2, 3, 4}));
        QTemporaryDir dir;
        for (const char *ext : {"png", "svg", "pdf"}) {
            const QString path = dir.filePath(QStringLiteral("sweep.%1").arg(QLatin1String(ext)));
            chart_exporter::saveImage(chart.plot(), path);
            QVERIFY2(QFileInfo(path).size() > 1000, qPrintable(path));
        }
        const std::string csv = chart.csv();
        QVERIFY(csv.starts_with("strategy,fraction,layers_dropped,dropped_layers,healed,mmlu,boolq,gsm8k,"
                                "gsm8k_flexible,loss,normalized_loss\n"));
        QVERIFY(csv.find("similarity,0.25,3,2 3 4,false,0.4,0.6,,,3,0.3\n") != std::string::npos);
        lc::SweepOptions options;
        options.fractions = {0, 0.25};
        const std::string json = lc::sweepToJson(chart.result(), options).dump();
        const lc::SweepResult back = lc::sweepFromJson(nlohmann::json::parse(json), "test");
        QCOMPARE(back.points.size(), size_t(2));
        QCOMPARE(back.points[1].dropped, (std::vector<int64_t>{2, 3, 4}));
    }

    void importanceBars()
    {
        ImportanceChart chart;
        chart.reset(4);
        chart.addPoint(makePoint("single", 0.25, false, 0.5, std::nullopt, 2.5, {1}));
        QCOMPARE(chart.lossBars()->dataCount(), 0);  // no reference yet
        chart.addPoint(makePoint("single", 0.0, false, 0.6, std::nullopt, 2.0));
        chart.addPoint(makePoint("single", 0.25, false, 0.55, std::nullopt, 2.25, {3}));
        QCOMPARE(chart.lossBars()->dataCount(), 2);
        const auto increase = chart.lossIncrease();
        QCOMPARE(increase.size(), size_t(4));
        QCOMPARE(*increase[1], 0.5);
        QCOMPARE(*increase[3], 0.25);
        QVERIFY(!increase[0]);
        QCOMPARE(chart.accuracyBars()->dataCount(), 2);
        QVERIFY(qAbs(*chart.accuracyDrop()[1] - 0.1) < 1e-12);
        QCOMPARE(chart.result().points.size(), size_t(3));
    }

    // The injection probe's points are bars of their own (gain on the new facts over the whole model), never the
    // whole model, kept by the chart's result and in its CSV.
    void importanceBarsOfTheInjectionProbe()
    {
        ImportanceChart chart;
        chart.reset(3);
        lc::SweepPoint whole = makePoint("single", 0.0, false, 0.6, std::nullopt, 2.0);
        whole.injectedMmlu = 0.25;
        chart.addPoint(whole);
        chart.addPoint(makePoint("single", 1.0 / 3, false, 0.5, std::nullopt, 2.5, {1}));
        lc::SweepPoint inserted = makePoint("single", 0.0, false, 0.5, std::nullopt, 2.25);
        inserted.insertedAfter = 1;
        inserted.injectedMmlu = 0.5;
        chart.addPoint(inserted);
        QCOMPARE(*chart.lossIncrease()[1], 0.5);  // the reference is still the whole model
        QCOMPARE(chart.injectionBars()->dataCount(), 1);
        QCOMPARE(*chart.injectionGain()[1], 0.25);
        QVERIFY(!chart.injectionGain()[0]);
        inserted.injectedMmlu = 0.75;  // the same layer again (a resumed scan) replaces it
        chart.addPoint(inserted);
        QCOMPARE(chart.injectionBars()->dataCount(), 1);
        QCOMPARE(*chart.injectionGain()[1], 0.5);
        QVERIFY(chart.injectionBars()->visible() && chart.plot()->yAxis2->visible());
        const lc::SweepResult r = chart.result();
        QCOMPARE(r.points.size(), size_t(3));
        const std::string csv = SweepChart::csvOf(r);
        QVERIFY2(csv.find("normalized_loss,inserted_after,injected_mmlu,injected_boolq\n") != std::string::npos,
                 csv.c_str());
        QVERIFY2(csv.find("single,0,0,,false,0.5,,,,2.25,0.225,1,0.75,\n") != std::string::npos, csv.c_str());
        QVERIFY2(csv.find("single,0,0,,false,0.6,,,,2,0.2,,0.25,\n") != std::string::npos, csv.c_str());
        // Without the probe the table is the sweep's.
        chart.reset(3);
        chart.addPoint(makePoint("single", 0.0, false, 0.6, std::nullopt, 2.0));
        QVERIFY(SweepChart::csvOf(chart.result()).find("inserted_after") == std::string::npos);
        QVERIFY(!chart.injectionBars()->visible());
    }

private:
    static inline QStringList s_complaints;
    static inline QtMessageHandler s_previousHandler = nullptr;
};

QTEST_MAIN(TestSweepChart)
#include "tst_sweep_chart.moc"
