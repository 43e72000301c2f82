// SPDX-License-Identifier: GPL-3.0-or-later
#include "chart_exports.h"

#include <nlohmann/json.hpp>

#include "export_folder.h"
#include "jobs/session.h"
#include "layercut/healing.h"
#include "layercut/layer_distances.h"
#include "layercut/sweep.h"
#include "plots/chart_exporter.h"
#include "plots/sweep_chart.h"

namespace {

bool isJson(const QString &path)
{
    return path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
}

}  // namespace

ChartExports::ChartExports(const lc::Session *session, ChartPlots plots, QWidget *dialogParent)
    : QObject(dialogParent), m_session(session), m_plots(std::move(plots)), m_parent(dialogParent)
{}

void ChartExports::saveAs(const QString &title, const QString &suggested, const QString &filter, const QString &failure,
                          const std::function<void(const QString &)> &write)
{
    const QString path = export_folder::saveAs(m_parent, title, suggested, filter, failure, write);
    if (!path.isEmpty())
        emit saved(path);
}

void ChartExports::saveImageAs(const QString &title, const QString &suggested, QCustomPlot *plot)
{
    saveAs(title, suggested, tr("PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)"),
           tr("The image could not be saved."), [plot](const QString &path) { chart_exporter::saveImage(plot, path); });
}

void ChartExports::heatmapImage()
{
    saveImageAs(tr("Export Heatmap Image"), QStringLiteral("heatmap.png"), m_plots.heatmap);
}

void ChartExports::heatmapData()
{
    saveAs(tr("Export Heatmap Data"), QStringLiteral("distances.csv"), tr("CSV table (*.csv);;JSON (*.json)"),
           tr("The data could not be saved."), [this](const QString &path) {
               const lc::LayerDistances &d = m_session->distances();
               chart_exporter::saveText(path,
                                        isJson(path) ? lc::distancesToJson(d).dump(1) + "\n" : lc::distancesToCsv(d));
           });
}

void ChartExports::lossChartImage()
{
    saveImageAs(tr("Export Loss Chart Image"), QStringLiteral("healing-loss.png"), m_plots.loss);
}

void ChartExports::lossData()
{
    if (m_session->healingRuns().empty())
        return;
    saveAs(tr("Export Loss Data"), QStringLiteral("loss.csv"), tr("CSV table (*.csv)"),
           tr("The data could not be saved."), [this](const QString &path) {
               const ProjectHealingRun &run = m_session->healingRuns().back();
               lc::writeLossCsv(path.toStdString(), run.steps, run.validation);
           });
}

bool ChartExports::importanceShown() const
{
    const auto &sweep = m_session->sweep(false);
    const auto &importance = m_session->sweep(true);
    const bool sweepPoints = sweep && !sweep->result.points.empty();
    const bool importancePoints = importance && !importance->result.points.empty();
    return importancePoints && (!sweepPoints || (m_plots.importanceShown && m_plots.importanceShown()));
}

void ChartExports::sweepChartImage()
{
    const bool importance = importanceShown();
    saveImageAs(tr("Export Sweep Chart Image"),
                importance ? QStringLiteral("importance.png") : QStringLiteral("sweep.png"),
                importance ? m_plots.importance : m_plots.sweep);
}

void ChartExports::sweepData()
{
    const bool importance = importanceShown();
    if (!m_session->sweep(importance))
        return;
    saveAs(tr("Export Sweep Data"), importance ? QStringLiteral("importance.csv") : QStringLiteral("sweep.csv"),
           tr("CSV table (*.csv);;JSON (*.json)"), tr("The data could not be saved."),
           [this, importance](const QString &path) {
               const ProjectSweep &sweep = *m_session->sweep(importance);
               if (isJson(path))
                   chart_exporter::saveText(path, lc::sweepToJson(sweep.result, sweep.options).dump(1) + "\n");
               else
                   chart_exporter::saveText(path, SweepChart::csvOf(sweep.result));
           });
}
