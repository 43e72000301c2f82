// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job_messages.h"

#include <QDir>
#include <QLocale>

#include "format.h"
#include "jobs/session.h"

JobMessages::JobMessages(const lc::Session *session, QObject *parent) : QObject(parent), m_session(session)
{
    connect(session, &lc::Session::exported, this, [this](const QString &folder, int shards, qint64 bytes) {
        emit message(tr("Exported %1 (%2 in %n shard(s)).", nullptr, shards)
                         .arg(QDir::toNativeSeparators(folder), format::bytes(static_cast<quint64>(bytes))),
                     10000);
    });
    connect(session, &lc::Session::jobEnded, this, [this](lc::JobKind kind, lc::JobOutcome outcome) {
        if (outcome != lc::JobOutcome::Finished)
            return;  // failures have their error box, cancels the status bar's own word
        if (kind == lc::JobKind::Open) {
            emit message(tr("Model loaded in %1 s.").arg(QLocale().toString(m_session->jobSeconds(), 'f', 1)), 5000);
        } else if (kind == lc::JobKind::Prune && !m_session->isRestoring()) {
            const lc::PrunePlan &plan = m_session->plan();
            QString text = plan.prunesAnything()
                               ? tr("Running %1 of %2 layers.").arg(plan.kept.size()).arg(plan.sourceLayers)
                               : tr("Running all %1 layers.").arg(plan.sourceLayers);
            if (const auto added = static_cast<int>(m_session->blocks().insertedAfter().size()); added > 0)
                text += QLatin1Char(' ') + tr("%n new block(s) inserted.", nullptr, added);
            emit message(text, 5000);
        }
    });
    connect(session, &lc::Session::restoreNotice, this, [this](lc::RestoreNotice notice, const QString &file) {
        emit message(notice == lc::RestoreNotice::LayersDiffer
                         ? tr("Some results of the project were left out: the model now has another number of layers.")
                         : tr("The model runs unhealed: %1, which its healing needs, is gone.")
                               .arg(QDir::toNativeSeparators(file)),
                     15000);
    });
}
