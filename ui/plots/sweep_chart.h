// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <QStringList>
#include <QWidget>

#include "jobs/metatypes.h"

class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QCustomPlot;

/**
 * The paper's headline plot as a sweep streams in: above, benchmark accuracy against the fraction of
 * layers dropped over thin grey baselines for MMLU chance (dotted) and the BoolQ majority class
 * (dash-dotted); below, the held-out loss divided by ln V. Each series is told apart without colour: the
 * benchmark by its line (MMLU solid with circles, BoolQ dashed with squares, GSM8K's strict match
 * dash-dot-dotted with triangles), healing by its marker and
 * weight (healed: filled markers, a heavier line; not healed: hollow markers, a lighter line); the strategy
 * by its colour. The legend is a key with one row per encoding. Importance-scan points (strategy Single)
 * are not drawn here.
 */
class SweepChart final : public QWidget
{
    Q_OBJECT

public:
    /** The series a point feeds: accuracy on one benchmark, or the normalised loss. */
    enum class Measure { Mmlu, Boolq, Gsm8k, Loss };

    explicit SweepChart(QWidget *parent = nullptr);

    /** Clears the chart for a sweep of a model of `layers` layers. */
    void reset(qint64 layers);
    /** Adds one measured point to the series it belongs to (a point of the same key replaces the old one). */
    void addPoint(const lc::SweepPoint &point);
    /** The BoolQ majority-class accuracy (drawn as a baseline); the MMLU chance line is always 25 %. */
    void setBoolqMajority(std::optional<double> majority);
    /** Takes a finished sweep's baselines (and any point not seen yet). */
    void setResult(const lc::SweepResult &result);
    void setTitle(const QString &title);

    /** The points as received, and as an lc::SweepResult for sweepToJson. */
    const std::vector<lc::SweepPoint> &points() const { return m_points; }
    lc::SweepResult result() const;
    /**
     * One row per point: strategy, fraction, layers dropped, healed, mmlu, boolq, gsm8k (strict), gsm8k_flexible,
     * loss, normalized loss; an importance scan with the injection probe adds inserted_after, injected_mmlu and
     * injected_boolq.
     */
    std::string csv() const { return csvOf(result()); }
    static std::string csvOf(const lc::SweepResult &result);

    /** The graph of `measure` for `strategy`, healed or not; nullptr while it has no point. */
    QCPGraph *graph(Measure measure, lc::PruneStrategy strategy, bool healed) const;
    /** How many data series (graphs with points) the chart draws. */
    int seriesCount() const { return static_cast<int>(m_graphs.size()); }
    /** The value of a baseline, or nullopt when hidden. */
    std::optional<double> mmluChanceLine() const;
    std::optional<double> boolqMajorityLine() const;
    QCustomPlot *plot() const { return m_plot; }
    /** The legend's texts in layout order: each row's heading, then its entries' names. */
    QStringList legendTexts() const;
    /** The graph a legend entry draws its icon from (a key entry, not a series); nullptr if none is named so. */
    QCPGraph *legendGraph(const QString &name) const;
    QCPAxisRect *accuracyRect() const { return m_accuracyRect; }
    QCPAxisRect *lossRect() const { return m_lossRect; }

    /** The strategy's short name as shown (Similarity -> "most similar"), translated. */
    static QString strategyText(lc::PruneStrategy strategy);

private:
    /** A point's key: 100 × its dropped layers / L. */
    double droppedPercent(const lc::SweepPoint &point) const;
    QCPGraph *series(Measure measure, lc::PruneStrategy strategy, bool healed);
    void rebuildSeries(Measure measure, lc::PruneStrategy strategy, bool healed);
    void rescale();
    /** The key: rows for the benchmarks, strategies and healing states drawn, and the baselines. */
    void rebuildLegend();

    QCustomPlot *m_plot = nullptr;
    QCPAxisRect *m_accuracyRect = nullptr, *m_lossRect = nullptr;
    QCPTextElement *m_title = nullptr;
    QCPItemStraightLine *m_chance = nullptr, *m_majority = nullptr;
    QCPGraph *m_chanceLegend = nullptr, *m_majorityLegend = nullptr;  // legend entries of the two lines
    QCPItemText *m_empty = nullptr;
    std::map<std::tuple<Measure, lc::PruneStrategy, bool>, QCPGraph *> m_graphs;
    // The key's entries: graphs without data, shown only in the legend.
    std::map<Measure, QCPGraph *> m_measureKeys;
    std::map<bool, QCPGraph *> m_stateKeys;
    std::map<lc::PruneStrategy, QCPGraph *> m_strategyKeys;
    std::vector<lc::SweepPoint> m_points;
    std::optional<double> m_boolqMajority;
    qint64 m_layers = 0;
};
