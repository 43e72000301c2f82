// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTabWidget>

namespace lc {
class Session;
}
class EvaluationTable;
class GenerationView;
class ImportanceChart;
class LayerStrip;
class LossChart;
class SimilarityHeatmap;
class SweepChart;

/**
 * The analysis page: the heatmap above the layer strip, the healing loss chart, the evaluation table,
 * the sweep chart, the importance chart and the side-by-side generations, one tab each. It shows what the session holds as it changes,
 * brings the tab of a job that starts to the front, and turns clicks on the heatmap and strip into the
 * session's selection.
 */
class AnalysisTabs final : public QTabWidget
{
    Q_OBJECT

public:
    explicit AnalysisTabs(lc::Session *session, QWidget *parent = nullptr);

    SimilarityHeatmap *heatmap() const { return m_heatmap; }
    LayerStrip *layerStrip() const { return m_strip; }
    LossChart *lossChart() const { return m_lossChart; }
    EvaluationTable *evaluationTable() const { return m_evaluationTable; }
    SweepChart *sweepChart() const { return m_sweepChart; }
    ImportanceChart *importanceChart() const { return m_importanceChart; }
    GenerationView *generationView() const { return m_generation; }

private:
    void connectSession();
    void showModel();
    void showSelection();
    void showSweep(bool perLayer);
    /** The view's metric and row normalisation, as the session holds them. */
    void showView();

    lc::Session *m_session;
    SimilarityHeatmap *m_heatmap = nullptr;
    LayerStrip *m_strip = nullptr;
    LossChart *m_lossChart = nullptr;
    EvaluationTable *m_evaluationTable = nullptr;
    SweepChart *m_sweepChart = nullptr;
    ImportanceChart *m_importanceChart = nullptr;
    GenerationView *m_generation = nullptr;
};
