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

    /**
     * Runs `job` on the compute thread with a fresh stop token and returns true, unless a job is running
     * (then false, and nothing runs). The job calls one ModelWorker command, which ends with jobFinished().
     */
    bool run(std::function<void(ModelWorker *, std::stop_token)> job);
    /** The flag a healing run polls between steps; cleared as each job starts. */
    std::shared_ptr<std::atomic<bool>> pauseFlag() const { return m_paused; }
    /** Pauses or resumes a healing run between steps (the GPU memory stays held). */
    void setPaused(bool paused);
    bool isPaused() const { return m_paused->load(); }
    /** Asks the running job to stop at its next check (between tensors, layers, batches or steps). */
    void cancel();

signals:
    void busyChanged(bool busy);
    void pausedChanged(bool paused);

private:
    void setBusy(bool busy);

    QThread m_thread;
    ModelWorker *m_worker = nullptr;  // lives on m_thread; deleted there when it finishes
    std::stop_source m_stop;
    std::shared_ptr<std::atomic<bool>> m_paused = std::make_shared<std::atomic<bool>>(false);
    bool m_busy = false;
};

}  // namespace lc
