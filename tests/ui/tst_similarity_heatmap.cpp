// SPDX-License-Identifier: GPL-3.0-or-later
// The heatmap and the layer strip as a user drives them: clicks, arrow keys and a drag select blocks and
// emit the selection; the undefined triangle stays blank; the legend and the colour scale sit beside the cells
// (on screen and exported), and only once there are distances; charts and data export in every format.
#include <cmath>

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include "plots/chart_exporter.h"
#include "plots/layer_strip.h"
#include "plots/similarity_heatmap.h"
#include "ui_test_support.h"
#include "widget_screenshot.h"

class TestSimilarityHeatmap final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_heatmap = std::make_unique<SimilarityHeatmap>();
        m_heatmap->resize(640, 520);
        m_heatmap->setDistances(syntheticDistances());
        m_heatmap->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_heatmap.get()));
        m_heatmap->plot()->replot();
    }
    void cleanup() { m_heatmap.reset(); }

    void clickSelectsTheBlock()
    {
        QSignalSpy spy(m_heatmap.get(), &SimilarityHeatmap::blockSelected);
        QTest::mouseClick(m_heatmap->plot(), Qt::LeftButton, {},
                          m_heatmap->plot()->mapFrom(m_heatmap.get(), m_heatmap->cellCenter(2, 3)));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.first().at(0).toInt(), 2);  // layers 2..4 dropped
        QCOMPARE(spy.first().at(1).toInt(), 4);
        QCOMPARE(m_heatmap->selectedStart(), 2);
        QCOMPARE(m_heatmap->selectedSize(), 3);
        // A click in the undefined triangle (l = 5, n = 4) selects nothing.
        QTest::mouseClick(m_heatmap->plot(), Qt::LeftButton, {},
                          m_heatmap->plot()->mapFrom(m_heatmap.get(), m_heatmap->cellCenter(5, 4)));
        QCOMPARE(spy.count(), 1);
    }

    void arrowKeysMoveTheSelection()
    {
        m_heatmap->selectBlock(1, 2);
        QSignalSpy spy(m_heatmap.get(), &SimilarityHeatmap::blockSelected);
        QTest::keyClick(m_heatmap.get(), Qt::Key_Right);
        QCOMPARE(m_heatmap->selectedStart(), 2);
        QTest::keyClick(m_heatmap.get(), Qt::Key_Up);
        QCOMPARE(m_heatmap->selectedSize(), 3);
        QTest::keyClick(m_heatmap.get(), Qt::Key_Home);  // the optimal start for n = 3
        QCOMPARE(m_heatmap->selectedStart(), 0);
        for (int i = 0; i < 10; ++i)
            QTest::keyClick(m_heatmap.get(), Qt::Key_Right);  // stops at the last valid start
        QCOMPARE(m_heatmap->selectedStart(), 3);
        QCOMPARE(spy.count(), 13);
        QCOMPARE(spy.last().at(1).toInt(), 5);
    }

    void homeFollowsTheMetricShown()
    {
        // The all-token optimum sits at the deepest start l = 6 − n; the last-token one at l = 0 (l = 3 for
        // n = 2). A user following the red curve of the all-token metric must land on that curve.
        lc::LayerDistances d = syntheticDistances();
        for (int n = 1; n <= 6; ++n)
            for (int l = 0; l + n <= 6; ++l)
                d.allTokens[static_cast<size_t>(n * 7 + l)] = 0.5 - 0.05 * n + 0.02 * (6 - n - l);
        m_heatmap->setDistances(d);
        QCPCurve *curve = nullptr;
        for (int i = 0; i < m_heatmap->plot()->plottableCount(); ++i)
            if (auto *c = qobject_cast<QCPCurve *>(m_heatmap->plot()->plottable(i)))
                curve = c;
        QVERIFY(curve);
        const auto curveStart = [curve](int n) {
            for (auto it = curve->data()->constBegin(); it != curve->data()->constEnd(); ++it)
                if (it->value == n)
                    return static_cast<int>(it->key);
            return -1;
        };
        m_heatmap->setMetric(SimilarityHeatmap::Metric::AllTokens);
        m_heatmap->selectBlock(0, 2);
        QTest::keyClick(m_heatmap.get(), Qt::Key_Home);
        QCOMPARE(m_heatmap->selectedStart(), 4);
        QCOMPARE(m_heatmap->selectedSize(), 2);
        for (int n = 1; n <= 6; ++n) {
            QCOMPARE(m_heatmap->optimalStart(n), 6 - n);
            QCOMPARE(curveStart(n), 6 - n);  // the curve drawn and the helper agree
        }
        // Row normalisation changes the colours, not the optimum.
        m_heatmap->setNormalizeRows(true);
        m_heatmap->selectBlock(0, 3);
        QTest::keyClick(m_heatmap.get(), Qt::Key_Home);
        QCOMPARE(m_heatmap->selectedStart(), 3);
        m_heatmap->setNormalizeRows(false);
        // Back to the last token: Home goes to its own optimum.
        m_heatmap->setMetric(SimilarityHeatmap::Metric::LastToken);
        m_heatmap->selectBlock(0, 2);
        QTest::keyClick(m_heatmap.get(), Qt::Key_Home);
        QCOMPARE(m_heatmap->selectedStart(), 3);
        QCOMPARE(curveStart(2), 3);
        // With nothing selected, the first arrow key starts from the best single layer of the metric shown.
        SimilarityHeatmap fresh;
        fresh.setDistances(d);
        fresh.setMetric(SimilarityHeatmap::Metric::AllTokens);
        fresh.show();
        QVERIFY(QTest::qWaitForWindowExposed(&fresh));
        QTest::keyClick(&fresh, Qt::Key_Down);
        QCOMPARE(fresh.selectedStart(), 5);
        QCOMPARE(fresh.selectedSize(), 1);
    }

    void metricAndNormalisation()
    {
        QCOMPARE(m_heatmap->value(3, 2), 0.2 + 0.03 - 0.15);
        m_heatmap->setMetric(SimilarityHeatmap::Metric::AllTokens);
        QCOMPARE(m_heatmap->value(3, 2), 0.5 - 0.1);
        m_heatmap->setMetric(SimilarityHeatmap::Metric::LastToken);
        m_heatmap->setNormalizeRows(true);
        QCOMPARE(m_heatmap->displayedValue(3, 2), 0.0);  // the row minimum
        QCOMPARE(m_heatmap->displayedValue(4, 2), 1.0);  // the row maximum
        QVERIFY(std::isnan(m_heatmap->displayedValue(5, 2)));
    }

    void stripDragSelectsARange()
    {
        LayerStrip strip;
        strip.resize(600, 50);
        strip.setLayerCount(6);
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        QSignalSpy spy(&strip, &LayerStrip::rangeSelected);
        QTest::mousePress(&strip, Qt::LeftButton, {}, strip.layerCenter(4));
        QMouseEvent move(QEvent::MouseMove, strip.layerCenter(2), strip.mapToGlobal(strip.layerCenter(2)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&strip, &move);
        QTest::mouseRelease(&strip, Qt::LeftButton, {}, strip.layerCenter(1));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.first().at(0).toInt(), 1);
        QCOMPARE(spy.first().at(1).toInt(), 4);
        QCOMPARE(strip.selectedFirst(), 1);
    }

    void rendersCellsAndBlankTriangle()
    {
        // The screenshot: defined cells are coloured, the undefined triangle shows the background.
        QTemporaryDir dir;
        const QImage image = m_heatmap->grab().toImage();
        image.save(dir.filePath("heatmap.png"));
        const QColor best = image.pixelColor(m_heatmap->cellCenter(3, 2) + QPoint(8, 8));
        const QColor worst = image.pixelColor(m_heatmap->cellCenter(0, 6) + QPoint(8, 8));
        const QColor undefined = image.pixelColor(m_heatmap->cellCenter(5, 5) + QPoint(8, 8));
        QVERIFY2(best != worst, qPrintable(best.name() + " " + worst.name()));
        QVERIFY2(best.blue() > best.green() && best.red() < 120, qPrintable(best.name()));  // viridis low end: violet
        QVERIFY2(worst.red() > 200 && worst.green() > 200, qPrintable(worst.name()));       // viridis high end: yellow
        QCOMPARE(undefined, QColor(Qt::white));
    }

    void legendAndScaleBesideTheCells()
    {
        // The legend and the colour scale have cells of their own in the layout: neither covers a heatmap cell,
        // at any size.
        QCustomPlot *plot = m_heatmap->plot();
        for (const QSize size : {QSize(640, 520), QSize(360, 300), QSize(1000, 420)}) {
            m_heatmap->resize(size);
            plot->replot();
            const QRect cells = plot->axisRect()->rect();
            QVERIFY(plot->legend->visible());
            QVERIFY(m_heatmap->scaleShown());
            QVERIFY2(!plot->legend->outerRect().intersects(cells),
                     qPrintable(QStringLiteral("%1x%2").arg(size.width()).arg(size.height())));
            QVERIFY(!m_heatmap->colorScale()->outerRect().intersects(cells));
        }
        m_heatmap->resize(640, 520);
        plot->replot();
        saveScreenshot(m_heatmap.get(), QStringLiteral("heatmap"));
        // In the exported image too: the top-left cell (l = 0, n = 6, the largest distance: yellow) is yellow up
        // to its corner, not under a legend.
        QTemporaryDir dir;
        const QString path = dir.filePath("h.png");
        chart_exporter::saveImage(plot, path);
        const QImage png(path);
        QCOMPARE(png.size(), plot->size() * 2);
        const QRect cells = plot->axisRect()->rect();
        for (const QPoint inside : {QPoint(3, 3), QPoint(20, 20), QPoint(60, 25)}) {
            const QColor c = png.pixelColor((cells.topLeft() + inside) * 2);
            QVERIFY2(c.red() > 200 && c.green() > 200 && c.blue() < 120, qPrintable(c.name()));
        }
    }

    void emptyHeatmapShowsAHintNotAScale()
    {
        SimilarityHeatmap empty;
        empty.resize(640, 520);
        empty.show();
        QVERIFY(QTest::qWaitForWindowExposed(&empty));
        empty.plot()->replot();
        saveScreenshot(&empty, QStringLiteral("heatmap_empty"));
        QVERIFY(!empty.scaleShown());
        QVERIFY(!empty.colorScale()->visible());
        QVERIFY(!empty.plot()->legend->visible());
        QVERIFY(empty.emptyHintShown());
        // The cells take the room the scale would have: no column is kept for it.
        QCOMPARE(empty.plot()->plotLayout()->elementCount(), 1);
        // Distances arrive: the scale and the legend appear, the hint goes.
        empty.setDistances(syntheticDistances());
        empty.plot()->replot();
        QVERIFY(empty.scaleShown());
        QVERIFY(empty.plot()->legend->visible());
        QVERIFY(!empty.emptyHintShown());
        QVERIFY(!empty.colorScale()->outerRect().intersects(empty.plot()->axisRect()->rect()));
        const QCPRange range = empty.colorScale()->dataRange();
        QVERIFY2(qAbs(range.lower - 0.08) < 1e-9 && qAbs(range.upper - 0.6) < 1e-9,
                 qPrintable(QStringLiteral("%1 %2").arg(range.lower).arg(range.upper)));
        // And go again when the distances are cleared (another model).
        empty.setDistances(lc::LayerDistances{});
        empty.plot()->replot();
        QVERIFY(!empty.scaleShown());
        QVERIFY(empty.emptyHintShown());
        QCOMPARE(empty.plot()->plotLayout()->elementCount(), 1);
    }

    void scaleLabelFollowsTheMetric()
    {
        using M = SimilarityHeatmap::Metric;
        QCPColorScale *scale = m_heatmap->colorScale();
        m_heatmap->resize(520, 400);
        for (const bool normalize : {false, true, false})
            for (const M metric : {M::AllTokens, M::LastToken, M::AllTokens}) {
                m_heatmap->setMetric(metric);
                m_heatmap->setNormalizeRows(normalize);
                m_heatmap->plot()->replot();
                const QString label = m_heatmap->scaleLabel();
                QCOMPARE(scale->axis()->label(), label);
                QVERIFY2(label.contains(metric == M::LastToken ? "last token" : "all tokens"), qPrintable(label));
                QVERIFY2(label.contains("normalised") == normalize, qPrintable(label));
                // The data range follows: [0, 1] when normalised, even where rows are constant (all tokens here).
                if (normalize)
                    QCOMPARE(scale->dataRange(), QCPRange(0, 1));
                else
                    QVERIFY(scale->dataRange().size() > 0.05);
                // Each line of the label fits along the scale.
                const QFontMetrics fm(scale->axis()->labelFont());
                for (const QString &line : label.split('\n'))
                    QVERIFY2(fm.horizontalAdvance(line) <= scale->axis()->axisRect()->height(), qPrintable(line));
            }
        // Cleared and measured again, the label is still that of the metric shown.
        m_heatmap->setMetric(M::AllTokens);
        m_heatmap->setNormalizeRows(true);
        m_heatmap->setDistances(lc::LayerDistances{});
        m_heatmap->setDistances(syntheticDistances());
        QVERIFY(m_heatmap->scaleLabel().contains("all tokens") && m_heatmap->scaleLabel().contains("normalised"));
        m_heatmap->plot()->replot();
        saveScreenshot(m_heatmap.get(), QStringLiteral("heatmap_all_tokens_normalised"));
    }

    void exportsEveryFormat()
    {
        QTemporaryDir dir;
        for (const char *name : {"h.png", "h.svg", "h.pdf"}) {
            const QString path = dir.filePath(name);
            chart_exporter::saveImage(m_heatmap->plot(), path);
            QVERIFY2(QFileInfo(path).size() > 1000, name);
        }
        QVERIFY_THROWS_EXCEPTION(std::exception, chart_exporter::saveImage(m_heatmap->plot(), dir.filePath("h.bmpx")));
        QFile svg(dir.filePath("h.svg"));
        QVERIFY(svg.open(QIODevice::ReadOnly) && svg.readAll().contains("<svg"));
        const QString csv = dir.filePath("d.csv");
        chart_exporter::saveText(csv, lc::distancesToCsv(m_heatmap->distances()));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('\n'), 1 + 21);
    }

private:
    std::unique_ptr<SimilarityHeatmap> m_heatmap;
};

QTEST_MAIN(TestSimilarityHeatmap)
#include "tst_similarity_heatmap.moc"
