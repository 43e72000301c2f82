// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include <QWidget>

#include "jobs/metatypes.h"

class QCheckBox;
class QCustomPlot;
class QCPGraph;
class QCPItemText;
class QCPTextElement;
class QLabel;
class QSlider;

/**
 * The live loss curves of a healing run against the optimizer step: the training loss of each step (thin,
 * light), its exponential moving average (TensorBoard's debiased smoothing, weight 0..0.99), and the
 * validation loss (markers and line). A log-scale switch and a line of run statistics (step, tokens/s,
 * elapsed and remaining time, accelerator memory, learning rate) sit beside it.
 */
class LossChart final : public QWidget
{
    Q_OBJECT

public:
    explicit LossChart(QWidget *parent = nullptr);

    /** Clears the curves for a run of `totalSteps` steps (the x axis spans them from the start). */
    void reset(qint64 totalSteps);
    /** Shows a resumed run's earlier curves; steps added afterwards continue them. */
    void setHistory(const std::vector<lc::HealingStep> &steps, const std::vector<lc::ValidationPoint> &validation);
    void addStep(const lc::HealingStep &step);
    void addValidation(const lc::ValidationPoint &point);
    /** A caption over the plot, e.g. the method and the trainable parameters; empty hides it. */
    void setTitle(const QString &title);
    /** Marks the run as paused or ended in the statistics line (the remaining time then is not shown). */
    void setPaused(bool paused);
    void setFinished(bool finished);

    /** Smoothing weight w in [0, 0.99]: s_t = (w s_{t-1} + (1 - w) x_t) / (1 - w^t), TensorBoard's form. */
    void setSmoothing(double weight);
    double smoothing() const { return m_smoothing; }
    void setLogScale(bool logScale);
    bool logScale() const;

    const std::vector<lc::HealingStep> &steps() const { return m_steps; }
    const std::vector<lc::ValidationPoint> &validation() const { return m_validation; }
    int trainingPointCount() const;
    int validationPointCount() const;
    /** The smoothed curve as drawn, one value per training point. */
    std::vector<double> smoothedLosses() const;
    QString statsText() const;
    QCustomPlot *plot() const { return m_plot; }

    /** The debiased exponential moving average of `values` with weight `weight`; non-finite values pass through. */
    static std::vector<double> smooth(const std::vector<double> &values, double weight);

private:
    void rebuildSmoothed();
    void rescale();
    void updateStats();

    QCustomPlot *m_plot = nullptr;
    QCPGraph *m_train = nullptr, *m_smoothed = nullptr, *m_validationGraph = nullptr;
    QCPTextElement *m_title = nullptr;
    QCPItemText *m_empty = nullptr;
    QSlider *m_smoothingSlider = nullptr;
    QLabel *m_smoothingValue = nullptr, *m_stats = nullptr;
    QCheckBox *m_log = nullptr;
    std::vector<lc::HealingStep> m_steps;
    std::vector<lc::ValidationPoint> m_validation;
    double m_smoothing = 0.6;
    double m_emaSum = 0.0;  // running EMA numerator of the smoothed curve, for incremental updates
    int m_emaCount = 0;     // finite values in it
    int64_t m_totalSteps = 0;
    int64_t m_runStartStep = 0;  // steps done before this run (a resumed run's history)
    bool m_paused = false, m_finished = false;
};
