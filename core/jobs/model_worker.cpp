// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/model_worker.h"

#include "layercut/analysis_cache.h"
#include "layercut/error.h"
#include "layercut/healing.h"
#include "layercut/json_file.h"
#include "layercut/tokenizer.h"

namespace lc {

ModelWorker::ModelWorker(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<lc::Stage>();
    qRegisterMetaType<lc::GeneratedText>();
    qRegisterMetaType<lc::ModelVariant>();
    qRegisterMetaType<lc::GenerationRequest>();
    qRegisterMetaType<lc::ModelInfo>();
    qRegisterMetaType<lc::LoadOptions>();
    qRegisterMetaType<lc::LayerDistances>();
    qRegisterMetaType<lc::DatasetOptions>();
    qRegisterMetaType<lc::PrunePlan>();
    qRegisterMetaType<lc::BlockPlan>();
    qRegisterMetaType<lc::LossResult>();
    qRegisterMetaType<lc::ExportOptions>();
    qRegisterMetaType<lc::HealingConfig>();
    qRegisterMetaType<lc::HealingStep>();
    qRegisterMetaType<lc::ValidationPoint>();
    qRegisterMetaType<lc::HealingResult>();
    qRegisterMetaType<lc::EvalOptions>();
    qRegisterMetaType<lc::EvalResult>();
    qRegisterMetaType<lc::SweepOptions>();
    qRegisterMetaType<lc::SweepPoint>();
    qRegisterMetaType<lc::SweepResult>();
}

ModelWorker::~ModelWorker() = default;

void ModelWorker::guarded(const std::function<void()> &job)
{
    // Exceptions must not cross the event loop: every outcome becomes a signal.
    try {
        job();
    } catch (const Cancelled &) {
        emit cancelled();
    } catch (const std::exception &e) {
        emit failed(QString::fromStdString(userMessage(e)));
    }
    if (m_session.isLoaded())
        emit modelStateChanged(m_session.blockPlan(), isHealed(m_session));
    emit jobFinished();
}

ProgressFn ModelWorker::progressReporter()
{
    return [this](const Progress &p) { emit progressChanged(p.stage, p.current, p.total, p.tokens); };
}

void ModelWorker::loadModel(const QString &folder, const LoadOptions &options, std::stop_token stop)
{
    guarded([&] {
        const ModelInfo info = m_session.load(folder.toStdString(), options, progressReporter(), stop);
        // Only now: a folder that could not be opened leaves the model before (and how it was loaded) in place.
        m_lossCheck.reset();
        m_loadOptions = options;
        emit modelLoaded(info);
    });
}

void ModelWorker::measureDistances(const QString &dataFile, const DatasetOptions &dataOptions, int batchSize,
                                   const QString &cacheDir, std::stop_token stop)
{
    guarded([&] {
        if (!m_session.isLoaded())
            throw Error("no model is loaded");
        const std::filesystem::path data = dataFile.toStdString();
        const auto cachePath = distancesCachePath(cacheDir.toStdString(), m_session.info().folder, data, dataOptions,
                                                  m_session.info().computeDtype, m_session.info().weightStorage);
        if (const auto cached = loadCachedDistances(cachePath)) {
            emit distancesReady(*cached, true);
            return;
        }
        emit progressChanged(Stage::ReadingData, 0, 1, 0);
        DatasetOptions options = dataOptions;
        options.vocabSize = m_session.info().config.vocabSize;
        const TokenizedDataset dataset =
            readTokenized(data, m_session.tokenizer(), options, nullptr, progressReporter(), stop);
        const LayerDistances d =
            computeLayerDistances(m_session, dataset.sequences, {.batchSize = batchSize}, progressReporter(), stop);
        try {
            saveCachedDistances(cachePath, d);
        } catch (const Error &) {
            // An unwritable cache only costs the next run its shortcut.
        }
        emit distancesReady(d, false);
    });
}

void ModelWorker::pruneModel(const BlockPlan &plan, const QString &dataFile, const DatasetOptions &analysisOptions,
                             int lossSamples, int batchSize, std::stop_token stop)
{
    guarded([&] {
        if (!m_session.isLoaded())
            throw Error("no model is loaded");
        if (dataFile.isEmpty()) {
            m_session.applyBlockPlan(plan);
            emit pruned(plan, {}, {}, false);
            return;
        }
        const LossCheck::Result r = m_lossCheck.run(m_session, plan, dataFile.toStdString(), analysisOptions,
                                                    lossSamples, batchSize, progressReporter(), stop);
        emit pruned(plan, r.before, r.after, r.heldOut);
    });
}

void ModelWorker::exportModel(const BlockPlan &blocks, const PrunePlan &plan, const QString &target,
                              const ExportOptions &options, std::stop_token stop)
{
    guarded([&] {
        if (!m_session.isLoaded())
            throw Error("no model is loaded");
        const std::filesystem::path folder = m_session.info().folder;
        const ExportResult r =
            blocks.insertsAnything()
                ? exportExpandedModel(folder, blocks, target.toStdString(), options, progressReporter(), stop)
                : exportPrunedModel(folder, plan, target.toStdString(), options, progressReporter(), stop);
        emit exported(QString::fromStdString(r.folder.string()), r.shards, static_cast<qint64>(r.bytes));
    });
}

}  // namespace lc

namespace lc {

void ModelWorker::heal(const HealingConfig &config, std::shared_ptr<std::atomic<bool>> paused, std::stop_token stop)
{
    guarded([&] {
        if (!m_session.isLoaded())
            throw Error("no model is loaded");
        if (isHealed(m_session)) {
            // Another run starts from the checkpoint's weights with the same blocks (new ones afresh).
            const BlockPlan plan = m_session.blockPlan();
            const std::filesystem::path folder = m_session.info().folder;
            m_session.load(folder, m_loadOptions, progressReporter(), stop);
            m_session.applyBlockPlan(plan);
            m_lossCheck.reset();
        }
        HealingCallbacks callbacks;
        callbacks.progress = progressReporter();
        callbacks.stepFinished = [this](const HealingStep &step) { emit healingStep(step); };
        callbacks.validated = [this](const ValidationPoint &point) { emit healingValidated(point); };
        callbacks.paused = [paused] { return paused && paused->load(); };
        callbacks.started = [this, &config](int64_t trainable, const HealingResult &history) {
            emit healingStarted(config, trainable, history);
        };
        const HealingResult result = healModel(m_session, config, callbacks, stop);
        m_lossCheck.reset();  // the baseline loss belonged to the unhealed model
        emit healed(result);
    });
}

void ModelWorker::evaluate(const EvalOptions &options, std::stop_token stop)
{
    guarded([&] {
        if (!m_session.isLoaded())
            throw Error("no model is loaded");
        emit evaluated(evaluateModel(m_session, options, progressReporter(), stop));
    });
}

void ModelWorker::generate(const GenerationRequest &request, std::stop_token stop)
{
    guarded([&] {
        if (!m_session.isLoaded())
            throw Error("no model is loaded");
        for (const ModelVariant variant : request.variants) {
            try {
                generateAs(
                    m_session, variant, "", {request.prompt}, request.options,
                    [&](size_t, const GeneratedText &soFar) { emit generationStep(variant, soFar); },
                    progressReporter(), stop);
            } catch (const Cancelled &) {
                throw;
            } catch (const Error &e) {  // this variant cannot run; the others still can
                emit generationUnavailable(variant, QString::fromUtf8(e.what()));
            }
        }
    });
}

void ModelWorker::sweep(const SweepOptions &options, std::stop_token stop)
{
    guarded([&] {
        if (!m_session.isLoaded())
            throw Error("no model is loaded");
        const BlockPlan before = m_session.blockPlan();
        if (isHealed(m_session)) {
            const std::filesystem::path folder = m_session.info().folder;  // load() clears the info first
            m_session.load(folder, m_loadOptions, progressReporter(), stop);
            m_lossCheck.reset();
        }
        // Whatever happens, the model runs the plan it ran before (unhealed), as the window still shows it.
        struct PlanBack
        {
            ModelSession &session;
            const BlockPlan &plan;
            ~PlanBack()
            {
                try {
                    if (session.isLoaded() && session.blockPlan() != plan)
                        session.applyBlockPlan(plan);
                } catch (const std::exception &) {
                    // Same model, same layer count: it cannot throw; modelStateChanged reports what runs.
                }
            }
        } planBack{m_session, before};
        m_session.applyPrunePlan(PrunePlan::keepAll(m_session.info().config.numLayers));
        if (!options.resultFile.empty() && std::filesystem::exists(options.resultFile)) {
            try {
                for (const SweepPoint &p :
                     sweepFromJson(readJsonFile(options.resultFile), options.resultFile.string()).points)
                    emit sweepPoint(p, true);
            } catch (const Error &) {
                // runSweep says what is wrong with the file.
            }
        }
        const SweepResult r = runSweep(
            m_session, options, [this](const SweepPoint &p) { emit sweepPoint(p, false); }, progressReporter(), stop);
        emit sweepFinished(r);
    });
}

void ModelWorker::exportHealedModel(const QString &target, const ExportOptions &options, std::stop_token stop)
{
    guarded([&] {
        const ExportResult r =
            lc::exportHealedModel(m_session, target.toStdString(), options, progressReporter(), stop);
        emit exported(QString::fromStdString(r.folder.string()), r.shards, static_cast<qint64>(r.bytes));
    });
}

}  // namespace lc
