// SPDX-License-Identifier: GPL-3.0-or-later
#include "chart_exports.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFileDialog>
#include <QStatusBar>
#include <QTabWidget>

#include "layercut/healing.h"
#include "layercut/layer_distances.h"
#include "layercut/sweep.h"
#include "main_window.h"
#include "plots/chart_exporter.h"
#include "plots/importance_chart.h"
#include "plots/loss_chart.h"
#include "plots/similarity_heatmap.h"
#include "plots/sweep_chart.h"

namespace {

bool isJson(const QString &path)
{
    return path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
}

} // namespace

ChartExports::ChartExports(MainWindow *window) : QObject(window), m_window(window) {}

void ChartExports::saveAs(const QString &title, const QString &suggested, const QString &filter,
                          const QString &failure, const std::function<void(const QString &)> &write)
{
    const QString path = QFileDialog::getSaveFileName(m_window, title, suggested, filter);
    if (path.isEmpty())
        return;
    try {
        write(path);
        m_window->statusBar()->showMessage(tr("Saved %1.").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const std::exception &e) {
        m_window->showError(failure, QString::fromUtf8(e.what()));
    }
}

void ChartExports::saveImageAs(const QString &title, const QString &suggested, QCustomPlot *plot)
{
    saveAs(title, suggested, tr("PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)"),
           tr("The image could not be saved."), [plot](const QString &path) { chart_exporter::saveImage(plot, path); });
}

void ChartExports::heatmapImage()
{
    saveImageAs(tr("Export Heatmap Image"), QStringLiteral("heatmap.png"), m_window->heatmap()->plot());
}

void ChartExports::heatmapData()
{
    saveAs(tr("Export Heatmap Data"), QStringLiteral("distances.csv"), tr("CSV table (*.csv);;JSON (*.json)"),
           tr("The data could not be saved."), [this](const QString &path) {
               const lc::LayerDistances &d = m_window->heatmap()->distances();
               chart_exporter::saveText(path, isJson(path) ? lc::distancesToJson(d).dump(1) + "\n" : lc::distancesToCsv(d));
           });
}

void ChartExports::lossChartImage()
{
    saveImageAs(tr("Export Loss Chart Image"), QStringLiteral("healing-loss.png"), m_window->lossChart()->plot());
}

void ChartExports::lossData()
{
    saveAs(tr("Export Loss Data"), QStringLiteral("loss.csv"), tr("CSV table (*.csv)"), tr("The data could not be saved."),
           [this](const QString &path) {
               lc::writeLossCsv(path.toStdString(), m_window->lossChart()->steps(), m_window->lossChart()->validation());
           });
}

bool ChartExports::importanceShown() const
{
    const ImportanceChart *importance = m_window->importanceChart();
    return m_window->analysisTabs()->currentWidget() == importance ||
           (m_window->sweepChart()->points().empty() && !importance->result().points.empty());
}

void ChartExports::sweepChartImage()
{
    const bool importance = importanceShown();
    saveImageAs(tr("Export Sweep Chart Image"), importance ? QStringLiteral("importance.png") : QStringLiteral("sweep.png"),
                importance ? m_window->importanceChart()->plot() : m_window->sweepChart()->plot());
}

void ChartExports::sweepData()
{
    const bool importance = importanceShown();
    saveAs(tr("Export Sweep Data"), importance ? QStringLiteral("importance.csv") : QStringLiteral("sweep.csv"),
           tr("CSV table (*.csv);;JSON (*.json)"), tr("The data could not be saved."), [this, importance](const QString &path) {
               const lc::SweepResult &result =
                   importance ? m_window->importanceChart()->result() : m_window->sweepChart()->result();
               if (isJson(path))
                   chart_exporter::saveText(path, lc::sweepToJson(result, m_window->sweepOptions(importance)).dump(1) + "\n");
               else
                   chart_exporter::saveText(path, SweepChart::csvOf(result));
           });
}
