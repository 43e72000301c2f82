// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/compute_thread.h"

namespace lc {

ComputeThread::ComputeThread(QObject *parent) : QObject(parent), m_worker(new ModelWorker)
{
    m_thread.setObjectName("layercut-compute");
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ModelWorker::jobFinished, this, [this] {
        setPaused(false);
        setBusy(false);
    });
    m_thread.start();
}

ComputeThread::~ComputeThread()
{
    m_stop.request_stop();
    m_thread.quit();
    m_thread.wait();
}

bool ComputeThread::run(std::function<void(ModelWorker *, std::stop_token)> job)
{
    if (m_busy)
        return false;
    m_stop = std::stop_source{};
    setPaused(false);
    setBusy(true);
    QMetaObject::invokeMethod(m_worker,
                              [w = m_worker, job = std::move(job), token = m_stop.get_token()] { job(w, token); });
    return true;
}

void ComputeThread::setPaused(bool paused)
{
    if (m_paused->exchange(paused) != paused)
        emit pausedChanged(paused);
}

void ComputeThread::cancel()
{
    m_stop.request_stop();
}

void ComputeThread::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

}  // namespace lc
