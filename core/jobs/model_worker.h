// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <stop_token>

#include <QObject>
#include <QString>

#include "jobs/metatypes.h"

namespace lc {

/**
 * Owns the ModelSession and makes every core call on the compute thread it lives on, so GPU work runs in
 * sequence and thread-local torch guards behave. Commands are plain methods run through
 * QMetaObject::invokeMethod; results come back as queued signals. No exception leaves a command.
 */
class ModelWorker final : public QObject
{
    Q_OBJECT

public:
    explicit ModelWorker(QObject *parent = nullptr);
    ~ModelWorker() override;

    /** Runs on the compute thread. Emits progressChanged, then modelLoaded, loadCancelled or failed. */
    void loadModel(const QString &folder, const lc::LoadOptions &options, std::stop_token stop);

    /** For later jobs on the same thread; only call from the compute thread. */
    ModelSession &session() { return m_session; }

signals:
    void progressChanged(const QString &stage, qint64 current, qint64 total);
    void modelLoaded(const lc::ModelInfo &info);
    void loadCancelled();
    void failed(const QString &message);

private:
    ModelSession m_session;
};

} // namespace lc
