// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/model_worker.h"

#include "layercut/error.h"

namespace lc {

ModelWorker::ModelWorker(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<lc::ModelInfo>();
    qRegisterMetaType<lc::LoadOptions>();
}

ModelWorker::~ModelWorker() = default;

void ModelWorker::loadModel(const QString &folder, const LoadOptions &options, std::stop_token stop)
{
    // Exceptions must not cross the event loop: every outcome becomes a signal.
    try {
        const ModelInfo info = m_session.load(folder.toStdString(), options, [this](const Progress &p) {
            emit progressChanged(QString::fromStdString(p.stage), p.current, p.total);
        }, stop);
        emit modelLoaded(info);
    } catch (const Cancelled &) {
        emit loadCancelled();
    } catch (const std::exception &e) {
        // torch errors may append a backtrace after the first line; the first line is the message.
        const QString message = QString::fromUtf8(e.what());
        emit failed(message.section('\n', 0, 0));
    }
}

} // namespace lc
