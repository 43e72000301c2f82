// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

#include <QWidget>

#include "layercut/block_plan.h"

/**
 * The model's layers as a row of boxes, numbered 0..L-1. Any set of layers can be selected (shown in red,
 * each contiguous run outlined on its own): a click or a drag selects a contiguous range, Ctrl-click (or
 * Ctrl-drag) adds or removes layers, Shift-click selects from the anchor (the last layer clicked) to the
 * layer clicked, Ctrl+Shift-click adds that range. layersSelected() reports every change the user makes, and
 * rangeSelected() too when the set is one contiguous block. Boxes may be shaded by a per-layer score (Block
 * Influence): the darker, the more the layer changes the stream; a caption explains it and each box has a
 * tooltip. Layers already dropped from the model are crossed out; a block inserted after a layer (Llama SLayer,
 * LLaMA Pro) is a green marker on the boundary after it. Its context menu (and the Insert key, after the last
 * selected layer) asks for a block to be inserted or removed, or for SLayer's S strategy.
 */
class LayerStrip final : public QWidget
{
    Q_OBJECT

public:
    explicit LayerStrip(QWidget *parent = nullptr);

    /** Sets L; clears the selection. */
    void setLayerCount(int count);
    int layerCount() const { return m_count; }
    /** Per-layer scores for shading (Block Influence, any scale; empty for none). */
    void setScores(const std::vector<double> &scores);
    const std::vector<double> &scores() const { return m_scores; }
    /** Shows [first, last] as selected without emitting; first < 0 clears. */
    void setSelection(int first, int last);
    /** Shows `layers` as selected without emitting; out-of-range layers are ignored. */
    void setSelectedLayers(const std::vector<int64_t> &layers);
    /** The selected layers, sorted ascending, unique. */
    const std::vector<int64_t> &selectedLayers() const { return m_selected; }
    /** Whether the selection is one contiguous, non-empty block. */
    bool isContiguous() const;
    /** Layers dropped from the model now (drawn crossed out and grey); empty when nothing is pruned. */
    void setDropped(const std::vector<int64_t> &layers);
    const std::vector<int64_t> &dropped() const { return m_dropped; }
    /** The new blocks that run now: (the layer each follows, its initialisation). */
    void setInserted(const std::vector<lc::PlannedBlock> &inserted);
    const std::vector<lc::PlannedBlock> &inserted() const { return m_inserted; }
    /** The marker of the block inserted after layer `after` (empty rect when none); for tests. */
    QRectF insertedMarkerRect(int after) const;
    /** The tooltip of that marker. */
    QString insertedToolTip(int after) const;
    /** The context menu for layer `index` (its actions emit the requests below); the caller owns it. */
    class QMenu *contextMenuFor(int index);
    /** The first and last selected layer, -1 when nothing is selected. */
    int selectedFirst() const { return m_selected.empty() ? -1 : static_cast<int>(m_selected.front()); }
    int selectedLast() const { return m_selected.empty() ? -1 : static_cast<int>(m_selected.back()); }
    /** The centre of layer `index`'s box; for tests. */
    QPoint layerCenter(int index) const;
    /** The tooltip of layer `index`'s box: its number, score and state. */
    QString layerToolTip(int index) const;
    /** The caption that explains the shading (empty without scores). */
    QString legendText() const;

    QSize sizeHint() const override { return {600, 62}; }
    QSize minimumSizeHint() const override { return {120, 44}; }

signals:
    /** Every change the user makes (a drag, a click, Ctrl/Shift-click): the set, sorted, maybe empty. */
    void layersSelected(const std::vector<int64_t> &layers);
    /** Emitted after layersSelected() when the user's selection is one contiguous block. */
    void rangeSelected(int firstLayer, int lastLayer);
    /** The user asks for a new block after layer `after`, starting as `init`. */
    void insertRequested(int after, lc::BlockInit init);
    /** The user asks to remove the block inserted after layer `after`. */
    void removeInsertedRequested(int after);
    /** The user asks for Llama SLayer's S strategy. */
    void sStrategyRequested();

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    /** The layer under `pos` (clamped to 0..L-1), -1 without layers. */
    int layerAt(const QPoint &pos) const;
    /** The layer whose box contains `pos`, -1 elsewhere. */
    int boxAt(const QPoint &pos) const;
    QRectF boxRect(int index) const;
    bool isSelected(int index) const;
    bool isDropped(int index) const;
    /** The block inserted after `after`, or nullptr. */
    const lc::PlannedBlock *insertedAfter(int after) const;
    /** The layer whose inserted block's marker contains `pos`, -1 elsewhere. */
    int markerAt(const QPoint &pos) const;
    void paintInserted(QPainter &p);
    /** The drag's selection: the base set with [m_dragAnchor, layer] added (or removed). */
    void updateDrag(int layer);
    QString headerText() const;
    void paintLegend(QPainter &p, const QRectF &area);

    int m_count = 0;
    std::vector<double> m_scores;
    std::vector<int64_t> m_dropped;
    std::vector<lc::PlannedBlock> m_inserted;
    std::vector<int64_t> m_selected;  // sorted, unique
    int m_anchor = -1;                // Shift-click extends from here
    // A drag in progress: where it started, the selection it edits, and whether it removes layers.
    int m_dragAnchor = -1;
    std::vector<int64_t> m_dragBase;
    bool m_dragRemoves = false;
};
