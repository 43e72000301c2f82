// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/session.h"

#include <algorithm>
#include <cmath>

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "jobs/compute_thread.h"
#include "layercut/analysis_cache.h"
#include "layercut/error.h"

namespace lc {

Session::Session(QObject *parent) : QObject(parent), m_compute(new ComputeThread(this))
{
    qRegisterMetaType<lc::JobKind>();
    qRegisterMetaType<lc::JobProgress>();
    connectWorker();
}

Session::~Session() = default;

void Session::connectWorker()
{
    // Queued from the compute thread. jobFinished() comes after a job's results, and after the compute
    // thread (connected first) has dropped its busy flag, so onJobFinished() may start the next job.
    ModelWorker *w = m_compute->worker();
    connect(w, &ModelWorker::progressChanged, this, &Session::onProgress);
    connect(w, &ModelWorker::modelLoaded, this, &Session::onLoaded);
    connect(w, &ModelWorker::distancesReady, this, [this](const LayerDistances &d, bool fromCache) {
        m_distances = d;
        emit distancesChanged(fromCache ? DistancesSource::Cache : DistancesSource::Measured);
        // Start on the most redundant single layer, by the metric the view shows.
        if (const int64_t best = m_view.heatmapMetric == 1 ? d.optimalAllTokensStart(1) : d.optimalStart(1); best >= 0)
            select({best});
        markModified();
    });
    connect(w, &ModelWorker::pruned, this,
            [this](const BlockPlan &plan, const LossResult &before, const LossResult &after, bool heldOut) {
                takeBlocks(plan, m_requested);
                m_healed = false;  // what healing learnt belonged to the layers it ran with
                // A project's plan goes back without measuring: its saved check stays.
                if (m_restore != RestoreStage::ApplyingPlan)
                    m_check = {before, after, heldOut};
                emit planChanged();
                markModified();
            });
    connect(w, &ModelWorker::modelStateChanged, this, &Session::onModelState);
    connect(w, &ModelWorker::exported, this, &Session::exported);
    connect(
        w, &ModelWorker::healingStarted, this,
        [this](const HealingConfig &config, qint64 trainable, const HealingResult &history) {
            m_healed = false;
            if (m_restore != RestoreStage::RestoringHealing)
                m_runs.push_back({config, trainable, m_plan.dropped(), history.steps, history.validation, false, {}});
            emit healingStarted(config, trainable, history);
            markModified();
        });
    connect(w, &ModelWorker::healingStep, this, [this](const HealingStep &step) {
        if (m_restore != RestoreStage::RestoringHealing && !m_runs.empty())
            m_runs.back().steps.push_back(step);
        m_progress.step = step.step;
        m_progress.steps = step.totalSteps;
        m_stepSecondsLeft = step.secondsLeft;
        m_stepTokensPerSecond = step.tokensPerSecond;
        emit healingStep(step);
        publishProgress();
    });
    connect(w, &ModelWorker::healingValidated, this, [this](const ValidationPoint &point) {
        if (m_restore != RestoreStage::RestoringHealing && !m_runs.empty())
            m_runs.back().validation.push_back(point);
        emit healingValidated(point);
    });
    connect(w, &ModelWorker::healed, this, [this](const HealingResult &result) {
        m_healed = true;
        if (m_restore != RestoreStage::RestoringHealing && !m_runs.empty()) {
            m_runs.back().cancelled = result.cancelled;
            m_runs.back().checkpoint = QString::fromStdString(result.lastCheckpoint.string());
        }
        emit healingFinished(result);
        emit planChanged();
        markModified();
    });
    connect(w, &ModelWorker::evaluated, this, [this](const EvalResult &result) {
        m_evaluation = ProjectEvaluation{result, m_plan.dropped(), m_healed};
        // Per-question rows would make a project large and are not shown.
        for (std::optional<TaskResult> *task : {&m_evaluation->result.mmlu, &m_evaluation->result.boolq})
            if (*task)
                (*task)->questions.clear();
        if (m_evaluation->result.gsm8k)
            m_evaluation->result.gsm8k->questions.clear();
        emit evaluationChanged();
        markModified();
    });
    connect(w, &ModelWorker::generationStep, this, &Session::generationStep);
    connect(w, &ModelWorker::generationUnavailable, this, &Session::generationUnavailable);
    connect(w, &ModelWorker::sweepPoint, this, [this](const SweepPoint &point, bool resumed) {
        const bool perLayer = m_job == JobKind::Importance;
        std::optional<ProjectSweep> &sweep = perLayer ? m_importance : m_sweep;
        if (sweep)
            sweep->result.points.push_back(point);
        emit sweepPointAdded(point, perLayer, resumed);
    });
    connect(w, &ModelWorker::sweepFinished, this, [this](const SweepResult &result) {
        const bool perLayer = m_job == JobKind::Importance;
        std::optional<ProjectSweep> &sweep = perLayer ? m_importance : m_sweep;
        if (sweep)
            sweep->result = result;
        emit sweepChanged(perLayer);
        markModified();
    });
    connect(w, &ModelWorker::cancelled, this, [this] { m_outcome = JobOutcome::Cancelled; });
    connect(w, &ModelWorker::failed, this, [this](const QString &message) {
        m_outcome = JobOutcome::Failed;
        emit jobFailed(m_job, message);
    });
    connect(w, &ModelWorker::jobFinished, this, &Session::onJobFinished);
    connect(m_compute, &ComputeThread::pausedChanged, this, &Session::pausedChanged);
}

QString Session::modelName() const
{
    return hasModel() ? QString::fromStdString(m_info.folder.filename().string()) : QString();
}

double Session::selectionDistance() const
{
    const auto block = asRange(m_selection);
    if (!block || m_distances.empty())
        return std::nan("");
    return m_view.heatmapMetric == 1 ? m_distances.allTokensAt(block->size(), block->first)
                                     : m_distances.angularAt(block->size(), block->first);
}

DistanceMetric Session::metric() const
{
    return m_view.heatmapMetric == 1 ? DistanceMetric::AllTokens : DistanceMetric::Angular;
}

bool Session::isPaused() const
{
    return m_compute->isPaused();
}

QString Session::distancesCacheDir() const
{
    if (!m_cacheDir.isEmpty())
        return m_cacheDir;
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/distances");
}

void Session::markModified()
{
    if (!isRestoring() && hasModel())
        emit modified();
}

void Session::setAnalysisInputs(const AnalysisInputs &inputs)
{
    if (inputs == m_analysisInputs)
        return;
    m_analysisInputs = inputs;
    markModified();
}

void Session::setInputPaths(const InputPaths &paths)
{
    if (paths == m_paths)
        return;
    m_paths = paths;
    markModified();
}

void Session::setView(const ViewState &view)
{
    if (view == m_view)
        return;
    const bool metricChanged = view.heatmapMetric != m_view.heatmapMetric;
    const bool looksOtherwise = metricChanged || view.normalizeRows != m_view.normalizeRows;
    m_view = view;
    emit viewChanged();
    if (metricChanged && !m_selection.empty())
        emit selectionChanged();  // its distance is read by the other metric now
    if (looksOtherwise)
        markModified();  // another tab in front is not a change worth saving
}

// ---- The job path.

bool Session::beginJob(JobKind kind, std::function<void(ModelWorker *, std::stop_token)> job)
{
    if (isBusy() || m_compute->isBusy())
        return false;
    m_job = kind;
    m_outcome = JobOutcome::Finished;
    m_cancelling = false;
    m_progress = JobProgress{.kind = kind};
    m_stepSecondsLeft = 0.0;
    m_stepTokensPerSecond = 0.0;
    m_clock.start();
    if (!m_compute->run(std::move(job))) {
        m_job = JobKind::None;
        return false;
    }
    emit jobStarted(kind);
    emit busyChanged(true);
    emit progressChanged(m_progress);
    return true;
}

void Session::cancel()
{
    if (!isBusy() || m_cancelling)
        return;
    m_cancelling = true;
    m_compute->cancel();
    m_compute->setPaused(false);  // a paused run must wake up to see the stop
    emit cancelRequested();
}

void Session::setPaused(bool paused)
{
    if (m_job == JobKind::Heal && !m_cancelling)
        m_compute->setPaused(paused);
    else
        emit pausedChanged(false);  // nothing to pause: the toggles go back
}

void Session::onProgress(Stage stage, qint64 current, qint64 total, qint64 tokens)
{
    JobProgress &p = m_progress;
    p.stage = stage;
    p.current = current;
    p.total = total;
    p.tokens = tokens;
    if ((m_job == JobKind::Sweep || m_job == JobKind::Importance) && stage == Stage::Sweep) {
        p.point = current;
        p.points = total;
    }
    publishProgress();
}

void Session::publishProgress()
{
    JobProgress &p = m_progress;
    p.seconds = m_clock.elapsed() / 1000.0;
    const double within = p.total > 0 ? std::clamp(double(p.current) / double(p.total), 0.0, 1.0) : -1.0;
    if (m_job == JobKind::Sweep || m_job == JobKind::Importance) {
        // The whole counts the sweep's points; a point's own evaluation fills its share in.
        const double inner =
            (p.stage == Stage::Evaluating || p.stage == Stage::Generating) && within > 0 ? within : 0.0;
        p.fraction = p.points > 0 ? (double(std::max<qint64>(p.point, 0)) + inner) / double(p.points) : -1.0;
    } else if (m_job == JobKind::Heal && p.steps > 0) {
        p.fraction = double(p.step) / double(p.steps);  // steps count once they run; a checkpoint's stage is text
    } else {
        p.fraction = within;
    }
    // Healing's own pace once it runs (pauses and the preparation left out), as the loss chart says it.
    if (m_job == JobKind::Heal && m_stepTokensPerSecond > 0)
        p.tokensPerSecond = m_stepTokensPerSecond;
    else
        p.tokensPerSecond = p.tokens > 0 && p.seconds > 0 ? double(p.tokens) / p.seconds : 0.0;
    // Time left: healing's own estimate once it runs (validations to come included, the preparation not),
    // else from the pace so far, once there is enough of it to be worth saying.
    if (m_job == JobKind::Heal && m_stepSecondsLeft > 0)
        p.secondsLeft = m_stepSecondsLeft;
    else
        p.secondsLeft = p.fraction > 0.02 && p.seconds > 2.0 ? p.seconds * (1.0 - p.fraction) / p.fraction : -1.0;
    emit progressChanged(p);
}

void Session::onLoaded(const ModelInfo &info)
{
    m_info = info;
    m_loadOptions = m_pendingLoad;
    clearResults();
    m_unrestored.reset();
    emit modelChanged();
    emit planChanged();
    emit selectionChanged();
}

void Session::clearResults()
{
    m_plan = PrunePlan::keepAll(m_info.config.numLayers);
    m_blocks = BlockPlan::of(m_plan);
    m_healed = false;
    m_check = {};
    m_distances = {};
    m_selection.clear();
    m_runs.clear();
    m_evaluation.reset();
    m_sweep.reset();
    m_importance.reset();
}

void Session::onModelState(const BlockPlan &plan, bool healed)
{
    const bool changed = takeBlocks(plan, m_plan);
    if (!changed && healed == m_healed)
        return;
    if (changed)
        m_check = {};
    m_healed = healed;
    emit planChanged();
}

bool Session::takeBlocks(const BlockPlan &blocks, const PrunePlan &record)
{
    if (blocks == m_blocks && blocks.keptOriginals() == m_plan.kept)
        return false;
    m_blocks = blocks;
    m_plan = blocks.keptOriginals() == record.kept && blocks.sourceLayers == record.sourceLayers ? record
                                                                                                 : blocks.prunePlan();
    return true;
}

void Session::onJobFinished()
{
    const JobKind kind = m_job;
    const JobOutcome outcome = m_outcome;
    m_job = JobKind::None;
    m_cancelling = false;
    emit busyChanged(false);
    emit jobEnded(kind, outcome);
    if (!isRestoring()) {
        // A result cached for a model just opened, with its data chosen, shows at once.
        if (kind == JobKind::Open && outcome == JobOutcome::Finished && !m_analysisInputs.dataFile.isEmpty() &&
            std::filesystem::exists(distancesCachePath(
                distancesCacheDir().toStdString(), m_info.folder, m_analysisInputs.dataFile.toStdString(),
                m_analysisInputs.options, m_info.computeDtype, m_info.weightStorage)))
            measureDistances();
        return;
    }
    switch (m_restore) {
    case RestoreStage::LoadingModel:
        if (outcome != JobOutcome::Finished) {
            // The model did not open (the failure was reported): keep the project's results for a save.
            m_unrestored = m_pending;
            finishRestore();
        } else if (!restoreResults()) {
            finishRestore();
        }
        return;
    case RestoreStage::ApplyingPlan:
        if (!restoreHealing())
            finishRestore();
        return;
    case RestoreStage::RestoringHealing:
    case RestoreStage::Measuring:
    case RestoreStage::Idle: finishRestore(); return;
    }
}

// ---- Commands.

bool Session::open(const QString &folder, const LoadOptions &options)
{
    const QString absolute = QDir(folder).absolutePath();
    m_pendingLoad = options;
    return beginJob(JobKind::Open, [absolute, options](ModelWorker *w, std::stop_token stop) {
        w->loadModel(absolute, options, stop);
    });
}

bool Session::reopen()
{
    return hasModel() && open(QString::fromStdString(m_info.folder.string()), m_loadOptions);
}

bool Session::measureDistances()
{
    if (!hasModel() || m_analysisInputs.dataFile.isEmpty())
        return false;
    const AnalysisInputs in = m_analysisInputs;
    const QString cache = distancesCacheDir();
    return beginJob(JobKind::Distances, [in, cache](ModelWorker *w, std::stop_token stop) {
        w->measureDistances(in.dataFile, in.options, in.batchSize, cache, stop);
    });
}

void Session::select(std::vector<int64_t> layers)
{
    layers = normalizedLayers(std::move(layers));
    std::erase_if(layers, [this](int64_t i) { return i < 0 || i >= m_info.config.numLayers; });
    if (layers == m_selection)
        return;
    m_selection = std::move(layers);
    emit selectionChanged();
    markModified();
}

bool Session::dropSelection()
{
    if (!hasModel() || m_selection.empty())
        return false;
    PrunePlan plan = PrunePlan::dropList(m_info.config.numLayers, m_selection);  // throws for all layers
    if (const auto block = asRange(m_selection)) {
        plan.method = "block";
        if (const double d = selectionDistance(); !std::isnan(d))
            plan.distance = d;
    }
    return applyPlan(plan);
}

bool Session::restoreAllLayers()
{
    const PrunePlan all = PrunePlan::keepAll(m_info.config.numLayers);
    return hasModel() && changesModel() && applyBlocks(BlockPlan::of(all), all);
}

bool Session::applyPlan(const PrunePlan &plan)
{
    if (!hasModel())
        return false;
    // New blocks stay where the layer they follow stays.
    BlockPlan blocks = BlockPlan::of(plan);
    for (const PlannedBlock &b : m_blocks.blocks)
        if (b.inserted && std::binary_search(plan.kept.begin(), plan.kept.end(), b.source))
            blocks = blocks.withInsertions({b.source}, b.init);
    return applyBlocks(blocks, plan);
}

bool Session::insertBlock(int64_t after, BlockInit init)
{
    if (!hasModel() || m_healed)  // what healing trained is tied to the blocks it ran with
        return false;
    try {
        return applyBlocks(m_blocks.withInsertions({after}, init), m_plan);
    } catch (const Error &) {  // dropped, or a block is there already
        return false;
    }
}

bool Session::removeInsertedBlock(int64_t after)
{
    BlockPlan blocks = m_blocks;
    const auto n =
        std::erase_if(blocks.blocks, [after](const PlannedBlock &b) { return b.inserted && b.source == after; });
    return hasModel() && !m_healed && n > 0 && applyBlocks(blocks, m_plan);
}

bool Session::applySStrategy()
{
    if (!hasModel() || m_healed || m_info.config.numLayers < 4)
        return false;
    const BlockPlan blocks = BlockPlan::sStrategy(m_info.config.numLayers);
    PrunePlan record = blocks.prunePlan();
    record.method = "s-strategy";
    return applyBlocks(blocks, record);
}

bool Session::applyBlocks(const BlockPlan &blocks, const PrunePlan &record)
{
    if (!hasModel() || isBusy())
        return false;
    // The quick check reads the analysis data: documents the analysis did not sample.
    const AnalysisInputs in = m_analysisInputs;
    m_requested = record;
    return beginJob(JobKind::Prune, [blocks, in](ModelWorker *w, std::stop_token stop) {
        w->pruneModel(blocks, in.dataFile, in.options, 16, in.batchSize, stop);
    });
}

bool Session::exportPruned(const QString &target, ExportOptions options)
{
    if (!hasModel() || !changesModel())
        return false;
    if (!options.metric && m_plan.distance >= 0)
        options.metric = metric();
    const PrunePlan plan = m_plan;
    const BlockPlan blocks = m_blocks;
    return beginJob(JobKind::Export, [blocks, plan, target, options](ModelWorker *w, std::stop_token stop) {
        w->exportModel(blocks, plan, target, options, stop);
    });
}

bool Session::heal(const HealingConfig &config)
{
    if (!hasModel())
        return false;
    if (isBusy())
        return false;
    try {
        config.validate();
    } catch (const std::exception &e) {
        emit jobFailed(JobKind::Heal, QString::fromUtf8(e.what()));
        return false;
    }
    auto paused = m_compute->pauseFlag();
    m_healingConfig = config;
    return beginJob(JobKind::Heal,
                    [config, paused](ModelWorker *w, std::stop_token stop) { w->heal(config, paused, stop); });
}

bool Session::exportHealed(const QString &target, ExportOptions options)
{
    if (!hasModel() || !m_healed)
        return false;
    if (!options.metric && m_plan.distance >= 0)
        options.metric = metric();
    return beginJob(JobKind::ExportHealed, [target, options](ModelWorker *w, std::stop_token stop) {
        w->exportHealedModel(target, options, stop);
    });
}

bool Session::evaluate(const EvalOptions &options)
{
    if (!hasModel())
        return false;
    return beginJob(JobKind::Evaluate, [options](ModelWorker *w, std::stop_token stop) { w->evaluate(options, stop); });
}

bool Session::generate(const GenerationRequest &request)
{
    if (!hasModel() || request.variants.empty() || request.prompt.empty())
        return false;
    return beginJob(JobKind::Generate, [request](ModelWorker *w, std::stop_token stop) { w->generate(request, stop); });
}

bool Session::sweep(SweepOptions options)
{
    if (!hasModel())
        return false;
    if (!options.resultFile.empty())
        QDir().mkpath(QFileInfo(QString::fromStdString(options.resultFile.string())).absolutePath());
    // The heatmap's measurement is in the analysis cache: a similarity sweep on the same data reads it.
    if (options.distancesCache.empty())
        options.distancesCache = distancesCacheDir().toStdString();
    const bool perLayer = options.perLayer;
    if (!beginJob(perLayer ? JobKind::Importance : JobKind::Sweep,
                  [options](ModelWorker *w, std::stop_token stop) { w->sweep(options, stop); }))
        return false;
    // Its points arrive queued, after this: the last sweep's result is replaced only once this one runs.
    (perLayer ? m_importance : m_sweep) = ProjectSweep{SweepResult{.layers = m_info.config.numLayers}, options};
    emit sweepStarted(perLayer);
    return true;
}

}  // namespace lc
