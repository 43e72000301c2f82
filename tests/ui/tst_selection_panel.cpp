// SPDX-License-Identifier: GPL-3.0-or-later
// The selection panel on its own: the selection's rows say what is selected and what would be kept (a block
// or any set of layers); the rows of the model now say what it runs and what was dropped from it.
#include <cmath>

#include <QFormLayout>
#include <QLabel>
#include <QTest>

#include "panels/selection_panel.h"
#include "widget_screenshot.h"

namespace {

lc::ModelInfo sixLayers()
{
    lc::ModelInfo info;
    info.config.numLayers = 6;
    info.config.hiddenSize = 64;
    info.config.intermediateSize = 128;
    info.config.numHeads = 4;
    info.config.numKvHeads = 2;
    info.config.headDim = 16;
    info.config.vocabSize = 100;
    info.parameterCount = 6 * info.config.parametersPerLayer() + 2 * 64 * 100;
    info.checkpointDtype = "bfloat16";
    return info;
}

/** The value shown in the form row labelled `label`. */
QString rowText(SelectionPanel &panel, const QString &label)
{
    auto *form = qobject_cast<QFormLayout *>(panel.layout());
    for (int row = 0; row < form->rowCount(); ++row) {
        auto *name = form->itemAt(row, QFormLayout::LabelRole);
        auto *value = form->itemAt(row, QFormLayout::FieldRole);
        if (name && value && qobject_cast<QLabel *>(name->widget()) &&
            static_cast<QLabel *>(name->widget())->text() == label)
            return qobject_cast<QLabel *>(value->widget())->text();
    }
    return QStringLiteral("<no row %1>").arg(label);
}

}  // namespace

class TestSelectionPanel final : public QObject
{
    Q_OBJECT

private slots:
    void describesABlock()
    {
        SelectionPanel panel;
        panel.setModel(sixLayers());
        panel.setSelection(1, 3, 0.125);
        QVERIFY2(panel.droppedText().startsWith("1–3"), qPrintable(panel.droppedText()));
        QVERIFY(panel.droppedText().contains("(3 layer"));
        QVERIFY2(panel.keptText().startsWith("0, 4–5"), qPrintable(panel.keptText()));
        QCOMPARE(panel.selectedLayers(), (std::vector<int64_t>{1, 2, 3}));
        QCOMPARE(rowText(panel, "Distance d:"), QLocale().toString(0.125, 'f', 4));
        QVERIFY(panel.shareText().contains("% of the model"));
        // One layer.
        panel.setSelection(4, 4, std::nan(""));
        QVERIFY(panel.droppedText().startsWith("4 (1 layer"));
        QVERIFY(panel.keptText().startsWith("0–3, 5"));
        // Cleared.
        panel.setSelection(-1, -1, std::nan(""));
        QVERIFY(panel.selectedLayers().empty());
        QCOMPARE(panel.keptText(), QStringLiteral("—"));
    }

    void describesASetOfLayers()
    {
        SelectionPanel panel;
        panel.setModel(sixLayers());
        panel.setSelectedLayers({4, 1, 3, 3, 17}, std::nan(""));
        QCOMPARE(panel.selectedLayers(), (std::vector<int64_t>{1, 3, 4}));
        QVERIFY2(panel.droppedText().startsWith("1, 3–4 (3 layer"), qPrintable(panel.droppedText()));
        QVERIFY2(panel.keptText().startsWith("0, 2, 5 (3 layer"), qPrintable(panel.keptText()));
        QVERIFY2(rowText(panel, "Distance d:").contains("not one contiguous block"),
                 qPrintable(rowText(panel, "Distance d:")));
        // The parameters are those of three layers, as for a block of three.
        const QString share = panel.shareText();
        panel.setSelection(0, 2, 0.3);
        QCOMPARE(panel.shareText(), share);
        // Every layer selected: nothing would be kept.
        panel.setSelectedLayers({0, 1, 2, 3, 4, 5}, std::nan(""));
        QVERIFY(panel.keptText().startsWith("none"));
    }

    void labelsTheSelectionAndWhatWasDropped()
    {
        SelectionPanel panel;
        panel.resize(420, 320);
        panel.setModel(sixLayers());
        panel.setSelectedLayers({1, 3, 4}, std::nan(""));
        // The selection's rows say what is selected and what would remain; nothing is dropped yet.
        QCOMPARE(rowText(panel, "Selected layers:"), panel.droppedText());
        QCOMPARE(rowText(panel, "Would keep:"), panel.keptText());
        QCOMPARE(rowText(panel, "Layers dropped:"), QStringLiteral("—"));
        QCOMPARE(panel.prunedText(), QStringLiteral("—"));
        // Dropping 2–3: the model's rows say so, the selection's rows still describe the selection.
        const lc::PrunePlan dropped = lc::PrunePlan::dropBlock(6, 2, 2);
        panel.setPruneResult(dropped, lc::BlockPlan::of(dropped), {}, {}, true);
        QVERIFY2(rowText(panel, "Layers dropped:").startsWith("2–3 (2 layer"),
                 qPrintable(rowText(panel, "Layers dropped:")));
        QCOMPARE(panel.prunedText(), rowText(panel, "Layers dropped:"));
        QCOMPARE(panel.runningText(), QStringLiteral("4 of 6 layers"));
        QVERIFY(panel.droppedText().startsWith("1, 3–4"));
        QVERIFY(panel.lossText().contains("choose analysis data"));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        saveScreenshot(&panel, QStringLiteral("selection_panel"));
        // A new block after 1 of the pruned model: the running row says so; the loss still waits for data.
        panel.setPruneResult(dropped, lc::BlockPlan::of(dropped).withInsertions({1}, lc::BlockInit::Average), {}, {},
                             true);
        QCOMPARE(panel.runningText(), QStringLiteral("4 of 6 layers\nand 1 new block(s), after layer(s) 1"));
        // Restored: nothing dropped.
        panel.setPruneResult(lc::PrunePlan::keepAll(6), lc::BlockPlan::of(lc::PrunePlan::keepAll(6)), {}, {}, true);
        QCOMPARE(panel.prunedText(), QStringLiteral("none"));
        QCOMPARE(panel.runningText(), QStringLiteral("all 6 layers"));
    }
};

QTEST_MAIN(TestSelectionPanel)
#include "tst_selection_panel.moc"
