// SPDX-License-Identifier: GPL-3.0-or-later
// The layer strip on its own: any set of layers can be selected (a drag, Ctrl-click, Shift-click), the set
// is reported on every change and shown without emitting when set from outside; several runs are drawn as
// several blocks; the shading is explained by a caption and a tooltip per box; inserted blocks are markers
// on the boundary after their layer, and the context menu and the Insert key ask for blocks.
#include <cmath>

#include <QHelpEvent>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

#include "plots/layer_strip.h"
#include "widget_screenshot.h"

using Layers = std::vector<int64_t>;

class TestLayerStrip final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_strip = std::make_unique<LayerStrip>();
        m_strip->resize(600, 62);
        m_strip->setLayerCount(6);
        m_strip->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_strip.get()));
    }
    void cleanup() { m_strip.reset(); }

    void ctrlClickTogglesLayers()
    {
        QSignalSpy sets(m_strip.get(), &LayerStrip::layersSelected);
        QSignalSpy ranges(m_strip.get(), &LayerStrip::rangeSelected);
        click(1);
        click(3, Qt::ControlModifier);
        click(4, Qt::ControlModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{1, 3, 4}));
        QCOMPARE(sets.count(), 3);
        QCOMPARE(sets.last().at(0).value<Layers>(), (Layers{1, 3, 4}));
        // Only the first click made one contiguous block.
        QCOMPARE(ranges.count(), 1);
        QCOMPARE(ranges.first().at(0).toInt(), 1);
        QCOMPARE(ranges.first().at(1).toInt(), 1);
        QCOMPARE(m_strip->selectedFirst(), 1);
        QCOMPARE(m_strip->selectedLast(), 4);
        QVERIFY(!m_strip->isContiguous());
        // Ctrl-click on a selected layer removes it; what is left, 1 and 4, is still no block.
        click(3, Qt::ControlModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{1, 4}));
        QCOMPARE(ranges.count(), 1);
        // Removing 4 leaves the block {1}: rangeSelected again.
        click(4, Qt::ControlModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{1}));
        QCOMPARE(ranges.count(), 2);
        // Removing the last one empties the set: reported, but no range.
        click(1, Qt::ControlModifier);
        QVERIFY(m_strip->selectedLayers().empty());
        QCOMPARE(m_strip->selectedFirst(), -1);
        QCOMPARE(m_strip->selectedLast(), -1);
        QCOMPARE(sets.count(), 6);
        QVERIFY(sets.last().at(0).value<Layers>().empty());
        QCOMPARE(ranges.count(), 2);
        // A plain click starts over with one layer.
        click(1);
        click(3, Qt::ControlModifier);
        click(5);
        QCOMPARE(m_strip->selectedLayers(), (Layers{5}));
    }

    void shiftClickExtendsFromTheAnchor()
    {
        QSignalSpy ranges(m_strip.get(), &LayerStrip::rangeSelected);
        click(2);
        click(4, Qt::ShiftModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{2, 3, 4}));
        QCOMPARE(ranges.last().at(0).toInt(), 2);
        QCOMPARE(ranges.last().at(1).toInt(), 4);
        // The anchor stays at 2: Shift-click on 0 selects 0..2 instead.
        click(0, Qt::ShiftModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{0, 1, 2}));
        // Ctrl-click moves the anchor; Ctrl+Shift-click adds the range from it to what is selected.
        click(4, Qt::ControlModifier);
        click(5, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{0, 1, 2, 4, 5}));
        // Shift-click without Ctrl replaces the set by the range from the anchor (4).
        click(3, Qt::ShiftModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{3, 4}));
        // An anchor set from outside: Shift-click extends the block shown.
        m_strip->setSelection(1, 2);
        click(4, Qt::ShiftModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{1, 2, 3, 4}));
    }

    void dragSelectsARangeAndCtrlDragAddsOne()
    {
        QSignalSpy sets(m_strip.get(), &LayerStrip::layersSelected);
        QSignalSpy ranges(m_strip.get(), &LayerStrip::rangeSelected);
        drag(4, 1, Qt::NoModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{1, 2, 3, 4}));
        QCOMPARE(sets.count(), 1);  // once, on release
        QCOMPARE(ranges.count(), 1);
        QCOMPARE(ranges.last().at(0).toInt(), 1);
        QCOMPARE(ranges.last().at(1).toInt(), 4);
        // Ctrl-drag over selected layers removes them, over others adds them.
        drag(2, 3, Qt::ControlModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{1, 4}));
        drag(5, 5, Qt::ControlModifier);
        QCOMPARE(m_strip->selectedLayers(), (Layers{1, 4, 5}));
        QCOMPARE(sets.count(), 3);
        QCOMPARE(ranges.count(), 1);
    }

    void settingTheSelectionDoesNotEmit()
    {
        QSignalSpy sets(m_strip.get(), &LayerStrip::layersSelected);
        QSignalSpy ranges(m_strip.get(), &LayerStrip::rangeSelected);
        m_strip->setSelectedLayers({4, 1, 1, 9, -2, 3});  // sorted, unique, out of range ignored
        QCOMPARE(m_strip->selectedLayers(), (Layers{1, 3, 4}));
        m_strip->setSelection(3, 1);
        QCOMPARE(m_strip->selectedLayers(), (Layers{1, 2, 3}));
        QCOMPARE(m_strip->selectedFirst(), 1);
        QCOMPARE(m_strip->selectedLast(), 3);
        QVERIFY(m_strip->isContiguous());
        m_strip->setSelection(-1, -1);
        QVERIFY(m_strip->selectedLayers().empty());
        m_strip->setSelectedLayers({2});
        m_strip->setLayerCount(8);  // a new model: nothing selected
        QVERIFY(m_strip->selectedLayers().empty());
        QCOMPARE(sets.count(), 0);
        QCOMPARE(ranges.count(), 0);
    }

    void drawsEachRunOfTheSelection()
    {
        m_strip->setScores({0.9, 0.5, 0.3, 0.2, 0.2, 0.6});
        m_strip->setSelectedLayers({1, 3, 4});
        const QImage image = m_strip->grab().toImage();
        saveScreenshot(m_strip.get(), QStringLiteral("layer_strip_set"));
        // Under each box: the selection's bar below 1, 3 and 4, none below 0, 2 and 5.
        const auto barBelow = [&](int layer) {
            const QPoint c = m_strip->layerCenter(layer);
            const QColor color = image.pixelColor(c.x(), m_strip->height() - 4);
            return color.red() > 120 && color.green() < 60 && color.blue() < 60;
        };
        for (int i = 0; i < 6; ++i)
            QVERIFY2(barBelow(i) == (i == 1 || i == 3 || i == 4), qPrintable(QString::number(i)));
        // Between 3 and 4 the bar continues (one run), between 1 and 3 it does not (two runs).
        const int y = m_strip->height() - 4;
        const auto red = [&](int x) {
            const QColor c = image.pixelColor(x, y);
            return c.red() > 120 && c.green() < 60;
        };
        QVERIFY(red((m_strip->layerCenter(3).x() + m_strip->layerCenter(4).x()) / 2));
        QVERIFY(!red((m_strip->layerCenter(2).x() + m_strip->layerCenter(1).x()) / 2 + 40));
        // A selected box is red, an unselected one keeps its shade, the most influential the darkest.
        const QColor selected = image.pixelColor(m_strip->layerCenter(3) + QPoint(12, 6));
        QVERIFY2(selected.red() > 200 && selected.green() < 100, qPrintable(selected.name()));
        const QColor heavy = image.pixelColor(m_strip->layerCenter(0) + QPoint(12, 6));
        const QColor light = image.pixelColor(m_strip->layerCenter(2) + QPoint(12, 6));
        QVERIFY2(heavy.lightness() < light.lightness(), qPrintable(heavy.name() + " " + light.name()));
    }

    void insertedBlocksAndTheirRequests()
    {
        m_strip->setDropped({5});
        m_strip->setInserted({{1, true, lc::BlockInit::Average}, {3, true, lc::BlockInit::Copy}});
        const QImage image = m_strip->grab().toImage();
        saveScreenshot(m_strip.get(), QStringLiteral("layer_strip_inserted"));
        // Each marker sits on the boundary after its layer, drawn in its initialisation's colour.
        const QRectF marker = m_strip->insertedMarkerRect(1);
        QVERIFY(!marker.isEmpty());
        QVERIFY(marker.center().x() > m_strip->layerCenter(1).x() && marker.center().x() < m_strip->layerCenter(2).x());
        QVERIFY(m_strip->insertedMarkerRect(2).isEmpty());
        const auto fill = [&](int after) {
            const QRectF r = m_strip->insertedMarkerRect(after);
            return image.pixelColor((r.topLeft() + QPointF(2.5, 4.5)).toPoint());
        };
        QVERIFY2(fill(1).green() > 120 && fill(1).red() < 90, qPrintable(fill(1).name()));  // averaged: green
        QVERIFY2(fill(3).blue() > 100 && fill(3).red() < 60, qPrintable(fill(3).name()));   // copied: teal
        QVERIFY(m_strip->insertedToolTip(1).contains("mean of layers 1 and 2"));
        QVERIFY(m_strip->insertedToolTip(3).contains("copy of layer 3"));
        QVERIFY(m_strip->layerToolTip(1).contains("A new block follows it"));
        QVERIFY(m_strip->legendText().isEmpty());  // no scores; the header's swatches say "dropped", "inserted"

        QSignalSpy inserts(m_strip.get(), &LayerStrip::insertRequested);
        QSignalSpy removals(m_strip.get(), &LayerStrip::removeInsertedRequested);
        QSignalSpy sStrategy(m_strip.get(), &LayerStrip::sStrategyRequested);
        const auto actionsOf = [&](int layer) {
            std::unique_ptr<QMenu> menu(m_strip->contextMenuFor(layer));
            QList<QAction *> list = menu->actions();
            for (QAction *a : list)
                a->setParent(m_strip.get());  // outlive the menu
            return list;
        };
        // After layer 1: a block is there, so inserting is off and removing is offered.
        const QList<QAction *> at1 = actionsOf(1);
        QVERIFY(!at1[0]->isEnabled() && !at1[1]->isEnabled());
        QVERIFY(at1[2]->text().contains("Remove"));
        at1[2]->trigger();
        QCOMPARE(removals.count(), 1);
        QCOMPARE(removals.takeFirst().at(0).toInt(), 1);
        // After the dropped layer 5: nothing can go there.
        QVERIFY(!actionsOf(5)[0]->isEnabled());
        // After layer 2: an averaged or a copied block.
        const QList<QAction *> at2 = actionsOf(2);
        at2[0]->trigger();
        at2[1]->trigger();
        QCOMPARE(inserts.count(), 2);
        QCOMPARE(inserts[0].at(1).value<lc::BlockInit>(), lc::BlockInit::Average);
        QCOMPARE(inserts[1].at(1).value<lc::BlockInit>(), lc::BlockInit::Copy);
        at2.back()->trigger();
        QCOMPARE(sStrategy.count(), 1);
        // The Insert key: after the last selected layer.
        m_strip->setSelectedLayers({2, 4});
        m_strip->setFocus();
        QTest::keyClick(m_strip.get(), Qt::Key_Insert);
        QCOMPARE(inserts.count(), 3);
        QCOMPARE(inserts[2].at(0).toInt(), 4);
    }

    void manyLayers()
    {
        // A 32-layer model with scores, 24–27 dropped and a set of two runs selected: each run has its bar.
        LayerStrip strip;
        strip.resize(760, 62);
        strip.setLayerCount(32);
        std::vector<double> scores;
        for (int i = 0; i < 32; ++i)
            scores.push_back(i == 0 || i == 31 ? 0.45 : 0.05 + 0.1 * std::abs(std::sin(i * 0.7)) * (1 - i / 40.0));
        strip.setScores(scores);
        strip.setDropped({24, 25, 26, 27});
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        QTest::mouseClick(&strip, Qt::LeftButton, {}, strip.layerCenter(20));
        QTest::mouseClick(&strip, Qt::LeftButton, Qt::ShiftModifier, strip.layerCenter(23));
        QTest::mouseClick(&strip, Qt::LeftButton, Qt::ControlModifier, strip.layerCenter(28));
        QTest::mouseClick(&strip, Qt::LeftButton, Qt::ControlModifier | Qt::ShiftModifier, strip.layerCenter(29));
        QCOMPARE(strip.selectedLayers(), (Layers{20, 21, 22, 23, 28, 29}));
        saveScreenshot(&strip, QStringLiteral("layer_strip_32"));
        const QImage image = strip.grab().toImage();
        for (int i = 18; i < 32; ++i) {
            const QColor c = image.pixelColor(strip.layerCenter(i).x(), strip.height() - 4);
            const bool bar = c.red() > 120 && c.green() < 60 && c.blue() < 60;
            QVERIFY2(bar == ((i >= 20 && i <= 23) || i == 28 || i == 29), qPrintable(QString::number(i)));
        }
    }

    void explainsTheShading()
    {
        QVERIFY(m_strip->legendText().isEmpty());  // nothing shaded yet
        QVERIFY(m_strip->layerToolTip(2).contains("not measured"));
        m_strip->setScores({0.9, 0.5, 0.3, 0.2, 0.2, 0.6});
        m_strip->setDropped({5});
        m_strip->setSelectedLayers({2, 5});
        QVERIFY(m_strip->legendText().contains("Block Influence"));
        QVERIFY2(m_strip->legendText().contains("0.2") && m_strip->legendText().contains("0.9"),
                 qPrintable(m_strip->legendText()));
        const QString tip = m_strip->layerToolTip(2);
        QVERIFY2(tip.contains("Layer 2") && tip.contains("Block Influence: 0.3") && tip.contains("Selected"),
                 qPrintable(tip));
        QVERIFY(m_strip->layerToolTip(1).contains("Not selected"));
        QVERIFY(m_strip->layerToolTip(5).contains("dropped from the model"));
        QVERIFY(m_strip->layerToolTip(6).isEmpty());
        // The tooltip event over a box shows that box's text.
        const QPoint at = m_strip->layerCenter(1);
        QHelpEvent help(QEvent::ToolTip, at, m_strip->mapToGlobal(at));
        QApplication::sendEvent(m_strip.get(), &help);
        QTRY_COMPARE(QToolTip::text(), m_strip->layerToolTip(1));
        // The caption is drawn on the header line: the gradient from light to dark sits at its right.
        saveScreenshot(m_strip.get(), QStringLiteral("layer_strip_legend"));
        const QImage image = m_strip->grab().toImage();
        int coloured = 0;
        for (int x = m_strip->width() / 2; x < m_strip->width(); ++x) {
            const QColor c = image.pixelColor(x, 8);
            coloured += c.saturation() > 60 ? 1 : 0;
        }
        QVERIFY2(coloured > 20, qPrintable(QString::number(coloured)));
    }

private:
    void click(int layer, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        QTest::mouseClick(m_strip.get(), Qt::LeftButton, modifiers, m_strip->layerCenter(layer));
    }
    void drag(int from, int to, Qt::KeyboardModifiers modifiers)
    {
        QTest::mousePress(m_strip.get(), Qt::LeftButton, modifiers, m_strip->layerCenter(from));
        const QPoint middle = (m_strip->layerCenter(from) + m_strip->layerCenter(to)) / 2;
        QMouseEvent move(QEvent::MouseMove, middle, m_strip->mapToGlobal(middle), Qt::NoButton, Qt::LeftButton,
                         modifiers);
        QApplication::sendEvent(m_strip.get(), &move);
        QTest::mouseRelease(m_strip.get(), Qt::LeftButton, modifiers, m_strip->layerCenter(to));
    }

    std::unique_ptr<LayerStrip> m_strip;
};

QTEST_MAIN(TestLayerStrip)
#include "tst_layer_strip.moc"
