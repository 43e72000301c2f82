// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/layer_strip.h"

#include <algorithm>

#include <QMouseEvent>
#include <QPainter>

LayerStrip::LayerStrip(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(false);
    setToolTip(tr("Drag across layers to select a block to drop"));
}

void LayerStrip::setLayerCount(int count)
{
    m_count = count;
    m_first = m_last = -1;
    update();
}

void LayerStrip::setScores(const std::vector<double> &scores)
{
    m_scores = scores;
    update();
}

void LayerStrip::setSelection(int first, int last)
{
    const bool none = first < 0 || m_count == 0;
    m_first = none ? -1 : std::clamp(std::min(first, last), 0, m_count - 1);
    m_last = none ? -1 : std::clamp(std::max(first, last), 0, m_count - 1);
    update();
}

QRectF LayerStrip::boxRect(int index) const
{
    const double w = static_cast<double>(width() - 2) / std::max(1, m_count);
    return {1 + index * w, 14, std::max(1.0, w - 1), height() - 16.0};
}

QPoint LayerStrip::layerCenter(int index) const
{
    return boxRect(index).center().toPoint();
}

int LayerStrip::layerAt(const QPoint &pos) const
{
    if (m_count == 0)
        return -1;
    const double w = static_cast<double>(width() - 2) / m_count;
    return std::clamp(static_cast<int>((pos.x() - 1) / w), 0, m_count - 1);
}

void LayerStrip::setDropped(const std::vector<int64_t> &layers)
{
    m_dropped = layers;
    update();
}

void LayerStrip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRectF(0, 0, width(), 13), Qt::AlignLeft | Qt::AlignVCenter,
               m_first < 0       ? tr("Layers: drag to select a block")
               : m_first == m_last ? tr("Layer %1 selected").arg(m_first)
                                   : tr("Layers %1–%2 selected").arg(m_first).arg(m_last));
    double lo = 0, hi = 1;
    if (!m_scores.empty()) {
        const auto [mn, mx] = std::minmax_element(m_scores.begin(), m_scores.end());
        lo = *mn, hi = *mx > *mn ? *mx : *mn + 1;
    }
    const double w = boxRect(0).width();
    for (int i = 0; i < m_count; ++i) {
        const QRectF r = boxRect(i);
        const bool selected = m_first >= 0 && i >= m_first && i <= m_last;
        QColor fill(0x5e, 0xc4, 0xe8);
        if (i < static_cast<int>(m_scores.size()))
            fill = QColor::fromHsvF(0.55, 0.2 + 0.7 * (m_scores[static_cast<size_t>(i)] - lo) / (hi - lo), 0.85);
        if (selected)
            fill = QColor(0xe0, 0x45, 0x3a);
        const bool dropped = std::find(m_dropped.begin(), m_dropped.end(), i) != m_dropped.end();
        if (dropped && !selected)
            fill = palette().color(QPalette::Midlight);
        p.setPen(QPen(palette().color(QPalette::Mid), 1));
        p.setBrush(fill);
        p.drawRoundedRect(r, 2, 2);
        if (dropped) {  // crossed out: this layer no longer runs
            p.setPen(QPen(palette().color(QPalette::Dark), 1.5));
            p.drawLine(r.topLeft() + QPointF(2, 2), r.bottomRight() - QPointF(2, 2));
            p.drawLine(r.bottomLeft() + QPointF(2, -2), r.topRight() + QPointF(-2, 2));
        }
        if (w >= 16 || i % std::max(1, static_cast<int>(18 / std::max(1.0, w))) == 0) {
            p.setPen(selected ? Qt::white : Qt::black);
            p.drawText(r, Qt::AlignCenter, QString::number(i));
        }
    }
}

void LayerStrip::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_count == 0)
        return;
    m_dragAnchor = layerAt(event->position().toPoint());
    setSelection(m_dragAnchor, m_dragAnchor);
}

void LayerStrip::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragAnchor >= 0)
        setSelection(m_dragAnchor, layerAt(event->position().toPoint()));
}

void LayerStrip::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragAnchor < 0 || event->button() != Qt::LeftButton)
        return;
    setSelection(m_dragAnchor, layerAt(event->position().toPoint()));
    m_dragAnchor = -1;
    emit rangeSelected(m_first, m_last);
}
