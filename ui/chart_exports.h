// SPDX-License-Identifier: GPL-3.0-or-later
// The analysis page's exports: each chart as an image and the numbers behind it as CSV or JSON.
#pragma once

#include <functional>

#include <QObject>
#include <QString>

class MainWindow;
class QCustomPlot;

/** The File, Heal and Evaluate menus' chart exports; each asks for a path and reports in the window. */
class ChartExports final : public QObject
{
    Q_OBJECT

public:
    explicit ChartExports(MainWindow *window);

    void heatmapImage();
    /** The distances as CSV (one row per block) or as the core's JSON, by the file's extension. */
    void heatmapData();
    void lossChartImage();
    /** The healing curves as loss.csv (step, train_loss, val_loss, lr). */
    void lossData();
    /** The sweep chart, or the importance chart when its tab is shown (or it is the only one with points). */
    void sweepChartImage();
    /** The sweep's (or importance scan's) points as CSV or as the core's JSON with its settings. */
    void sweepData();

private:
    bool importanceShown() const;
    /** Asks where to save, then `write`s there; success goes to the status bar, failure into a message box. */
    void saveAs(const QString &title, const QString &suggested, const QString &filter, const QString &failure,
                const std::function<void(const QString &path)> &write);
    void saveImageAs(const QString &title, const QString &suggested, QCustomPlot *plot);

    MainWindow *m_window;
};
