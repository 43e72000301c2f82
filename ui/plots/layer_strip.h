// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

/**
 * The model's layers as a row of boxes, numbered 0..L-1. Dragging across boxes selects a contiguous
 * range to drop (shown in red); rangeSelected() reports it. Boxes may be shaded by a per-layer score
 * (Block Influence): the darker, the more the layer changes the stream. Layers already dropped from the
 * model are crossed out.
 */
class LayerStrip final : public QWidget
{
    Q_OBJECT

public:
    explicit LayerStrip(QWidget *parent = nullptr);

    void setLayerCount(int count);
    int layerCount() const { return m_count; }
    /** Per-layer scores for shading (any scale; empty for none). */
    void setScores(const std::vector<double> &scores);
    /** Shows [first, last] as selected without emitting rangeSelected; first < 0 clears. */
    void setSelection(int first, int last);
    /** Layers dropped from the model now (drawn crossed out and grey); empty when nothing is pruned. */
    void setDropped(const std::vector<int64_t> &layers);
    const std::vector<int64_t> &dropped() const { return m_dropped; }
    int selectedFirst() const { return m_first; }
    int selectedLast() const { return m_last; }
    /** The centre of layer `index`'s box; for tests. */
    QPoint layerCenter(int index) const;

    QSize sizeHint() const override { return {600, 54}; }
    QSize minimumSizeHint() const override { return {120, 40}; }

signals:
    void rangeSelected(int firstLayer, int lastLayer);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    int layerAt(const QPoint &pos) const;
    QRectF boxRect(int index) const;

    int m_count = 0;
    std::vector<double> m_scores;
    std::vector<int64_t> m_dropped;
    int m_first = -1, m_last = -1;
    int m_dragAnchor = -1;
};
