// SPDX-License-Identifier: GPL-3.0-or-later
// A GUI exploration as a script: every job as the layercut-cli command that does the same (copied to the
// clipboard), and the plan in force as mergekit's passthrough YAML, as PruneMe users hand it to mergekit.
#pragma once

#include <QObject>
#include <QString>

#include "jobs/job.h"
#include "jobs/job_requests.h"

namespace lc {
class Session;
}
class AnalysisPanel;
class EvaluationPanel;
class GenerationView;
class HealingPanel;
class QMenu;
class QWidget;

/** The docks whose settings a command carries. */
struct JobDocks
{
    const AnalysisPanel *analysis = nullptr;
    const HealingPanel *healing = nullptr;
    const EvaluationPanel *evaluation = nullptr;
    const GenerationView *generation = nullptr;  // the Generate tab's form
};

class ScriptExports final : public QObject
{
    Q_OBJECT

public:
    ScriptExports(const lc::Session *session, JobDocks docks, QWidget *dialogParent);

    /**
     * The layercut-cli command of the job `kind` would start now, with the docks' settings: distances,
     * export of the plan in force (else of the selection), healing, evaluation, sweep or importance scan.
     * Refused with the reason where the job cannot start, or where a setting it uses has no CLI option.
     */
    JobRequest<QString> command(lc::JobKind kind) const;
    /** A menu with an entry per job; each copies its command to the clipboard (object names "copy…Command"). */
    QMenu *commandMenu(QWidget *parent);
    /** Asks where, then writes the plan in force (else the selection) as mergekit passthrough YAML. */
    void mergekitYaml();

signals:
    /** A short report for the status bar: what was copied or saved. */
    void message(const QString &text);

private:
    void copyCommand(lc::JobKind kind);
    /** The plan in force, else the selection as a plan; refused when neither drops a layer. */
    JobRequest<lc::PrunePlan> plan() const;
    /** `heal ... --merge` for the last healing run (its merged folder is what the CLI runs as the healed model). */
    JobRequest<std::string> healedRun() const;

    const lc::Session *m_session;
    JobDocks m_docks;
    QWidget *m_parent;
};
