// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job_status_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include "jobs/job_texts.h"
#include "jobs/session.h"
#include "widgets/error_box.h"

JobStatusBar::JobStatusBar(lc::Session *session, QWidget *parent) : QWidget(parent), m_session(session)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_stage = new QLabel(this);
    m_stage->setObjectName(QStringLiteral("jobStage"));
    m_pace = new QLabel(this);
    m_pace->setObjectName(QStringLiteral("jobPace"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);  // the stage and pace say it, beside the bar
    m_progress->setMaximumWidth(240);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop the running job at its next step"));
    layout->addWidget(m_stage, 1);
    layout->addWidget(m_pace);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);

    connect(m_cancel, &QPushButton::clicked, session, &lc::Session::cancel);
    connect(session, &lc::Session::progressChanged, this, &JobStatusBar::onProgress);
    connect(session, &lc::Session::busyChanged, this, &JobStatusBar::onBusy);
    connect(session, &lc::Session::cancelRequested, this, [this] {
        m_stage->setText(tr("Cancelling…"));
        m_pace->clear();
        m_cancel->setEnabled(false);
    });
    connect(session, &lc::Session::pausedChanged, this, [this](bool paused) {
        if (m_session->job() != lc::JobKind::Heal)
            return;
        if (!paused)
            m_stage->setText(tr("Resuming…"));
        else if (m_step > 0)
            m_stage->setText(tr("Healing paused after step %1 of %2.").arg(m_step).arg(m_steps));
        else
            m_stage->setText(tr("Healing will pause before its first step."));
    });
    connect(session, &lc::Session::jobFailed, this, [this](lc::JobKind kind, const QString &message) {
        showErrorBox(window(), JobTexts::failure(kind), message);
    });
    onBusy(false);
}

void JobStatusBar::onBusy(bool busy)
{
    // Idle, it takes no room: the status bar's messages (saved, copied, loaded) use the whole width.
    setVisible(busy);
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    m_cancel->setEnabled(busy);
    m_progress->setValue(0);
    m_pace->clear();
    m_stage->clear();
    m_step = m_steps = 0;
}

void JobStatusBar::onProgress(const lc::JobProgress &p)
{
    if (m_session->isCancelling())
        return;  // "Cancelling…" stays until the job has stopped
    m_step = p.step;
    m_steps = p.steps;
    if (m_session->isPaused() && p.kind == lc::JobKind::Heal)
        m_stage->setText(tr("Healing paused after step %1 of %2.").arg(p.step).arg(p.steps));
    else
        m_stage->setText(JobTexts::progress(p));
    m_pace->setText(JobTexts::pace(p));
    if (p.fraction >= 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(static_cast<int>(1000 * p.fraction));
    } else {
        m_progress->setRange(0, 0);  // busy, end unknown
    }
}

QString JobStatusBar::stageText() const
{
    return m_stage->text();
}

QString JobStatusBar::paceText() const
{
    return m_pace->text();
}

int JobStatusBar::progressValue() const
{
    return m_progress->maximum() == 0 ? -1 : m_progress->value();
}
