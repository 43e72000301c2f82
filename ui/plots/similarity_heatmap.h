// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "jobs/metatypes.h"

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPCurve;
class QCPItemRect;
class QCPItemText;

/**
 * The heatmap of layer distances: start layer l on x, block size n on y (the paper's orientation), one
 * crisp cell per defined (l, n), the undefined triangle left blank, and the curve of optimal starts l*(n).
 * Hover shows a tooltip, a click or the arrow keys select a block, and blockSelected() reports it. The colour
 * scale (labelled with the metric shown) and the legend sit beside the cells, never over them; without
 * distances neither is shown, only a hint on how to measure them.
 */
class SimilarityHeatmap final : public QWidget
{
    Q_OBJECT

public:
    enum class Metric { LastToken, AllTokens };

    explicit SimilarityHeatmap(QWidget *parent = nullptr);

    void setDistances(const lc::LayerDistances &distances);
    const lc::LayerDistances &distances() const { return m_distances; }
    void setMetric(Metric metric);
    Metric metric() const { return m_metric; }
    /** Rescales each row n to [0, 1] over its valid l, as the paper's figures do. */
    void setNormalizeRows(bool normalize);
    bool normalizeRows() const { return m_normalize; }

    /** Selects the block of n layers starting at l (ignored when undefined); emits blockSelected. */
    void selectBlock(int start, int size);
    /** No cell selected: the selection is none, or layers that are not one block. Emits nothing. */
    void clearSelection();
    int selectedStart() const { return m_start; }
    int selectedSize() const { return m_size; }

    /** The raw metric value of (l, n), NaN when undefined. */
    double value(int start, int size) const;
    /**
     * l*(n) of the metric shown, -1 when undefined: the red curve, Home and every "best block" choice use
     * this one function, so the selection always lands on the curve the user sees.
     */
    int optimalStart(int size) const;
    /** The value drawn for (l, n): the metric, or its row-normalised form. */
    double displayedValue(int start, int size) const;
    /** The centre of cell (l, n) in this widget's coordinates; for tests and tooltips. */
    QPoint cellCenter(int start, int size) const;
    QCustomPlot *plot() const { return m_plot; }
    /** The colour scale (laid out right of the cells, never over them) and its label, which names the metric. */
    QCPColorScale *colorScale() const { return m_scale; }
    QString scaleLabel() const;
    /** Whether the colour scale is shown: only once there are distances. */
    bool scaleShown() const;
    /** Whether the empty plot's hint ("No distances yet…") is shown. */
    bool emptyHintShown() const;

signals:
    /** The layers of the selected block: first and last, inclusive, 0-based original numbers. */
    void blockSelected(int firstLayer, int lastLayer);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void rebuild();
    /** Lays out (or takes out) the colour scale and the legend, and hides (shows) the empty hint. */
    void showDecorations(bool shown);
    void updateSelectionMarker();
    std::pair<int, int> cellAt(const QPointF &pixel) const;  // (l, n), or (-1, -1)
    QString metricLabel() const;

    QCustomPlot *m_plot = nullptr;
    QCPColorMap *m_map = nullptr;
    QCPColorScale *m_scale = nullptr;
    QCPCurve *m_optimal = nullptr;
    QCPItemRect *m_marker = nullptr;
    QCPItemText *m_empty = nullptr;
    lc::LayerDistances m_distances;
    Metric m_metric = Metric::LastToken;
    bool m_normalize = false;
    int m_start = -1, m_size = 0;
};
