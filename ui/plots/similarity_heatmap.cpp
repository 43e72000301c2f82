// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/similarity_heatmap.h"

#include <cmath>
#include <limits>

#include <QKeyEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "plots/color_gradients.h"

SimilarityHeatmap::SimilarityHeatmap(QWidget *parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setFocusPolicy(Qt::StrongFocus);
    m_plot->setFocusPolicy(Qt::NoFocus);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);

    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);  // one crisp cell per (l, n)
    m_map->setTightBoundary(false);
    // The colour scale and the legend have cells of their own in the plot's layout (the scale right of the
    // axis rect, the legend in a row above it), never an inset over the cells; both are laid out only once
    // there are distances (showDecorations), so an empty plot shows no meaningless scale.
    m_scale = new QCPColorScale(m_plot);
    m_scale->setType(QCPAxis::atRight);
    m_map->setColorScale(m_scale);  // the scale owns the gradient from here on
    m_scale->setGradient(viridisGradient());
    m_scale->setVisible(false);
    auto *margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    // The legend's entries start where the cells do.
    auto *left = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msLeft, left);
    m_plot->legend->setAutoMargins(QCP::msLeft);
    m_plot->legend->setMarginGroup(QCP::msLeft, left);

    m_optimal = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
    m_optimal->setPen(QPen(QColor(230, 30, 30), 2));
    m_optimal->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(230, 30, 30), Qt::white, 5));
    m_optimal->setName(tr("Optimal start l*(n)"));

    m_marker = new QCPItemRect(m_plot);
    m_marker->setPen(QPen(Qt::white, 2.5));
    m_marker->setBrush(Qt::NoBrush);
    m_marker->setVisible(false);

    m_plot->xAxis->setLabel(tr("Start layer l"));
    m_plot->yAxis->setLabel(tr("Block size n"));
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->legend->setVisible(false);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setBrush(Qt::NoBrush);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setMargins(QMargins(0, 4, 0, 0));
    m_map->removeFromLegend();

    m_empty = new QCPItemText(m_plot);
    m_empty->setClipAxisRect(m_plot->axisRect());
    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setAxisRect(m_plot->axisRect());
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setText(tr("No distances yet.\nChoose data in the Analysis dock and press Measure Distances."));
    m_empty->setColor(Qt::gray);
    m_empty->setTextAlignment(Qt::AlignCenter);
    rebuild();
}

QString SimilarityHeatmap::metricLabel() const
{
    QString label = m_metric == Metric::LastToken ? tr("Angular distance d(l, n), last token")
                                                  : tr("Angular distance, mean over all tokens");
    // Two short lines rather than one long one: the label runs along the scale, which is only as tall as the cells.
    return m_normalize ? tr("%1\nnormalised per row (0 = min, 1 = max)").arg(label) : label;
}

double SimilarityHeatmap::value(int start, int size) const
{
    return m_metric == Metric::LastToken ? m_distances.angularAt(size, start) : m_distances.allTokensAt(size, start);
}

int SimilarityHeatmap::optimalStart(int size) const
{
    // Row normalisation is monotonic within a row, so the raw metric's argmin is the drawn one's too.
    return static_cast<int>(m_metric == Metric::LastToken ? m_distances.optimalStart(size)
                                                          : m_distances.optimalAllTokensStart(size));
}

double SimilarityHeatmap::displayedValue(int start, int size) const
{
    const double v = value(start, size);
    if (!m_normalize || std::isnan(v))
        return v;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int l = 0; l + size <= m_distances.numLayers; ++l) {
        const double x = value(l, size);
        lo = std::min(lo, x), hi = std::max(hi, x);
    }
    return hi > lo ? (v - lo) / (hi - lo) : 0.0;
}

void SimilarityHeatmap::setDistances(const lc::LayerDistances &distances)
{
    m_distances = distances;
    if (m_start + m_size > m_distances.numLayers)
        m_start = -1, m_size = 0;
    rebuild();
}

void SimilarityHeatmap::setMetric(Metric metric)
{
    m_metric = metric;
    rebuild();
}

void SimilarityHeatmap::setNormalizeRows(bool normalize)
{
    m_normalize = normalize;
    rebuild();
}

void SimilarityHeatmap::rebuild()
{
    const int L = static_cast<int>(m_distances.numLayers);
    m_scale->axis()->setLabel(metricLabel());
    showDecorations(L > 0);
    if (L == 0) {
        m_map->data()->clear();
        m_optimal->data()->clear();
        m_marker->setVisible(false);
        m_plot->xAxis->setRange(-0.5, 10.5);
        m_plot->yAxis->setRange(0.5, 10.5);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    // Cells centred on integers: x = l in 0..L-1, y = n in 1..L.
    m_map->data()->setSize(L, L);
    m_map->data()->setRange(QCPRange(0, L - 1), QCPRange(1, L));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int l = 0; l < L; ++l)
        for (int n = 1; n <= L; ++n) {
            const double v = displayedValue(l, n);  // NaN for the undefined triangle: drawn transparent
            m_map->data()->setCell(l, n - 1, v);
            if (!std::isnan(v))
                lo = std::min(lo, v), hi = std::max(hi, v);
        }
    // Normalised rows span [0, 1] by definition (a constant row is all 0). A raw metric that is constant
    // everywhere gets a little room either side, so the scale's ticks stay readable numbers.
    if (m_normalize) {
        lo = 0, hi = 1;
    } else if (!(hi > lo)) {
        const double pad = std::max(1e-3, 0.05 * std::abs(lo));
        lo -= pad, hi += pad;
    }
    m_map->setDataRange(QCPRange(lo, hi));

    QVector<double> t, x, y;
    for (int n = 1; n <= L; ++n)
        if (const int best = optimalStart(n); best >= 0)
            t << n, x << best, y << n;
    m_optimal->setData(t, x, y);
    m_plot->xAxis->setRange(-0.5, L - 0.5);
    m_plot->yAxis->setRange(0.5, L + 0.5);
    const int step = std::max(1, L / 16);
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis}) {
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(step);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssNone);
        axis->setTicker(ticker);
    }
    updateSelectionMarker();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityHeatmap::showDecorations(bool shown)
{
    QCPLayoutGrid *grid = m_plot->plotLayout();
    const bool laidOut = m_scale->layout() != nullptr;
    if (shown && !laidOut) {
        // Row 0: the legend above the cells; row 1: the cells and, right of them, the colour scale.
        grid->insertRow(0);
        grid->addElement(0, 0, m_plot->legend);
        grid->addElement(1, 1, m_scale);
        grid->setRowStretchFactors({0.001, 1.0});
    } else if (!shown && laidOut) {
        grid->take(m_plot->legend);
        grid->take(m_scale);
        grid->simplify();
    }
    m_scale->setVisible(shown);
    m_plot->legend->setVisible(shown);
    m_empty->setVisible(!shown);
}

QString SimilarityHeatmap::scaleLabel() const
{
    return m_scale->axis()->label();
}

bool SimilarityHeatmap::scaleShown() const
{
    return m_scale->visible() && m_scale->layout() != nullptr;
}

bool SimilarityHeatmap::emptyHintShown() const
{
    return m_empty->visible();
}

void SimilarityHeatmap::selectBlock(int start, int size)
{
    if (size < 1 || start < 0 || start + size > m_distances.numLayers)
        return;
    m_start = start;
    m_size = size;
    updateSelectionMarker();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    emit blockSelected(start, start + size - 1);
}

void SimilarityHeatmap::clearSelection()
{
    m_start = -1;
    m_size = 0;
    updateSelectionMarker();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SimilarityHeatmap::updateSelectionMarker()
{
    const bool visible = m_size > 0 && m_start >= 0 && m_start + m_size <= m_distances.numLayers;
    m_marker->setVisible(visible);
    if (visible) {
        m_marker->topLeft->setCoords(m_start - 0.5, m_size + 0.5);
        m_marker->bottomRight->setCoords(m_start + 0.5, m_size - 0.5);
    }
}

std::pair<int, int> SimilarityHeatmap::cellAt(const QPointF &pixel) const
{
    const int l = static_cast<int>(std::lround(m_plot->xAxis->pixelToCoord(pixel.x())));
    const int n = static_cast<int>(std::lround(m_plot->yAxis->pixelToCoord(pixel.y())));
    if (n < 1 || l < 0 || l + n > m_distances.numLayers || !m_plot->axisRect()->rect().contains(pixel.toPoint()))
        return {-1, -1};
    return {l, n};
}

QPoint SimilarityHeatmap::cellCenter(int start, int size) const
{
    const QPointF p(m_plot->xAxis->coordToPixel(start), m_plot->yAxis->coordToPixel(size));
    return m_plot->mapTo(this, p.toPoint());
}

bool SimilarityHeatmap::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_plot && (event->type() == QEvent::MouseMove || event->type() == QEvent::MouseButtonPress)) {
        auto *mouse = static_cast<QMouseEvent *>(event);
        const auto [l, n] = cellAt(mouse->position());
        if (event->type() == QEvent::MouseButtonPress && mouse->button() == Qt::LeftButton && l >= 0) {
            setFocus(Qt::MouseFocusReason);
            selectBlock(l, n);
        } else if (event->type() == QEvent::MouseMove) {
            if (l < 0) {
                QToolTip::hideText();
            } else {
                const double v = value(l, n);
                QToolTip::showText(
                    mouse->globalPosition().toPoint(),
                    tr("start l = %1, block size n = %2\nd = %3\ndrops layers %4–%5 (0-based, inclusive)")
                        .arg(l)
                        .arg(n)
                        .arg(QLocale().toString(v, 'f', 4))
                        .arg(l)
                        .arg(l + n - 1),
                    m_plot);
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

void SimilarityHeatmap::keyPressEvent(QKeyEvent *event)
{
    const int L = static_cast<int>(m_distances.numLayers);
    if (L == 0 || m_size == 0) {
        if (L > 0 && (event->key() == Qt::Key_Left || event->key() == Qt::Key_Right || event->key() == Qt::Key_Up ||
                      event->key() == Qt::Key_Down))
            selectBlock(std::max(0, optimalStart(1)), 1);
        else
            QWidget::keyPressEvent(event);
        return;
    }
    int l = m_start, n = m_size;
    switch (event->key()) {
    case Qt::Key_Left: l = std::max(0, l - 1); break;
    case Qt::Key_Right: l = std::min(L - n, l + 1); break;
    case Qt::Key_Up: n = std::min(L - l, n + 1); break;  // larger block, same start
    case Qt::Key_Down: n = std::max(1, n - 1); break;
    case Qt::Key_Home: l = std::max(0, optimalStart(n)); break;
    default: QWidget::keyPressEvent(event); return;
    }
    selectBlock(l, n);
}
