// SPDX-License-Identifier: GPL-3.0-or-later
// The healing loss chart. Steps arrive one by one from the compute thread; each appends a point and asks
// for a queued replot, so a burst of steps costs one redraw.
#include "plots/loss_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSlider>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "format.h"
#include "settings/app_settings.h"

namespace {

const QColor kTrainColor(31, 119, 180);
const QColor kValidationColor(230, 85, 13);

}  // namespace

LossChart::LossChart(QWidget *parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot, 1);

    m_title =
        new QCPTextElement(m_plot, tr("Healing loss"), QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    m_plot->plotLayout()->insertRow(0);
    m_plot->plotLayout()->addElement(0, 0, m_title);

    m_train = m_plot->addGraph();
    m_train->setName(tr("Training loss"));
    QColor light = kTrainColor;
    light.setAlpha(70);
    m_train->setPen(QPen(light, 1));
    m_smoothed = m_plot->addGraph();
    m_smoothed->setName(tr("Training loss, smoothed"));
    m_smoothed->setPen(QPen(kTrainColor, 2));
    m_validationGraph = m_plot->addGraph();
    m_validationGraph->setName(tr("Validation loss"));
    m_validationGraph->setPen(QPen(kValidationColor, 1.5));
    m_validationGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kValidationColor, Qt::white, 7));

    m_plot->xAxis->setLabel(tr("Optimizer step"));
    m_plot->yAxis->setLabel(tr("Loss (cross-entropy, nats per token)"));
    m_plot->legend->setVisible(true);
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    m_empty = new QCPItemText(m_plot);
    m_empty->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_empty->position->setCoords(0.5, 0.5);
    m_empty->setText(tr("No healing run yet.\nSet one up in the Healing dock and press Start Healing."));
    m_empty->setColor(Qt::gray);
    m_empty->setTextAlignment(Qt::AlignCenter);

    // Controls and statistics under the plot.
    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(6, 0, 6, 4);
    controls->addWidget(new QLabel(tr("Smoothing:"), this));
    m_smoothingSlider = new QSlider(Qt::Horizontal, this);
    m_smoothingSlider->setRange(0, 99);
    m_smoothingSlider->setMaximumWidth(180);
    m_smoothingSlider->setToolTip(tr("Weight of the exponential moving average of the training loss, as in "
                                     "TensorBoard"));
    m_smoothingValue = new QLabel(this);
    m_smoothingValue->setMinimumWidth(m_smoothingValue->fontMetrics().horizontalAdvance(QStringLiteral("0.000")));
    connect(m_smoothingSlider, &QSlider::valueChanged, this, [this](int value) {
        setSmoothing(value / 100.0);
        settings::lossSmoothing.setValue(m_smoothing);
    });
    controls->addWidget(m_smoothingSlider);
    controls->addWidget(m_smoothingValue);
    m_log = new QCheckBox(tr("Logarithmic loss axis"), this);
    connect(m_log, &QCheckBox::toggled, this, [this](bool on) {
        setLogScale(on);
        settings::lossLogScale.setValue(on);
    });
    controls->addWidget(m_log);
    controls->addStretch(1);
    layout->addLayout(controls);
    m_stats = new QLabel(this);
    m_stats->setWordWrap(true);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stats->setContentsMargins(6, 0, 6, 4);
    layout->addWidget(m_stats);

    m_smoothing = -1;  // forces the first setSmoothing() to update the controls
    setSmoothing(settings::lossSmoothing.value());
    setLogScale(settings::lossLogScale.value());
    reset(0);
}

std::vector<double> LossChart::smooth(const std::vector<double> &values, double weight)
{
    std::vector<double> out;
    out.reserve(values.size());
    double last = 0.0;
    int count = 0;
    for (const double v : values) {
        if (!std::isfinite(v)) {
            out.push_back(v);
            continue;
        }
        last = last * weight + (1.0 - weight) * v;
        ++count;
        out.push_back(last / (1.0 - std::pow(weight, count)));
    }
    return out;
}

void LossChart::reset(qint64 totalSteps)
{
    m_totalSteps = totalSteps;
    m_runStartStep = 0;
    m_steps.clear();
    m_validation.clear();
    m_paused = m_finished = false;
    m_train->data()->clear();
    m_smoothed->data()->clear();
    m_validationGraph->data()->clear();
    m_emaSum = 0.0;
    m_emaCount = 0;
    m_title->setText(tr("Healing loss"));
    rescale();
    updateStats();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossChart::setHistory(const std::vector<lc::HealingStep> &steps,
                           const std::vector<lc::ValidationPoint> &validation)
{
    m_steps = steps;
    m_validation = validation;
    m_runStartStep = steps.empty() ? 0 : steps.back().step;
    if (!steps.empty())
        m_totalSteps = std::max<int64_t>(m_totalSteps, steps.back().totalSteps);
    QVector<double> x, y;
    for (const lc::HealingStep &s : steps)
        x << static_cast<double>(s.step), y << s.trainLoss;
    m_train->setData(x, y, true);
    x.clear(), y.clear();
    for (const lc::ValidationPoint &p : validation)
        x << static_cast<double>(p.step), y << p.loss;
    m_validationGraph->setData(x, y, true);
    rebuildSmoothed();
    rescale();
    updateStats();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossChart::addStep(const lc::HealingStep &step)
{
    m_steps.push_back(step);
    m_totalSteps = std::max<int64_t>(m_totalSteps, step.totalSteps);
    m_train->addData(static_cast<double>(step.step), step.trainLoss);
    if (std::isfinite(step.trainLoss)) {
        // The same recurrence as smooth(), continued by one value.
        m_emaSum = m_emaSum * m_smoothing + (1.0 - m_smoothing) * step.trainLoss;
        ++m_emaCount;
        m_smoothed->addData(static_cast<double>(step.step), m_emaSum / (1.0 - std::pow(m_smoothing, m_emaCount)));
    } else {
        m_smoothed->addData(static_cast<double>(step.step), step.trainLoss);
    }
    rescale();
    updateStats();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossChart::addValidation(const lc::ValidationPoint &point)
{
    m_validation.push_back(point);
    m_validationGraph->addData(static_cast<double>(point.step), point.loss);
    rescale();
    updateStats();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossChart::setTitle(const QString &title)
{
    m_title->setText(title.isEmpty() ? tr("Healing loss") : title);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossChart::setPaused(bool paused)
{
    m_paused = paused;
    updateStats();
}

void LossChart::setFinished(bool finished)
{
    m_finished = finished;
    rescale();
    updateStats();
}

void LossChart::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, 0.99);
    if (weight == m_smoothing)
        return;
    m_smoothing = weight;
    {
        const QSignalBlocker blocker(m_smoothingSlider);
        m_smoothingSlider->setValue(static_cast<int>(std::lround(weight * 100)));
    }
    m_smoothingValue->setText(QLocale().toString(weight, 'f', 2));
    rebuildSmoothed();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossChart::rebuildSmoothed()
{
    std::vector<double> losses;
    losses.reserve(m_steps.size());
    for (const lc::HealingStep &s : m_steps)
        losses.push_back(s.trainLoss);
    const std::vector<double> smoothed = smooth(losses, m_smoothing);
    QVector<double> x, y;
    m_emaSum = 0.0;
    m_emaCount = 0;
    for (size_t i = 0; i < m_steps.size(); ++i) {
        x << static_cast<double>(m_steps[i].step);
        y << smoothed[i];
        if (std::isfinite(losses[i])) {
            m_emaSum = m_emaSum * m_smoothing + (1.0 - m_smoothing) * losses[i];
            ++m_emaCount;
        }
    }
    m_smoothed->setData(x, y, true);
}

std::vector<double> LossChart::smoothedLosses() const
{
    std::vector<double> out;
    for (auto it = m_smoothed->data()->constBegin(); it != m_smoothed->data()->constEnd(); ++it)
        out.push_back(it->value);
    return out;
}

QString LossChart::statsText() const
{
    return m_stats->text();
}

int LossChart::trainingPointCount() const
{
    return m_train->dataCount();
}

int LossChart::validationPointCount() const
{
    return m_validationGraph->dataCount();
}

void LossChart::setLogScale(bool logScale)
{
    {
        const QSignalBlocker blocker(m_log);
        m_log->setChecked(logScale);
    }
    if (logScale) {
        m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        m_plot->yAxis->setScaleType(QCPAxis::stLinear);
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    rescale();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool LossChart::logScale() const
{
    return m_plot->yAxis->scaleType() == QCPAxis::stLogarithmic;
}

void LossChart::rescale()
{
    const bool empty = m_steps.empty() && m_validation.empty();
    m_empty->setVisible(empty);
    // A run that was set up but has no step yet is being prepared (reading data, quantising): say so.
    m_empty->setText(m_totalSteps > 0 && !m_finished
                         ? tr("Preparing the healing run…\nThe curves start with its first step.")
                         : tr("No healing run yet.\nSet one up in the Healing dock and press Start Healing."));
    // x: the whole run from the start, so the curve visibly grows towards the right edge.
    const double lastStep = std::max<double>(
        {1.0, static_cast<double>(m_totalSteps), m_steps.empty() ? 0.0 : static_cast<double>(m_steps.back().step)});
    m_plot->xAxis->setRange(0, lastStep * 1.02 + 0.5);
    if (lastStep <= 10) {
        auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
        ticker->setTickStep(1);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssNone);
        m_plot->xAxis->setTicker(ticker);
    } else if (m_plot->xAxis->ticker().dynamicCast<QCPAxisTickerFixed>()) {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    // y: every loss shown, with a margin; log scale keeps the lower end positive.
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    const auto take = [&](double v) {
        if (std::isfinite(v) && (!logScale() || v > 0))
            lo = std::min(lo, v), hi = std::max(hi, v);
    };
    for (const lc::HealingStep &s : m_steps)
        take(s.trainLoss);
    for (const lc::ValidationPoint &p : m_validation)
        take(p.loss);
    if (!std::isfinite(lo)) {
        m_plot->yAxis->setRange(logScale() ? QCPRange(1, 10) : QCPRange(0, 10));
        return;
    }
    if (logScale()) {
        const double pad = std::pow(hi / lo, 0.05) * 1.02;
        m_plot->yAxis->setRange(lo / pad, hi * pad);
    } else {
        const double pad = std::max((hi - lo) * 0.05, std::abs(hi) * 0.01 + 1e-6);
        m_plot->yAxis->setRange(std::max(0.0, lo - pad), hi + pad);
    }
}

void LossChart::updateStats()
{
    if (m_steps.empty()) {
        m_stats->setText(m_totalSteps > 0
                             ? tr("Preparing a run of %n step(s)…", nullptr, static_cast<int>(m_totalSteps))
                             : QString());
        return;
    }
    const lc::HealingStep &s = m_steps.back();
    const QLocale locale;
    QStringList parts;
    parts << tr("Step %1 of %2")
                 .arg(locale.toString(static_cast<qlonglong>(s.step)),
                      locale.toString(static_cast<qlonglong>(std::max<int64_t>(m_totalSteps, s.totalSteps))));
    parts << tr("training loss %1").arg(locale.toString(s.trainLoss, 'f', 3));
    if (!m_validation.empty())
        parts << tr("validation loss %1").arg(locale.toString(m_validation.back().loss, 'f', 3));
    parts << tr("%1 tokens/s").arg(locale.toString(s.tokensPerSecond, 'f', 0));
    parts << tr("elapsed %1").arg(format::duration(s.seconds));
    const int64_t doneInRun = s.step - m_runStartStep;
    const int64_t left = std::max<int64_t>(m_totalSteps, s.totalSteps) - s.step;
    if (m_paused)
        parts << tr("paused");
    else if (!m_finished && s.secondsLeft > 0)  // the core's estimate: the validations to come included
        parts << tr("%1 remaining").arg(format::duration(s.secondsLeft));
    else if (!m_finished && left > 0 && doneInRun > 0 && s.seconds > 0)
        parts << tr("%1 remaining")
                     .arg(format::duration(s.seconds / static_cast<double>(doneInRun) * static_cast<double>(left)));
    if (s.memoryBytes > 0)
        parts << tr("GPU memory %1 (peak %2)")
                     .arg(format::bytes(static_cast<quint64>(s.memoryBytes)),
                          format::bytes(static_cast<quint64>(std::max(s.peakMemoryBytes, s.memoryBytes))));
    parts << tr("learning rate %1").arg(format::significant(s.learningRate));
    m_stats->setText(parts.join(QStringLiteral(" · ")));
}
