// SPDX-License-Identifier: GPL-3.0-or-later
// The strip's geometry: a header line (what is selected on the left, the shading's caption on the right),
// the boxes below it, and under each contiguous run of selected boxes a bar, so a set of several runs reads
// as several blocks.
#include "plots/layer_strip.h"

#include <algorithm>
#include <cmath>

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLinearGradient>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "format.h"
#include "layercut/prune_plan.h"

namespace {

constexpr double kHeaderHeight = 16;  // the header line
constexpr double kBarHeight = 5;      // the selection bar under the boxes
const QColor kSelectedFill(0xe0, 0x45, 0x3a);
const QColor kSelectedOutline(0x9b, 0x1c, 0x13);
const QColor kUnscoredFill(0x5e, 0xc4, 0xe8);
const QColor kAveragedFill(0x2e, 0x9d, 0x5b);  // an inserted block, mean of its neighbours (SLayer)
const QColor kCopiedFill(0x1f, 0x7a, 0x8c);    // an inserted block, copy of the layer before (LLaMA Pro)

/** The shade of a score at `t` in [0, 1] of the range shown: lighter and paler low, darker and bluer high. */
QColor scoreColor(double t)
{
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromHsvF(0.56f, static_cast<float>(0.12 + 0.78 * t), static_cast<float>(0.97 - 0.42 * t));
}

/** Maximal runs of consecutive layers in a sorted list: (first, last) pairs. */
std::vector<std::pair<int, int>> runsOf(const std::vector<int64_t> &sorted)
{
    std::vector<std::pair<int, int>> runs;
    for (const int64_t l : sorted) {
        if (!runs.empty() && runs.back().second + 1 == l)
            runs.back().second = static_cast<int>(l);
        else
            runs.emplace_back(static_cast<int>(l), static_cast<int>(l));
    }
    return runs;
}

}  // namespace

LayerStrip::LayerStrip(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(false);
    setAttribute(Qt::WA_Hover, false);
    setFocusPolicy(Qt::ClickFocus);  // the Insert key
}

void LayerStrip::setLayerCount(int count)
{
    m_count = std::max(0, count);
    m_selected.clear();
    m_anchor = m_dragAnchor = -1;
    update();
}

void LayerStrip::setScores(const std::vector<double> &scores)
{
    m_scores = scores;
    update();
}

void LayerStrip::setSelection(int first, int last)
{
    std::vector<int64_t> layers;
    if (first >= 0 && m_count > 0) {
        const int lo = std::clamp(std::min(first, last), 0, m_count - 1);
        const int hi = std::clamp(std::max(first, last), 0, m_count - 1);
        for (int i = lo; i <= hi; ++i)
            layers.push_back(i);
    }
    setSelectedLayers(layers);
}

void LayerStrip::setSelectedLayers(const std::vector<int64_t> &layers)
{
    m_selected.clear();
    for (const int64_t l : layers)
        if (l >= 0 && l < m_count)
            m_selected.push_back(l);
    std::sort(m_selected.begin(), m_selected.end());
    m_selected.erase(std::unique(m_selected.begin(), m_selected.end()), m_selected.end());
    // Keep the anchor where the user put it while it is part of the selection (a drag from 4 down to 1
    // comes back here as 1..4; Shift-click then still extends from 4).
    if (m_anchor < 0 || !isSelected(m_anchor))
        m_anchor = m_selected.empty() ? -1 : static_cast<int>(m_selected.front());
    update();
}

bool LayerStrip::isContiguous() const
{
    return !m_selected.empty() && m_selected.back() - m_selected.front() + 1 == static_cast<int64_t>(m_selected.size());
}

bool LayerStrip::isSelected(int index) const
{
    return std::binary_search(m_selected.begin(), m_selected.end(), static_cast<int64_t>(index));
}

bool LayerStrip::isDropped(int index) const
{
    return std::find(m_dropped.begin(), m_dropped.end(), index) != m_dropped.end();
}

void LayerStrip::setDropped(const std::vector<int64_t> &layers)
{
    m_dropped = layers;
    update();
}

void LayerStrip::setInserted(const std::vector<lc::PlannedBlock> &inserted)
{
    m_inserted = inserted;
    update();
}

const lc::PlannedBlock *LayerStrip::insertedAfter(int after) const
{
    for (const lc::PlannedBlock &b : m_inserted)
        if (b.source == after)
            return &b;
    return nullptr;
}

QRectF LayerStrip::insertedMarkerRect(int after) const
{
    if (!insertedAfter(after) || after < 0 || after >= m_count)
        return {};
    // On the boundary after the layer's box (inside the strip after the last one), narrower than a box.
    const QRectF box = boxRect(after);
    const double w = std::clamp(box.width() * 0.45, 7.0, 14.0), h = box.height() * 0.8;
    const double x = std::min(box.right() + 0.5 - w / 2, static_cast<double>(width()) - w - 1);
    return {x, box.center().y() - h / 2, w, h};
}

int LayerStrip::markerAt(const QPoint &pos) const
{
    for (const lc::PlannedBlock &b : m_inserted)
        if (insertedMarkerRect(static_cast<int>(b.source)).adjusted(-1, -1, 1, 1).contains(pos))
            return static_cast<int>(b.source);
    return -1;
}

QString LayerStrip::insertedToolTip(int after) const
{
    const lc::PlannedBlock *b = insertedAfter(after);
    if (!b)
        return {};
    const QString how =
        b->init == lc::BlockInit::Copy
            ? tr("a copy of layer %1 (LLaMA Pro)").arg(after)
            : (after + 1 < m_count ? tr("the mean of layers %1 and %2 (Llama SLayer)").arg(after).arg(after + 1)
                                   : tr("a copy of layer %1, the last (Llama SLayer's mean)").arg(after));
    return tr("New block after layer %1\nStarts as %2, with o_proj and down_proj zero: the identity until "
              "trained (Healing: Inserted blocks only)")
        .arg(after)
        .arg(how);
}

QMenu *LayerStrip::contextMenuFor(int index)
{
    auto *menu = new QMenu(this);
    if (index >= 0 && index < m_count) {
        const bool free = !insertedAfter(index) && !isDropped(index);
        QAction *average = menu->addAction(tr("Insert Averaged Block After Layer %1").arg(index));
        average->setToolTip(tr("Llama SLayer: every tensor the mean of this layer and the next"));
        average->setEnabled(free);
        connect(average, &QAction::triggered, this,
                [this, index] { emit insertRequested(index, lc::BlockInit::Average); });
        QAction *copy = menu->addAction(tr("Insert Copied Block After Layer %1").arg(index));
        copy->setToolTip(tr("LLaMA Pro: a copy of this layer"));
        copy->setEnabled(free);
        connect(copy, &QAction::triggered, this, [this, index] { emit insertRequested(index, lc::BlockInit::Copy); });
        if (insertedAfter(index)) {
            QAction *remove = menu->addAction(tr("Remove the Block Inserted After Layer %1").arg(index));
            connect(remove, &QAction::triggered, this, [this, index] { emit removeInsertedRequested(index); });
        }
        menu->addSeparator();
    }
    QAction *s = menu->addAction(tr("Apply Llama SLayer's S Strategy"));
    s->setToolTip(tr("New averaged blocks after layers 1, 3, …, L/2 − 1, and the last 2 layers dropped"));
    s->setEnabled(m_count >= 4);
    connect(s, &QAction::triggered, this, &LayerStrip::sStrategyRequested);
    return menu;
}

void LayerStrip::contextMenuEvent(QContextMenuEvent *event)
{
    const int marker = markerAt(event->pos());
    QMenu *menu = contextMenuFor(marker >= 0 ? marker : boxAt(event->pos()));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
}

void LayerStrip::keyPressEvent(QKeyEvent *event)
{
    // Insert: a new (averaged) block after the last selected layer.
    if (event->key() == Qt::Key_Insert && selectedLast() >= 0 && !insertedAfter(selectedLast()) &&
        !isDropped(selectedLast())) {
        emit insertRequested(selectedLast(), lc::BlockInit::Average);
        return;
    }
    QWidget::keyPressEvent(event);
}

void LayerStrip::paintInserted(QPainter &p)
{
    for (const lc::PlannedBlock &b : m_inserted) {
        const QRectF r = insertedMarkerRect(static_cast<int>(b.source));
        if (r.isEmpty())
            continue;
        p.setPen(QPen(Qt::white, 1.5));
        p.setBrush(b.init == lc::BlockInit::Copy ? kCopiedFill : kAveragedFill);
        p.drawRoundedRect(r, 2.5, 2.5);
        const QPointF c = r.center();
        const double arm = std::min(r.width(), r.height()) * 0.28;
        p.drawLine(c - QPointF(arm, 0), c + QPointF(arm, 0));
        p.drawLine(c - QPointF(0, arm), c + QPointF(0, arm));
    }
}

QRectF LayerStrip::boxRect(int index) const
{
    const double w = static_cast<double>(width() - 2) / std::max(1, m_count);
    const double top = kHeaderHeight + 2;
    return {1 + index * w, top, std::max(1.0, w - 1), std::max(4.0, height() - top - kBarHeight - 2)};
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
    return std::clamp(static_cast<int>(std::floor((pos.x() - 1) / w)), 0, m_count - 1);
}

int LayerStrip::boxAt(const QPoint &pos) const
{
    const int i = layerAt(pos);
    return i >= 0 && boxRect(i).adjusted(0, 0, 1, kBarHeight + 2).contains(pos) ? i : -1;
}

QString LayerStrip::headerText() const
{
    if (m_selected.empty())
        return tr("Layers: click or drag to select; Ctrl-click adds or removes one");
    const int n = static_cast<int>(m_selected.size());
    if (n == 1)
        return tr("Layer %1 selected").arg(m_selected.front());
    if (isContiguous())
        return tr("Layers %1–%2 selected").arg(m_selected.front()).arg(m_selected.back());
    return tr("Layers %1 selected (%n layer(s))", nullptr, n)
        .arg(QString::fromStdString(lc::PrunePlan::ranges(m_selected)));
}

QString LayerStrip::legendText() const
{
    if (m_scores.empty())
        return {};
    const auto [mn, mx] = std::minmax_element(m_scores.begin(), m_scores.end());
    return tr("Shading: Block Influence of each layer, 1 − cos(its input, its output), from %1 (lightest) to %2 "
              "(darkest). The darker, the more the layer changes the stream; light layers are candidates to drop.")
        .arg(format::significant(*mn), format::significant(*mx));
}

QString LayerStrip::layerToolTip(int index) const
{
    if (index < 0 || index >= m_count)
        return {};
    QStringList lines{tr("Layer %1").arg(index)};
    if (index < static_cast<int>(m_scores.size()))
        lines << tr("Block Influence: %1").arg(format::significant(m_scores[static_cast<size_t>(index)]));
    else
        lines << tr("Block Influence: not measured yet");
    const bool selected = isSelected(index), dropped = isDropped(index);
    if (selected && dropped)
        lines << tr("Selected; already dropped from the model");
    else if (selected)
        lines << tr("Selected");
    else if (dropped)
        lines << tr("Dropped from the model");
    else
        lines << tr("Not selected");
    if (insertedAfter(index))
        lines << tr("A new block follows it");
    return lines.join(QLatin1Char('\n'));
}

bool LayerStrip::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (const int m = markerAt(help->pos()); m >= 0) {
            QToolTip::showText(help->globalPos(), insertedToolTip(m), this, insertedMarkerRect(m).toAlignedRect());
        } else if (const int i = boxAt(help->pos()); i >= 0) {
            QToolTip::showText(help->globalPos(), layerToolTip(i), this, boxRect(i).toAlignedRect());
        } else {
            const QString hint = tr("Click or drag to select layers; Ctrl-click adds or removes a layer, "
                                    "Shift-click extends the selection from the last layer clicked. Right-click "
                                    "a layer to insert a new block after it.");
            const QString legend = legendText();
            QToolTip::showText(help->globalPos(), legend.isEmpty() ? hint : legend + QLatin1Char('\n') + hint, this);
        }
        return true;
    }
    return QWidget::event(event);
}

void LayerStrip::paintLegend(QPainter &p, const QRectF &area)
{
    // Right-aligned on the header line: "Block Influence  low [gradient] high", and the dropped marker.
    const QFontMetricsF fm(p.font());
    const QString title = tr("Block Influence:");
    const QString low = tr("low"), high = tr("high"), droppedLabel = tr("dropped"), insertedLabel = tr("inserted");
    const double gradientWidth = 56, gap = 4, swatch = 10;
    double needed =
        fm.horizontalAdvance(title) + fm.horizontalAdvance(low) + fm.horizontalAdvance(high) + gradientWidth + 4 * gap;
    const bool withDropped = !m_dropped.empty(), withInserted = !m_inserted.empty();
    if (withDropped)
        needed += 3 * gap + swatch + fm.horizontalAdvance(droppedLabel);
    if (withInserted)
        needed += 3 * gap + swatch + fm.horizontalAdvance(insertedLabel);
    if (needed > area.width())
        return;  // too narrow: the tooltips still say it
    double x = area.right() - needed;
    const double cy = area.center().y();
    const auto text = [&](const QString &s) {
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRectF(x, area.top(), fm.horizontalAdvance(s) + 1, area.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   s);
        x += fm.horizontalAdvance(s) + gap;
    };
    if (!m_scores.empty()) {
        text(title);
        text(low);
        QLinearGradient g(x, 0, x + gradientWidth, 0);
        for (int i = 0; i <= 4; ++i)
            g.setColorAt(i / 4.0, scoreColor(i / 4.0));
        p.setPen(QPen(palette().color(QPalette::Mid), 1));
        p.setBrush(g);
        p.drawRect(QRectF(x, cy - 4, gradientWidth, 8));
        x += gradientWidth + gap;
        text(high);
    }
    if (withDropped) {
        x += 2 * gap;
        const QRectF r(x, cy - swatch / 2, swatch, swatch);
        p.setPen(QPen(palette().color(QPalette::Mid), 1));
        p.setBrush(palette().color(QPalette::Midlight));
        p.drawRect(r);
        p.setPen(QPen(palette().color(QPalette::Dark), 1.2));
        p.drawLine(r.topLeft() + QPointF(1.5, 1.5), r.bottomRight() - QPointF(1.5, 1.5));
        p.drawLine(r.bottomLeft() + QPointF(1.5, -1.5), r.topRight() + QPointF(-1.5, 1.5));
        x += swatch + gap;
        text(droppedLabel);
    }
    if (withInserted) {
        x += 2 * gap;
        p.setPen(Qt::NoPen);
        p.setBrush(kAveragedFill);
        p.drawRoundedRect(QRectF(x, cy - swatch / 2, swatch, swatch), 2, 2);
        x += swatch + gap;
        text(insertedLabel);
    }
}

void LayerStrip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF header(0, 0, width(), kHeaderHeight);
    const QString title = headerText();
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(header, Qt::AlignLeft | Qt::AlignVCenter, title);
    if (!m_scores.empty() || !m_dropped.empty() || !m_inserted.empty()) {
        const double used = QFontMetricsF(p.font()).horizontalAdvance(title) + 16;
        paintLegend(p, header.adjusted(used, 0, -2, 0));
    }

    double lo = 0, hi = 1;
    if (!m_scores.empty()) {
        const auto [mn, mx] = std::minmax_element(m_scores.begin(), m_scores.end());
        lo = *mn, hi = *mx > *mn ? *mx : *mn + 1;
    }
    const double w = boxRect(0).width();
    for (int i = 0; i < m_count; ++i) {
        const QRectF r = boxRect(i);
        const bool selected = isSelected(i), dropped = isDropped(i);
        QColor fill = kUnscoredFill;
        double t = 0;
        if (i < static_cast<int>(m_scores.size())) {
            t = (m_scores[static_cast<size_t>(i)] - lo) / (hi - lo);
            fill = scoreColor(t);
        }
        if (selected)
            fill = kSelectedFill;
        else if (dropped)
            fill = palette().color(QPalette::Midlight);
        p.setPen(QPen(palette().color(QPalette::Mid), 1));
        p.setBrush(fill);
        p.drawRoundedRect(r, 2, 2);
        if (dropped) {  // crossed out: this layer no longer runs
            p.setPen(QPen(selected ? QColor(Qt::white) : palette().color(QPalette::Dark), 1.5));
            p.drawLine(r.topLeft() + QPointF(2, 2), r.bottomRight() - QPointF(2, 2));
            p.drawLine(r.bottomLeft() + QPointF(2, -2), r.topRight() + QPointF(-2, 2));
        }
        if (w >= 16 || i % std::max(1, static_cast<int>(18 / std::max(1.0, w))) == 0) {
            p.setPen(selected || (!dropped && t > 0.6) ? Qt::white : Qt::black);
            p.drawText(r, Qt::AlignCenter, QString::number(i));
        }
    }
    // Each contiguous run of the selection: an outline around its boxes and a bar under them, so two runs
    // side by side with a gap read as two blocks.
    for (const auto &[first, last] : runsOf(m_selected)) {
        const QRectF a = boxRect(first), b = boxRect(last);
        const QRectF run(a.left() - 0.5, a.top() - 0.5, b.right() - a.left() + 1, a.height() + 1);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(kSelectedOutline, 2));
        p.drawRoundedRect(run, 3, 3);
        p.setPen(Qt::NoPen);
        p.setBrush(kSelectedOutline);
        p.drawRoundedRect(QRectF(run.left(), run.bottom() + 2, run.width(), kBarHeight - 1), 1.5, 1.5);
    }
    paintInserted(p);
}

void LayerStrip::updateDrag(int layer)
{
    const int lo = std::min(m_dragAnchor, layer), hi = std::max(m_dragAnchor, layer);
    std::vector<int64_t> set;
    for (const int64_t l : m_dragBase)
        if (!m_dragRemoves || l < lo || l > hi)
            set.push_back(l);
    if (!m_dragRemoves)
        for (int i = lo; i <= hi; ++i)
            set.push_back(i);
    m_selected.clear();
    setSelectedLayers(set);
}

void LayerStrip::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_count == 0)
        return;
    const int layer = layerAt(event->position().toPoint());
    const bool ctrl = event->modifiers() & Qt::ControlModifier, shift = event->modifiers() & Qt::ShiftModifier;
    m_dragRemoves = false;
    if (shift && m_anchor >= 0) {  // from the anchor to here; Ctrl keeps what was selected
        m_dragBase = ctrl ? m_selected : std::vector<int64_t>{};
        m_dragAnchor = m_anchor;
    } else if (ctrl) {  // toggle this layer (and those dragged over) in the selection
        m_dragBase = m_selected;
        m_dragRemoves = isSelected(layer);
        m_dragAnchor = m_anchor = layer;
    } else {
        m_dragBase.clear();
        m_dragAnchor = m_anchor = layer;
    }
    const int anchor = m_anchor;
    updateDrag(layer);
    m_anchor = anchor;  // even when a Ctrl-click removed it
}

void LayerStrip::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragAnchor >= 0) {
        const int anchor = m_anchor;
        updateDrag(layerAt(event->position().toPoint()));
        m_anchor = anchor;
    }
}

void LayerStrip::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragAnchor < 0 || event->button() != Qt::LeftButton)
        return;
    const int anchor = m_anchor;
    updateDrag(layerAt(event->position().toPoint()));
    m_anchor = anchor;
    m_dragAnchor = -1;
    m_dragBase.clear();
    const std::vector<int64_t> layers = m_selected;  // a slot may change the selection
    emit layersSelected(layers);
    if (!layers.empty() && layers.back() - layers.front() + 1 == static_cast<int64_t>(layers.size()))
        emit rangeSelected(static_cast<int>(layers.front()), static_cast<int>(layers.back()));
}
