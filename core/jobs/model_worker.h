// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

#include <QObject>
#include <QString>

#include "jobs/metatypes.h"
#include "layercut/loss_check.h"

namespace lc {

/**
 * Owns the ModelSession and makes every core call on the compute thread it lives on, so GPU work runs in
 * sequence and thread-local torch guards behave. Commands are plain methods run through
 * QMetaObject::invokeMethod; results come back as queued signals. No exception leaves a command, and
 * every command ends with modelStateChanged() (while a model is loaded), then jobFinished().
 */
class ModelWorker final : public QObject
{
    Q_OBJECT

public:
    explicit ModelWorker(QObject *parent = nullptr);
    ~ModelWorker() override;

    /** Emits progressChanged, then modelLoaded, cancelled or failed. */
    void loadModel(const QString &folder, const lc::LoadOptions &options, std::stop_token stop);

    /**
     * Angular distances of the loaded model on the documents of `dataFile`. A result cached in `cacheDir`
     * for the same model, data and settings is returned at once. Emits distancesReady, cancelled or failed.
     */
    void measureDistances(const QString &dataFile, const lc::DatasetOptions &dataOptions, int batchSize,
                          const QString &cacheDir, std::stop_token stop);

    /**
     * Makes the loaded model run `plan`'s blocks (some of the checkpoint's, maybe new ones among them). With a
     * `dataFile`, first measures the loss of every block in memory and then of the plan's on up to
     * `lossSamples` documents the analysis (`analysisOptions`) did not use. Emits pruned, cancelled (the
     * previous plan stays) or failed.
     */
    void pruneModel(const lc::BlockPlan &plan, const QString &dataFile, const lc::DatasetOptions &analysisOptions,
                    int lossSamples, int batchSize, std::stop_token stop);

    /**
     * Writes the loaded model's checkpoint with `blocks` applied to `target`: pruned as `plan` records it
     * (what chose the layers) when nothing is inserted, else expanded. Emits exported, cancelled or failed.
     */
    void exportModel(const lc::BlockPlan &blocks, const lc::PrunePlan &plan, const QString &target,
                     const lc::ExportOptions &options, std::stop_token stop);

    /**
     * Heals the loaded model as it is pruned now (reloading it first when an earlier run healed it).
     * Emits healingStarted, then healingStep / healingValidated as the run goes, then healed (also when
     * cancelled: the model keeps what it learnt), or failed. While `paused` is set the run waits.
     */
    void heal(const lc::HealingConfig &config, std::shared_ptr<std::atomic<bool>> paused, std::stop_token stop);

    /** Evaluates the model as it is now (pruned, healed). Emits evaluated, cancelled or failed. */
    void evaluate(const lc::EvalOptions &options, std::stop_token stop);

    /**
     * Runs a sweep (or the per-layer importance scan) from the checkpoint's weights: a healed model is
     * reloaded first (what healing learnt is lost), and the plan in force before is applied again
     * afterwards, also after a failure. Emits sweepPoint per point, then sweepFinished (also when
     * cancelled), or failed.
     */
    void sweep(const lc::SweepOptions &options, std::stop_token stop);

    /**
     * Continues the request's prompt with each of its variants in turn (generateAs). Emits generationStep per
     * new token, generationUnavailable for a variant that no longer exists in memory, then jobFinished.
     */
    void generate(const lc::GenerationRequest &request, std::stop_token stop);

    /** Merges the healed model's adapters into the checkpoint's weights and writes it. Emits exported. */
    void exportHealedModel(const QString &target, const lc::ExportOptions &options, std::stop_token stop);

    /** For later jobs on the same thread; only call from the compute thread. */
    ModelSession &session() { return m_session; }

signals:
    void progressChanged(lc::Stage stage, qint64 current, qint64 total, qint64 tokens);
    void modelLoaded(const lc::ModelInfo &info);
    void distancesReady(const lc::LayerDistances &distances, bool fromCache);
    /** `before`/`after` have tokens == 0 when no data was given; `heldOut` when none was analysed. */
    void pruned(const lc::BlockPlan &plan, const lc::LossResult &before, const lc::LossResult &after, bool heldOut);
    void exported(const QString &folder, int shards, qint64 bytes);
    /** A healing run begins: `history` holds the steps of the checkpoint it resumes from (else empty). */
    void healingStarted(const lc::HealingConfig &config, qint64 trainableParameters, const lc::HealingResult &history);
    void healingStep(const lc::HealingStep &step);
    void healingValidated(const lc::ValidationPoint &point);
    void healed(const lc::HealingResult &result);
    void evaluated(const lc::EvalResult &result);
    /** Emitted first with the points a resumed result file already held (`resumed` = true), then live. */
    void sweepPoint(const lc::SweepPoint &point, bool resumed);
    void sweepFinished(const lc::SweepResult &result);
    void generationStep(lc::ModelVariant variant, const lc::GeneratedText &soFar);
    void generationUnavailable(lc::ModelVariant variant, const QString &reason);
    /** After every job: what the model in memory runs now. The GUI's state follows it, never guesses it. */
    void modelStateChanged(const lc::BlockPlan &plan, bool healed);
    void cancelled();
    void failed(const QString &message);
    void jobFinished();

private:
    /** Runs `job`, turning exceptions into cancelled() / failed(), then emits jobFinished(). */
    void guarded(const std::function<void()> &job);
    ProgressFn progressReporter();

    ModelSession m_session;
    LoadOptions m_loadOptions;  // how the model was loaded, to reload it before another healing run
    LossCheck m_lossCheck;      // the baseline loss is measured once per model, data and settings
};

}  // namespace lc
