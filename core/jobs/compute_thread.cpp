// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/compute_thread.h"

namespace lc {

ComputeThread::ComputeThread(QObject *parent) : QObject(parent), m_worker(new ModelWorker)
{
    m_thread.setObjectName("layercut-compute");
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // Any end of a job makes the thread idle again.
    connect(m_worker, &ModelWorker::modelLoaded, this, [this] { setBusy(false); });
    connect(m_worker, &ModelWorker::loadCancelled, this, [this] { setBusy(false); });
    connect(m_worker, &ModelWorker::failed, this, [this] { setBusy(false); });
    m_thread.start();
}

ComputeThread::~ComputeThread()
{
    m_stop.request_stop();
    m_thread.quit();
    m_thread.wait();
}

void ComputeThread::loadModel(const QString &folder, const LoadOptions &options)
{
    if (m_busy)
        return;
    m_stop = std::stop_source{};
    setBusy(true);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, folder, options, token = m_stop.get_token()] {
        w->loadModel(folder, options, token);
    });
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

} // namespace lc
