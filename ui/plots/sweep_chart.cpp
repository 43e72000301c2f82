// SPDX-License-Identifier: GPL-3.0-or-later
// The sweep chart. Points arrive one by one from the compute thread (resumed ones first); each redraws
// only its own series and asks for a queued replot. Keys are the percent of layers dropped (counted, not
// requested), accuracy percent.
#include "plots/sweep_chart.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <QLocale>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace {

/** A colour per strategy, dark, middle and light in luminance, so that they stay apart in greyscale print too. */
QColor strategyColor(lc::PruneStrategy strategy)
{
    switch (strategy) {
    case lc::PruneStrategy::Similarity: return {24, 60, 150};  // dark blue
    case lc::PruneStrategy::Deepest: return {240, 140, 20};    // light orange
    case lc::PruneStrategy::Reverse: return {50, 160, 80};     // middle green
    case lc::PruneStrategy::Single: break;
    }
    return {110, 110, 110};
}

QCPScatterStyle::ScatterShape measureShape(SweepChart::Measure measure)
{
    switch (measure) {
    case SweepChart::Measure::Mmlu: return QCPScatterStyle::ssCircle;
    case SweepChart::Measure::Boolq: return QCPScatterStyle::ssSquare;
    case SweepChart::Measure::Gsm8k: return QCPScatterStyle::ssTriangle;
    case SweepChart::Measure::Loss: return QCPScatterStyle::ssDiamond;
    }
    return QCPScatterStyle::ssCircle;
}

/**
 * The line of a measure: MMLU solid, BoolQ dashed, GSM8K dash-dot-dotted (readable in greyscale too); the loss
 * has its own rect.
 */
Qt::PenStyle measureStyle(SweepChart::Measure measure)
{
    switch (measure) {
    case SweepChart::Measure::Boolq: return Qt::DashLine;
    case SweepChart::Measure::Gsm8k: return Qt::DashDotDotLine;
    case SweepChart::Measure::Mmlu:
    case SweepChart::Measure::Loss: break;
    }
    return Qt::SolidLine;
}

QString measureText(SweepChart::Measure measure)
{
    switch (measure) {
    case SweepChart::Measure::Mmlu: return SweepChart::tr("MMLU");
    case SweepChart::Measure::Boolq: return SweepChart::tr("BoolQ");
    case SweepChart::Measure::Gsm8k: return SweepChart::tr("GSM8K");
    case SweepChart::Measure::Loss: break;
    }
    return SweepChart::tr("Loss");
}

const SweepChart::Measure kAccuracyMeasures[] = {SweepChart::Measure::Mmlu, SweepChart::Measure::Boolq,
                                                 SweepChart::Measure::Gsm8k};

/** Healed: a heavier line and filled markers; not healed: a lighter line and hollow markers. */
QPen seriesPen(SweepChart::Measure measure, const QColor &color, bool healed)
{
    QPen pen(color, healed ? 2.6 : 1.5, measureStyle(measure));
    pen.setCapStyle(Qt::FlatCap);
    return pen;
}

QCPScatterStyle seriesScatter(SweepChart::Measure measure, const QColor &color, bool healed)
{
    return QCPScatterStyle(measureShape(measure), QPen(color, 1.5), healed ? QBrush(color) : QBrush(Qt::white),
                           healed ? 8 : 7);
}

// The strategies in the order the legend names them; any other after these, alphabetically.

const QColor kKeyColor(60, 60, 60);  // the legend's neutral entries (line style, marker fill)

std::optional<double> valueOf(const lc::SweepPoint &p, SweepChart::Measure measure)
{
    switch (measure) {
    case SweepChart::Measure::Mmlu: return p.mmlu ? std::optional<double>(100 * *p.mmlu) : std::nullopt;
    case SweepChart::Measure::Boolq: return p.boolq ? std::optional<double>(100 * *p.boolq) : std::nullopt;
    case SweepChart::Measure::Gsm8k: return p.gsm8k ? std::optional<double>(100 * *p.gsm8k) : std::nullopt;
    case SweepChart::Measure::Loss: return p.normalizedLoss;
    }
    return std::nullopt;
}

const QColor kBaselineColor(120, 120, 120);

std::string csvNumber(const std::optional<double> &v)
{
    if (!v || !std::isfinite(*v))
        return {};
    std::ostringstream s;
    s.imbue(std::locale::classic());
    s.precision(10);
    s << *v;
    return s.str();
}

}  // namespace

SweepChart::SweepChart(QWidget *parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);

    // Layout: the title; the accuracy rect; the loss rect below it, margins aligned; the legend.
    QCPLayoutGrid *grid = m_plot->plotLayout();
    m_accuracyRect = m_plot->axisRect();
    m_title = new QCPTextElement(m_plot, tr("Sweep"), QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    grid->insertRow(0);
    grid->addElement(0, 0, m_title);
    m_lossRect = new QCPAxisRect(m_plot);
    grid->addElement(2, 0, m_lossRect);
    // The legend goes under both rects.
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    grid->addElement(3, 0, m_plot->legend);
    grid->setRowStretchFactors({0.001, 3.0, 2.0, 0.001});
    // The legend is a key, one row per encoding (rebuildLegend): the line style says the benchmark, the
    // colour the strategy, the marker whether healed; and the baselines. Laid out by hand, so nothing is
    // added to it automatically.
    m_plot->setAutoAddPlottableToLegend(false);
    m_plot->legend->setBorderPen(Qt::NoPen);
    m_plot->legend->setRowSpacing(0);
    m_plot->legend->setColumnSpacing(14);
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 230));
    m_plot->legend->setLayer(QStringLiteral("legend"));
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1));
    m_plot->legend->setFont(small);
    m_plot->legend->setMargins(QMargins(6, 4, 6, 4));
    auto *margins = new QCPMarginGroup(m_plot);
    m_accuracyRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    m_lossRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    for (QCPAxis *axis : m_lossRect->axes())
        axis->setLayer(QStringLiteral("axes")), axis->grid()->setLayer(QStringLiteral("grid"));

    m_accuracyRect->axis(QCPAxis::atBottom)->setLabel(tr("Layers dropped (%)"));
    m_accuracyRect->axis(QCPAxis::atLeft)->setLabel(tr("Accuracy (%)"));
    m_lossRect->axis(QCPAxis::atBottom)->setLabel(tr("Layers dropped (%)"));
    m_lossRect->axis(QCPAxis::atLeft)->setLabel(tr("Held-out loss / ln V"));

    // Baselines: MMLU's four choices and BoolQ's majority class, dashed, each with a legend entry.
    const auto baseline = [this](const QString &name, Qt::PenStyle style, QCPItemStraightLine *&line,
                                 QCPGraph *&entry) {
        line = new QCPItemStraightLine(m_plot);
        line->setClipAxisRect(m_accuracyRect);
        for (QCPItemPosition *p : {line->point1, line->point2})
            p->setAxes(m_accuracyRect->axis(QCPAxis::atBottom), m_accuracyRect->axis(QCPAxis::atLeft));
        line->setPen(QPen(kBaselineColor, 1.2, style));
        entry = m_plot->addGraph(m_accuracyRect->axis(QCPAxis::atBottom), m_accuracyRect->axis(QCPAxis::atLeft));
        entry->setName(name);
        entry->setPen(line->pen());
    };
    // Thin and grey, so they never read as a measured series.
    baseline(tr("MMLU chance (25%)"), Qt::DotLine, m_chance, m_chanceLegend);
    m_chance->point1->setCoords(0, 25);
    m_chance->point2->setCoords(1, 25);
    baseline(tr("BoolQ majority class"), Qt::DashDotLine, m_majority, m_majorityLegend);

    // The key's entries: graphs without data, drawn only in the legend.
    const auto key = [this](const QString &name, const QPen &pen, const QCPScatterStyle &scatter) {
        QCPGraph *g = m_plot->addGraph(m_accuracyRect->axis(QCPAxis::atBottom), m_accuracyRect->axis(QCPAxis::atLeft));
        g->setName(name);
        g->setPen(pen);
        g->setScatterStyle(scatter);
        return g;
    };
    for (const Measure m : kAccuracyMeasures)
        m_measureKeys[m] = key(measureText(m), seriesPen(m, kKeyColor, true), seriesScatter(m, kKeyColor, true));
    for (const bool healed : {true, false})
        m_stateKeys[healed] = key(healed ? tr("healed") : tr("not healed"), seriesPen(Measure::Mmlu, kKeyColor, healed),
                                  seriesScatter(Measure::Mmlu, kKeyColor, healed));

    m_empty = new QCPItemText(m_plot);
    m_empty->setClipAxisRect(m_accuracyRect);
    m_empty->position->setAxisRect(m_accuracyRect);
    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setText(tr("No sweep yet.\nSet one up in the Evaluation dock and press Run Sweep."));
    m_empty->setColor(Qt::gray);
    m_empty->setTextAlignment(Qt::AlignCenter);

    reset(0);
}

QString SweepChart::strategyText(lc::PruneStrategy strategy)
{
    switch (strategy) {
    case lc::PruneStrategy::Similarity: return tr("most similar");
    case lc::PruneStrategy::Deepest: return tr("deepest");
    case lc::PruneStrategy::Reverse: return tr("last layers");
    case lc::PruneStrategy::Single: return tr("single layer");
    }
    return QString::fromStdString(lc::strategyName(strategy));
}

void SweepChart::reset(qint64 layers)
{
    m_layers = layers;
    m_points.clear();
    for (auto &[key, graph] : m_graphs)
        m_plot->removeGraph(graph);
    m_graphs.clear();
    for (auto &[strategy, graph] : m_strategyKeys)
        m_plot->removeGraph(graph);
    m_strategyKeys.clear();
    setBoolqMajority(std::nullopt);
    m_title->setText(tr("Sweep"));
    m_empty->setVisible(true);
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SweepChart::setTitle(const QString &title)
{
    m_title->setText(title.isEmpty() ? tr("Sweep") : title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SweepChart::setBoolqMajority(std::optional<double> majority)
{
    m_boolqMajority = majority;
    m_majority->setVisible(majority.has_value());
    if (majority) {
        m_majority->point1->setCoords(0, 100 * *majority);
        m_majority->point2->setCoords(1, 100 * *majority);
        m_majorityLegend->setName(tr("BoolQ majority class (%1%)").arg(QLocale().toString(100 * *majority, 'f', 1)));
    }
    rebuildLegend();
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SweepChart::setResult(const lc::SweepResult &result)
{
    if (result.layers > 0)
        m_layers = result.layers;
    for (const lc::SweepPoint &p : result.points)
        addPoint(p);
    setBoolqMajority(result.boolqMajority);
}

QCPGraph *SweepChart::graph(Measure measure, lc::PruneStrategy strategy, bool healed) const
{
    const auto it = m_graphs.find({measure, strategy, healed});
    return it == m_graphs.end() ? nullptr : it->second;
}

QCPGraph *SweepChart::series(Measure measure, lc::PruneStrategy strategy, bool healed)
{
    if (QCPGraph *g = graph(measure, strategy, healed))
        return g;
    QCPAxisRect *rect = measure == Measure::Loss ? m_lossRect : m_accuracyRect;
    QCPGraph *g = m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    const QColor color = strategyColor(strategy);
    g->setPen(seriesPen(measure, color, healed));
    g->setScatterStyle(seriesScatter(measure, color, healed));
    const QString benchmark = measureText(measure);
    g->setName(healed ? tr("%1, %2, healed").arg(benchmark, strategyText(strategy))
                      : tr("%1, %2").arg(benchmark, strategyText(strategy)));
    m_graphs[{measure, strategy, healed}] = g;
    if (!m_strategyKeys.count(strategy)) {
        // A swatch of the strategy's colour for the key.
        QCPGraph *key =
            m_plot->addGraph(m_accuracyRect->axis(QCPAxis::atBottom), m_accuracyRect->axis(QCPAxis::atLeft));
        key->setName(strategyText(strategy));
        QPen swatch(color, 6);
        swatch.setCapStyle(Qt::FlatCap);
        key->setPen(swatch);
        m_strategyKeys[strategy] = key;
    }
    rebuildLegend();
    return g;
}

void SweepChart::rebuildLegend()
{
    QCPLegend *legend = m_plot->legend;
    for (int i = legend->elementCount() - 1; i >= 0; --i)
        if (legend->elementAt(i))  // a row shorter than the longest leaves empty cells, which take no removing
            legend->removeAt(i);
    legend->simplify();
    // What the series drawn use.
    std::set<Measure> measures;
    std::set<bool> states;
    std::set<lc::PruneStrategy> strategies;  // in the enum's order: similarity, deepest, reverse
    for (const auto &[key, graph] : m_graphs) {
        const auto &[measure, strategy, healed] = key;
        if (measure != Measure::Loss)
            measures.insert(measure);
        states.insert(healed);
        strategies.insert(strategy);
    }
    int row = 0;
    const auto addRow = [&](const QString &heading, const std::vector<QCPGraph *> &entries) {
        if (entries.empty())
            return;
        auto *text = new QCPTextElement(m_plot, heading, legend->font());
        text->setLayer(legend->layer());
        text->setTextFlags(Qt::AlignRight | Qt::AlignVCenter);
        text->setTextColor(legend->textColor());
        text->setMargins(QMargins(0, 0, 0, 0));
        legend->addElement(row, 0, text);
        int column = 1;
        for (QCPGraph *g : entries)
            legend->addElement(row, column++, new QCPPlottableLegendItem(legend, g));
        ++row;
    };
    std::vector<QCPGraph *> entries;
    for (const Measure m : measures)
        entries.push_back(m_measureKeys.at(m));
    addRow(tr("Benchmark:"), entries);
    entries.clear();
    for (const lc::PruneStrategy s : strategies)
        entries.push_back(m_strategyKeys.at(s));
    addRow(tr("Strategy:"), entries);
    entries.clear();
    for (const bool healed : {true, false})
        if (states.count(healed))
            entries.push_back(m_stateKeys.at(healed));
    addRow(tr("Healing:"), entries);
    entries = {m_chanceLegend};
    if (m_boolqMajority)
        entries.push_back(m_majorityLegend);
    addRow(tr("Baselines:"), entries);
    legend->setColumnStretchFactor(0, 0.01);  // the headings as narrow as they can be
}

QStringList SweepChart::legendTexts() const
{
    QStringList out;
    for (int i = 0; i < m_plot->legend->elementCount(); ++i) {
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(m_plot->legend->elementAt(i)))
            out << item->plottable()->name();
        else if (auto *text = qobject_cast<QCPTextElement *>(m_plot->legend->elementAt(i)))
            out << text->text();
    }
    return out;
}

QCPGraph *SweepChart::legendGraph(const QString &name) const
{
    for (int i = 0; i < m_plot->legend->elementCount(); ++i)
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(m_plot->legend->elementAt(i)))
            if (item->plottable()->name() == name)
                return qobject_cast<QCPGraph *>(item->plottable());
    return nullptr;
}

double SweepChart::droppedPercent(const lc::SweepPoint &point) const
{
    // The layers actually dropped, not the fraction asked for: 0.1 of 16 layers drops 2, which is 12.5 %.
    // Without the model's L (never the case for a sweep run or read back) the request is all there is.
    if (m_layers <= 0)
        return 100 * point.fraction;
    return 100.0 * static_cast<double>(point.dropped.size()) / static_cast<double>(m_layers);
}

void SweepChart::rebuildSeries(Measure measure, lc::PruneStrategy strategy, bool healed)
{
    QVector<double> x, y;
    for (const lc::SweepPoint &p : m_points)
        if (p.strategy == strategy && p.healed == healed)
            if (const std::optional<double> v = valueOf(p, measure); v && std::isfinite(*v))
                x << droppedPercent(p), y << *v;
    if (x.isEmpty())
        return;
    series(measure, strategy, healed)->setData(x, y);  // sorts by key
}

void SweepChart::addPoint(const lc::SweepPoint &point)
{
    if (point.strategy == lc::PruneStrategy::Single)
        return;  // the importance scan has its own chart
    const auto same = std::find_if(m_points.begin(), m_points.end(), [&](const lc::SweepPoint &p) {
        return p.strategy == point.strategy && p.healed == point.healed && std::abs(p.fraction - point.fraction) < 1e-9;
    });
    if (same != m_points.end())
        *same = point;
    else
        m_points.push_back(point);
    for (const Measure m : {Measure::Mmlu, Measure::Boolq, Measure::Gsm8k, Measure::Loss})
        rebuildSeries(m, point.strategy, point.healed);
    m_empty->setVisible(false);
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void SweepChart::rescale()
{
    double maxX = 0, lo = 25, hi = 25, lossLo = 0, lossHi = 0;
    bool anyLoss = false;
    if (m_boolqMajority)
        lo = std::min(lo, 100 * *m_boolqMajority), hi = std::max(hi, 100 * *m_boolqMajority);
    for (const lc::SweepPoint &p : m_points) {
        maxX = std::max(maxX, droppedPercent(p));
        for (const Measure m : kAccuracyMeasures)
            if (const auto v = valueOf(p, m); v && std::isfinite(*v))
                lo = std::min(lo, *v), hi = std::max(hi, *v);
        if (p.normalizedLoss && std::isfinite(*p.normalizedLoss)) {
            lossLo = anyLoss ? std::min(lossLo, *p.normalizedLoss) : *p.normalizedLoss;
            lossHi = anyLoss ? std::max(lossHi, *p.normalizedLoss) : *p.normalizedLoss;
            anyLoss = true;
        }
    }
    if (maxX <= 0)
        maxX = 50;
    const double pad = std::max(1.0, maxX * 0.03);
    for (QCPAxisRect *rect : {m_accuracyRect, m_lossRect})
        rect->axis(QCPAxis::atBottom)->setRange(-pad, maxX + pad);
    const double margin = std::max(3.0, (hi - lo) * 0.08);
    m_accuracyRect->axis(QCPAxis::atLeft)->setRange(std::max(0.0, lo - margin), std::min(100.0, hi + margin));
    if (!anyLoss)
        lossLo = 0, lossHi = 1;
    const double lossPad = std::max(0.02, (lossHi - lossLo) * 0.1);
    m_lossRect->axis(QCPAxis::atLeft)->setRange(std::max(0.0, lossLo - lossPad), lossHi + lossPad);
}

std::optional<double> SweepChart::mmluChanceLine() const
{
    return m_chance->visible() ? std::optional<double>(m_chance->point1->coords().y() / 100) : std::nullopt;
}

std::optional<double> SweepChart::boolqMajorityLine() const
{
    return m_majority->visible() ? std::optional<double>(m_majority->point1->coords().y() / 100) : std::nullopt;
}

lc::SweepResult SweepChart::result() const
{
    lc::SweepResult r;
    r.layers = m_layers;
    r.points = m_points;
    r.boolqMajority = m_boolqMajority;
    return r;
}

std::string SweepChart::csvOf(const lc::SweepResult &result)
{
    const bool probe = std::any_of(result.points.begin(), result.points.end(), [](const lc::SweepPoint &p) {
        return p.insertedAfter || p.injectedMmlu || p.injectedBoolq;
    });
    std::string out =
        "strategy,fraction,layers_dropped,dropped_layers,healed,mmlu,boolq,gsm8k,gsm8k_flexible,loss,normalized_loss";
    out += probe ? ",inserted_after,injected_mmlu,injected_boolq\n" : "\n";
    for (const lc::SweepPoint &p : result.points) {
        std::string layers;
        for (const int64_t l : p.dropped)
            layers += (layers.empty() ? "" : " ") + std::to_string(l);
        out += lc::strategyName(p.strategy) + "," + csvNumber(p.fraction) + "," + std::to_string(p.dropped.size()) +
               "," + layers + "," + (p.healed ? "true" : "false") + "," + csvNumber(p.mmlu) + "," + csvNumber(p.boolq) +
               "," + csvNumber(p.gsm8k) + "," + csvNumber(p.gsm8kFlexible) + "," + csvNumber(p.loss) + "," +
               csvNumber(p.normalizedLoss);
        if (probe)
            out += "," + (p.insertedAfter ? std::to_string(*p.insertedAfter) : std::string()) + "," +
                   csvNumber(p.injectedMmlu) + "," + csvNumber(p.injectedBoolq);
        out += "\n";
    }
    return out;
}
