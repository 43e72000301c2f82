// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "jobs/job.h"

namespace lc {
class Session;
}
class QLabel;
class QProgressBar;
class QPushButton;

/**
 * The running job in the status bar: its stage, a progress bar (without text, which its fill would hide),
 * the rate and time left beside it, and Cancel, which says "Cancelling…" at once. A failed job's reason
 * opens an error box over the window. Hidden while no job runs (the stage text stays empty).
 */
class JobStatusBar final : public QWidget
{
    Q_OBJECT

public:
    JobStatusBar(lc::Session *session, QWidget *parent = nullptr);

    QString stageText() const;
    QString paceText() const;
    /** Per mille of the whole job; -1 while the bar runs without a known end. */
    int progressValue() const;
    QPushButton *cancelButton() const { return m_cancel; }

private:
    void onProgress(const lc::JobProgress &progress);
    void onBusy(bool busy);

    lc::Session *m_session;
    QLabel *m_stage = nullptr, *m_pace = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    qint64 m_step = 0, m_steps = 0;  // a healing run's, for the paused text
};
