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

void ComputeThread::start(std::function<void(ModelWorker *, std::stop_token)> job)
{
    if (m_busy)
        return;
    m_stop = std::stop_source{};
    setBusy(true);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, job = std::move(job), token = m_stop.get_token()] {
        job(w, token);
    });
}

void ComputeThread::loadModel(const QString &folder, const LoadOptions &options)
{
    start([folder, options](ModelWorker *w, std::stop_token stop) { w->loadModel(folder, options, stop); });
}

void ComputeThread::measureDistances(const QString &dataFile, const DatasetOptions &options, int batchSize,
                                     const QString &cacheDir)
{
    start([=](ModelWorker *w, std::stop_token stop) {
        w->measureDistances(dataFile, options, batchSize, cacheDir, stop);
    });
}

void ComputeThread::pruneModel(const PrunePlan &plan, const QString &dataFile, const DatasetOptions &analysisOptions,
                               int lossSamples, int batchSize)
{
    start([=](ModelWorker *w, std::stop_token stop) {
        w->pruneModel(plan, dataFile, analysisOptions, lossSamples, batchSize, stop);
    });
}

void ComputeThread::exportModel(const PrunePlan &plan, const QString &target, const ExportOptions &options)
{
    start([=](ModelWorker *w, std::stop_token stop) { w->exportModel(plan, target, options, stop); });
}

void ComputeThread::heal(const HealingConfig &config)
{
    setPaused(false);
    start([config, paused = m_paused](ModelWorker *w, std::stop_token stop) { w->heal(config, paused, stop); });
}

void ComputeThread::evaluate(const EvalOptions &options)
{
    start([=](ModelWorker *w, std::stop_token stop) { w->evaluate(options, stop); });
}

void ComputeThread::sweep(const SweepOptions &options)
{
    start([=](ModelWorker *w, std::stop_token stop) { w->sweep(options, stop); });
}

void ComputeThread::exportHealedModel(const QString &target, const ExportOptions &options)
{
    start([=](ModelWorker *w, std::stop_token stop) { w->exportHealedModel(target, options, stop); });
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

} // namespace lc
