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
 * Llama SLayer's per-layer importance scan: for each layer, what dropping it alone costs. Bars of the
 * held-out loss increase over the whole model (left axis) and, when MMLU was measured, of the accuracy
 * lost in percentage points (right axis).
 */
class ImportanceChart final : public QWidget
{
    Q_OBJECT

public:
    explicit ImportanceChart(QWidget *parent = nullptr);

    /** Clears the chart for a scan of a model of `layers` layers. */
    void reset(qint64 layers);
    /** Takes one point of the scan (strategy Single): the whole model (nothing dropped) or one layer. */
    void addPoint(const lc::SweepPoint &point);
    void setTitle(const QString &title);

    /** Loss increase per layer (nullopt until the layer and the whole model are measured). */
    std::vector<std::optional<double>> lossIncrease() const;
    /** MMLU accuracy lost per layer, as a fraction. */
    std::vector<std::optional<double>> accuracyDrop() const;
    const std::vector<lc::SweepPoint> &points() const { return m_points; }
    lc::SweepResult result() const;
    QCPBars *lossBars() const { return m_lossBars; }
    QCPBars *accuracyBars() const { return m_accuracyBars; }
    QCustomPlot *plot() const { return m_plot; }

private:
    void rebuild();

    QCustomPlot *m_plot = nullptr;
    QCPBars *m_lossBars = nullptr, *m_accuracyBars = nullptr;
    QCPTextElement *m_title = nullptr;
    QCPItemText *m_empty = nullptr;
    std::vector<lc::SweepPoint> m_points;
    std::optional<lc::SweepPoint> m_whole;  // nothing dropped: the reference
    qint64 m_layers = 0;
};
