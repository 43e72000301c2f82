// SPDX-License-Identifier: GPL-3.0-or-later
// The per-layer importance chart: grouped bars against the layer index, rebuilt as each point arrives
// (a scan has one or two points per layer, so rebuilding is cheap).
#include "plots/importance_chart.h"

#include <algorithm>
#include <cmath>

#include <QVBoxLayout>
#include <qcustomplot.h>

namespace {

const QColor kLossColor(31, 119, 180);
const QColor kAccuracyColor(230, 85, 13);
const QColor kInjectionColor(44, 160, 44);

/** Replaces the point of the same layer in `points`, or adds it. */
void upsert(std::vector<lc::SweepPoint> &points, const lc::SweepPoint &point)
{
    const auto same = std::find_if(points.begin(), points.end(), [&](const lc::SweepPoint &p) {
        return p.dropped == point.dropped && p.insertedAfter == point.insertedAfter;
    });
    if (same != points.end())
        *same = point;
    else
        points.push_back(point);
}

}  // namespace

ImportanceChart::ImportanceChart(QWidget *parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);

    m_title = new QCPTextElement(m_plot, tr("Per-layer importance"),
                                 QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_title);

    // One group of bars per layer: loss on the left axis, accuracy in points on the right.
    auto *group = new QCPBarsGroup(m_plot);
    const auto bars = [&](QCPAxis *axis, const QString &name, const QColor &color) {
        auto *b = new QCPBars(m_plot->xAxis, axis);
        b->setName(name);
        b->setPen(QPen(color.darker(120)));
        b->setBrush(color);
        b->setWidth(0.38);
        b->setBarsGroup(group);
        return b;
    };
    m_lossBars = bars(m_plot->yAxis, tr("Loss increase (nats per token)"), kLossColor);
    m_accuracyBars = bars(m_plot->yAxis2, tr("MMLU accuracy lost (points)"), kAccuracyColor);
    m_injectionBars =
        bars(m_plot->yAxis2, tr("New facts learnt by a block inserted after it (points)"), kInjectionColor);

    m_plot->xAxis->setLabel(tr("Layer dropped alone"));
    m_plot->yAxis->setLabel(tr("Held-out loss increase"));
    m_plot->yAxis2->setLabel(tr("MMLU accuracy lost (percentage points)"));
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);

    m_empty = new QCPItemText(m_plot);
    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setText(tr("No importance scan yet.\nPress Per-Layer Importance in the Evaluation dock."));
    m_empty->setColor(Qt::gray);
    m_empty->setTextAlignment(Qt::AlignCenter);
    reset(0);
}

void ImportanceChart::reset(qint64 layers)
{
    m_layers = layers;
    m_points.clear();
    m_inserted.clear();
    m_whole.reset();
    m_title->setText(tr("Per-layer importance"));
    rebuild();
}

void ImportanceChart::setTitle(const QString &title)
{
    m_title->setText(title.isEmpty() ? tr("Per-layer importance") : title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ImportanceChart::addPoint(const lc::SweepPoint &point)
{
    if (point.strategy != lc::PruneStrategy::Single)
        return;
    if (point.insertedAfter) {
        upsert(m_inserted, point);
        m_layers = std::max<qint64>(m_layers, *point.insertedAfter + 1);
    } else if (point.dropped.empty()) {
        m_whole = point;
    } else {
        upsert(m_points, point);
        m_layers = std::max<qint64>(m_layers, point.dropped.front() + 1);
    }
    rebuild();
}

std::vector<std::optional<double>> ImportanceChart::lossIncrease() const
{
    std::vector<std::optional<double>> out(static_cast<size_t>(m_layers));
    if (!m_whole || !m_whole->loss)
        return out;
    for (const lc::SweepPoint &p : m_points)
        if (p.loss && p.dropped.size() == 1 && p.dropped.front() < m_layers)
            out[static_cast<size_t>(p.dropped.front())] = *p.loss - *m_whole->loss;
    return out;
}

std::vector<std::optional<double>> ImportanceChart::accuracyDrop() const
{
    std::vector<std::optional<double>> out(static_cast<size_t>(m_layers));
    if (!m_whole || !m_whole->mmlu)
        return out;
    for (const lc::SweepPoint &p : m_points)
        if (p.mmlu && p.dropped.size() == 1 && p.dropped.front() < m_layers)
            out[static_cast<size_t>(p.dropped.front())] = *m_whole->mmlu - *p.mmlu;
    return out;
}

std::vector<std::optional<double>> ImportanceChart::injectionGain() const
{
    std::vector<std::optional<double>> out(static_cast<size_t>(m_layers));
    if (!m_whole)
        return out;
    const bool mmlu = m_whole->injectedMmlu.has_value();
    const std::optional<double> before = mmlu ? m_whole->injectedMmlu : m_whole->injectedBoolq;
    if (!before)
        return out;
    for (const lc::SweepPoint &p : m_inserted) {
        const std::optional<double> after = mmlu ? p.injectedMmlu : p.injectedBoolq;
        if (after && *p.insertedAfter < m_layers)
            out[static_cast<size_t>(*p.insertedAfter)] = *after - *before;
    }
    return out;
}

lc::SweepResult ImportanceChart::result() const
{
    lc::SweepResult r;
    r.layers = m_layers;
    if (m_whole)
        r.points.push_back(*m_whole);
    r.points.insert(r.points.end(), m_points.begin(), m_points.end());
    r.points.insert(r.points.end(), m_inserted.begin(), m_inserted.end());
    return r;
}

void ImportanceChart::rebuild()
{
    QVector<double> x, loss, ax, accuracy, ix, injection;
    const auto increase = lossIncrease();
    const auto drop = accuracyDrop();
    const auto gain = injectionGain();
    for (size_t i = 0; i < increase.size(); ++i) {
        if (increase[i])
            x << static_cast<double>(i), loss << *increase[i];
        if (drop[i])
            ax << static_cast<double>(i), accuracy << 100 * *drop[i];
        if (gain[i])
            ix << static_cast<double>(i), injection << 100 * *gain[i];
    }
    m_lossBars->setData(x, loss, true);
    const auto show = [](QCPBars *bars, const QVector<double> &keys, const QVector<double> &values) {
        bars->setData(keys, values, true);
        bars->setVisible(!keys.isEmpty());
        if (keys.isEmpty())
            bars->removeFromLegend();
        else
            bars->addToLegend();
    };
    show(m_accuracyBars, ax, accuracy);
    const bool boolqProbe = m_whole && !m_whole->injectedMmlu && m_whole->injectedBoolq;
    m_injectionBars->setName(boolqProbe ? tr("New facts learnt by a block inserted after it (BoolQ points)")
                                        : tr("New facts learnt by a block inserted after it (MMLU points)"));
    show(m_injectionBars, ix, injection);
    // Two or three bars a layer: each narrower when the probe's bars are there.
    const double width = ix.isEmpty() ? 0.38 : 0.27;
    for (QCPBars *bars : {m_lossBars, m_accuracyBars, m_injectionBars})
        bars->setWidth(width);
    m_plot->xAxis->setLabel(ix.isEmpty()
                                ? tr("Layer dropped alone")
                                : tr("Layer (dropped alone, or followed by a new block trained on new facts)"));
    m_plot->yAxis2->setLabel(ix.isEmpty() ? tr("MMLU accuracy lost (percentage points)")
                                          : tr("Accuracy lost, and gained on new facts (percentage points)"));
    accuracy += injection;  // one right axis for both
    m_plot->yAxis2->setVisible(!accuracy.isEmpty());
    m_empty->setVisible(x.isEmpty() && accuracy.isEmpty());
    m_plot->xAxis->setRange(-0.7, std::max<double>(static_cast<double>(m_layers), 1.0) - 0.3);
    const auto span = [](const QVector<double> &v, double minPad) {
        double lo = 0, hi = 0;
        for (const double d : v)
            lo = std::min(lo, d), hi = std::max(hi, d);
        const double pad = std::max(minPad, (hi - lo) * 0.1);
        return QCPRange(lo < 0 ? lo - pad : 0, hi + pad);
    };
    // Both axes put zero at the same height, so bars of either kind grow from one baseline.
    QCPRange lossRange = span(loss, 1e-3), accuracyRange = span(accuracy, 1.0);
    const double zero = std::max(-lossRange.lower / lossRange.size(), -accuracyRange.lower / accuracyRange.size());
    for (QCPRange *r : {&lossRange, &accuracyRange})
        r->lower = -zero / (1 - zero) * r->upper;
    m_plot->yAxis->setRange(lossRange);
    m_plot->yAxis2->setRange(accuracyRange);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}
