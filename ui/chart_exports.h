// SPDX-License-Identifier: GPL-3.0-or-later
// The analysis page's exports: each chart as an image and the numbers behind it as CSV or JSON.
#pragma once

#include <functional>

#include <QObject>
#include <QString>

namespace lc {
class Session;
}
class QCustomPlot;
class QWidget;

/** The plots whose pictures are exported, and which of the sweep's two is in front. */
struct ChartPlots
{
    QCustomPlot *heatmap = nullptr, *loss = nullptr, *sweep = nullptr, *importance = nullptr;
    std::function<bool()> importanceShown;  // the importance chart is the one the user looks at
};

/**
 * The File, Heal and Evaluate menus' chart exports. The numbers come from the session, the pictures from
 * the plots; each asks where to save (starting in the last export's folder) and reports through saved() or
 * an error box.
 */
class ChartExports final : public QObject
{
    Q_OBJECT

public:
    ChartExports(const lc::Session *session, ChartPlots plots, QWidget *dialogParent);

    void heatmapImage();
    /** The distances as CSV (one row per block) or as the core's JSON, by the file's extension. */
    void heatmapData();
    void lossChartImage();
    /** The last healing run's curves as loss.csv (step, train_loss, val_loss, lr). */
    void lossData();
    /** The sweep chart, or the importance chart when it is in front (or the only one with points). */
    void sweepChartImage();
    /** The sweep's (or importance scan's) points as CSV or as the core's JSON with its settings. */
    void sweepData();

signals:
    void saved(const QString &path);

private:
    bool importanceShown() const;
    /** Asks where to save, then `write`s there; success is saved(), failure an error box. */
    void saveAs(const QString &title, const QString &suggested, const QString &filter, const QString &failure,
                const std::function<void(const QString &path)> &write);
    void saveImageAs(const QString &title, const QString &suggested, QCustomPlot *plot);

    const lc::Session *m_session;
    ChartPlots m_plots;
    QWidget *m_parent;
};
