// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <stop_token>

#include <QObject>
#include <QThread>

#include "jobs/model_worker.h"

namespace lc {

/**
 * The GUI thread's handle on the one long-lived compute thread and its ModelWorker. It owns the stop
 * source, so cancel() takes effect at once, without waiting for the busy worker's event loop.
 */
class ComputeThread final : public QObject
{
    Q_OBJECT

public:
    explicit ComputeThread(QObject *parent = nullptr);
    /** Requests a stop, then quits and joins the thread. */
    ~ComputeThread() override;

    ModelWorker *worker() const { return m_worker; }
    bool isBusy() const { return m_busy; }

    /** Starts loading `folder` on the compute thread; ignored while busy. */
    void loadModel(const QString &folder, const LoadOptions &options);
    /** Starts measuring distances of the loaded model on `dataFile`; ignored while busy. */
    void measureDistances(const QString &dataFile, const DatasetOptions &options, int batchSize,
                          const QString &cacheDir);
    /** Applies `plan` to the loaded model, with the held-out loss check on `dataFile` when set; ignored while busy. */
    void pruneModel(const PrunePlan &plan, const QString &dataFile, const DatasetOptions &analysisOptions,
                    int lossSamples, int batchSize);
    /** Exports the loaded model's checkpoint with `plan` to `target`; ignored while busy. */
    void exportModel(const PrunePlan &plan, const QString &target, const ExportOptions &options);
    /** Starts healing the loaded model; ignored while busy. */
    void heal(const HealingConfig &config);
    /** Evaluates the loaded model as it is now; ignored while busy. */
    void evaluate(const EvalOptions &options);
    /** Runs a sweep or importance scan; ignored while busy. */
    void sweep(const SweepOptions &options);
    /** Merges the healed model and exports it to `target`; ignored while busy. */
    void exportHealedModel(const QString &target, const ExportOptions &options);
    /** Pauses or resumes a healing run between steps (the GPU memory stays held). */
    void setPaused(bool paused);
    bool isPaused() const { return m_paused->load(); }
    /** Asks the running job to stop at its next check (between tensors, layers, batches or steps). */
    void cancel();

signals:
    void busyChanged(bool busy);
    void pausedChanged(bool paused);

private:
    /** Runs `job` on the compute thread with a fresh stop token, unless a job is running. */
    void start(std::function<void(ModelWorker *, std::stop_token)> job);
    void setBusy(bool busy);

    QThread m_thread;
    ModelWorker *m_worker = nullptr;  // lives on m_thread; deleted there when it finishes
    std::stop_source m_stop;
    std::shared_ptr<std::atomic<bool>> m_paused = std::make_shared<std::atomic<bool>>(false);
    bool m_busy = false;
};

} // namespace lc
