// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include <QWidget>

#include "jobs/metatypes.h"

class QCPBars;
class QCPItemText;
class QCPTextElement;
class QCustomPlot;

/**
 * Llama SLayer's per-layer importance probe: for each layer, what dropping it alone costs, and (the injection
 * probe) what a new block inserted after it and trained on new facts learns. Bars of the held-out loss
 * increase over the whole model (left axis), of the MMLU accuracy lost and of the accuracy gained on the new
 * facts, in percentage points (right axis).
 */
class ImportanceChart final : public QWidget
{
    Q_OBJECT

public:
    explicit ImportanceChart(QWidget *parent = nullptr);

    /** Clears the chart for a scan of a model of `layers` layers. */
    void reset(qint64 layers);
    /** Takes one point of the scan (strategy Single): the whole model, one layer dropped or a block inserted. */
    void addPoint(const lc::SweepPoint &point);
    void setTitle(const QString &title);

    /** Loss increase per layer (nullopt until the layer and the whole model are measured). */
    std::vector<std::optional<double>> lossIncrease() const;
    /** MMLU accuracy lost per layer, as a fraction. */
    std::vector<std::optional<double>> accuracyDrop() const;
    /**
     * Per layer, the accuracy on the injected facts of the model with a trained block after that layer, less
     * the whole model's, as a fraction: MMLU's where the probe asked MMLU, else BoolQ's.
     */
    std::vector<std::optional<double>> injectionGain() const;
    const std::vector<lc::SweepPoint> &points() const { return m_points; }
    lc::SweepResult result() const;
    QCPBars *lossBars() const { return m_lossBars; }
    QCPBars *accuracyBars() const { return m_accuracyBars; }
    QCPBars *injectionBars() const { return m_injectionBars; }
    QCustomPlot *plot() const { return m_plot; }

private:
    void rebuild();

    QCustomPlot *m_plot = nullptr;
    QCPBars *m_lossBars = nullptr, *m_accuracyBars = nullptr, *m_injectionBars = nullptr;
    QCPTextElement *m_title = nullptr;
    QCPItemText *m_empty = nullptr;
    std::vector<lc::SweepPoint> m_points;    // one layer dropped
    std::vector<lc::SweepPoint> m_inserted;  // a block inserted after one layer and trained
    std::optional<lc::SweepPoint> m_whole;   // nothing dropped: the reference
    qint64 m_layers = 0;
};
