// SPDX-License-Identifier: GPL-3.0-or-later
#include "analysis_tabs.h"

#include <QVBoxLayout>

#include "jobs/session.h"
#include "plots/importance_chart.h"
#include "plots/layer_strip.h"
#include "plots/loss_chart.h"
#include "plots/similarity_heatmap.h"
#include "plots/sweep_chart.h"
#include "result_titles.h"
#include "widgets/evaluation_table.h"
#include "widgets/generation_view.h"

AnalysisTabs::AnalysisTabs(lc::Session *session, QWidget *parent) : QTabWidget(parent), m_session(session)
{
    auto *distancesPage = new QWidget(this);
    auto *distancesLayout = new QVBoxLayout(distancesPage);
    m_heatmap = new SimilarityHeatmap(distancesPage);
    m_strip = new LayerStrip(distancesPage);
    distancesLayout->addWidget(m_heatmap, 1);
    distancesLayout->addWidget(m_strip);
    m_lossChart = new LossChart(this);
    m_evaluationTable = new EvaluationTable(this);
    m_sweepChart = new SweepChart(this);
    m_importanceChart = new ImportanceChart(this);
    m_generation = new GenerationView(session, this);
    setDocumentMode(true);
    addTab(distancesPage, tr("Distances"));
    addTab(m_lossChart, tr("Healing"));
    addTab(m_evaluationTable, tr("Evaluation"));
    addTab(m_sweepChart, tr("Sweep"));
    addTab(m_importanceChart, tr("Importance"));
    addTab(m_generation, tr("Generate"));
    connectSession();
}

void AnalysisTabs::connectSession()
{
    lc::Session *s = m_session;
    connect(m_heatmap, &SimilarityHeatmap::blockSelected, s, [s](int first, int last) {
        s->select(lc::LayerRange{first, last}.layers());
    });
    // Any set of layers: a drag selects a block, Ctrl-click adds or removes single layers.
    connect(m_strip, &LayerStrip::layersSelected, s, &lc::Session::select);
    connect(s, &lc::Session::modelChanged, this, &AnalysisTabs::showModel);
    connect(s, &lc::Session::distancesChanged, this, [this] {
        const lc::LayerDistances &d = m_session->distances();
        m_heatmap->setDistances(d);
        m_strip->setScores(d.blockInfluence);
        showSelection();
        m_heatmap->setFocus();
    });
    connect(s, &lc::Session::selectionChanged, this, &AnalysisTabs::showSelection);
    connect(s, &lc::Session::planChanged, this, [this] {
        m_strip->setDropped(m_session->plan().dropped());
        std::vector<lc::PlannedBlock> inserted;
        for (const lc::PlannedBlock &b : m_session->blocks().blocks)
            if (b.inserted)
                inserted.push_back(b);
        m_strip->setInserted(inserted);
    });
    // Blocks inserted from the strip's context menu (or its Insert key) run at once, with the loss check.
    connect(m_strip, &LayerStrip::insertRequested, s,
            [s](int after, lc::BlockInit init) { s->insertBlock(after, init); });
    connect(m_strip, &LayerStrip::removeInsertedRequested, s, [s](int after) { s->removeInsertedBlock(after); });
    connect(m_strip, &LayerStrip::sStrategyRequested, s, &lc::Session::applySStrategy);
    connect(s, &lc::Session::inputsRestored, this, &AnalysisTabs::showView);
    connect(s, &lc::Session::viewChanged, this, &AnalysisTabs::showView);

    connect(s, &lc::Session::healingStarted, this,
            [this](const lc::HealingConfig &config, qint64 trainable, const lc::HealingResult &history) {
                m_lossChart->reset(config.steps);
                if (!history.steps.empty() || !history.validation.empty())
                    m_lossChart->setHistory(history.steps, history.validation);
                m_lossChart->setTitle(
                    ResultTitles::healingTitle(m_session->modelName(), m_session->plan().dropped(), config, trainable));
            });
    connect(s, &lc::Session::healingStep, m_lossChart, &LossChart::addStep);
    connect(s, &lc::Session::healingValidated, m_lossChart, &LossChart::addValidation);
    connect(s, &lc::Session::pausedChanged, m_lossChart, &LossChart::setPaused);
    connect(s, &lc::Session::healingRunRestored, this, [this](const ProjectHealingRun &run) {
        m_lossChart->reset(run.config.steps);
        m_lossChart->setHistory(run.steps, run.validation);
        m_lossChart->setTitle(
            ResultTitles::healingTitle(m_session->modelName(), run.dropped, run.config, run.trainableParameters));
        m_lossChart->setFinished(true);
    });
    connect(s, &lc::Session::jobStarted, this, [this](lc::JobKind kind) {
        if (kind == lc::JobKind::Generate)
            setCurrentWidget(m_generation);
        if (kind == lc::JobKind::Heal && !m_session->isRestoring()) {
            m_lossChart->reset(m_session->healingConfig().steps);  // "preparing" until the first step
            m_lossChart->setTitle(tr("Preparing to heal…"));
            setCurrentWidget(m_lossChart);
        }
    });
    connect(s, &lc::Session::jobEnded, this, [this](lc::JobKind kind) {
        if (kind == lc::JobKind::Heal)
            m_lossChart->setFinished(true);
    });

    connect(s, &lc::Session::evaluationChanged, this, [this] {
        const auto &e = m_session->evaluation();
        if (!e) {
            m_evaluationTable->clear();
            return;
        }
        m_evaluationTable->setResult(e->result,
                                     ResultTitles::modelDescription(m_session->modelName(), e->dropped, e->healed));
        if (!m_session->isRestoring())
            setCurrentWidget(m_evaluationTable);
    });
    connect(s, &lc::Session::sweepStarted, this, [this](bool perLayer) {
        showSweep(perLayer);
        setCurrentWidget(perLayer ? static_cast<QWidget *>(m_importanceChart) : m_sweepChart);
    });
    connect(s, &lc::Session::sweepPointAdded, this, [this](const lc::SweepPoint &point, bool perLayer) {
        if (perLayer)
            m_importanceChart->addPoint(point);
        else
            m_sweepChart->addPoint(point);
    });
    connect(s, &lc::Session::sweepChanged, this, &AnalysisTabs::showSweep);
}

void AnalysisTabs::showModel()
{
    const auto layers = m_session->modelInfo().config.numLayers;
    m_lossChart->reset(0);
    m_evaluationTable->clear();
    m_sweepChart->reset(layers);
    m_importanceChart->reset(layers);
    m_strip->setLayerCount(static_cast<int>(layers));
    m_strip->setScores({});
    m_strip->setDropped({});
    m_strip->setInserted({});
    m_heatmap->setDistances({});
    showSelection();
}

void AnalysisTabs::showSelection()
{
    const std::vector<int64_t> &layers = m_session->selection();
    const auto block = lc::asRange(layers);
    const QSignalBlocker heatmapBlocker(m_heatmap), stripBlocker(m_strip);
    if (block && !m_session->distances().empty())
        m_heatmap->selectBlock(static_cast<int>(block->first), static_cast<int>(block->size()));
    else
        m_heatmap->clearSelection();  // a set of layers is no cell of the heatmap
    m_strip->setSelectedLayers(layers);
}

void AnalysisTabs::showSweep(bool perLayer)
{
    const auto &sweep = m_session->sweep(perLayer);
    const qint64 layers = m_session->modelInfo().config.numLayers;
    if (perLayer) {
        m_importanceChart->reset(layers);
        m_importanceChart->setTitle(
            ResultTitles::importanceTitle(m_session->modelName(), sweep ? sweep->options.injection.steps : 0));
        for (const lc::SweepPoint &p : sweep ? sweep->result.points : std::vector<lc::SweepPoint>{})
            m_importanceChart->addPoint(p);
    } else {
        m_sweepChart->reset(layers);
        m_sweepChart->setTitle(ResultTitles::sweepTitle(m_session->modelName(), sweep ? sweep->options.healSteps : 0));
        if (sweep)
            m_sweepChart->setResult(sweep->result);
    }
}

void AnalysisTabs::showView()
{
    const lc::ViewState &view = m_session->view();
    m_heatmap->setMetric(static_cast<SimilarityHeatmap::Metric>(view.heatmapMetric));
    m_heatmap->setNormalizeRows(view.normalizeRows);
    setCurrentIndex(view.currentTab);
}
