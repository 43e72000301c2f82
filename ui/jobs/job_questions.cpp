// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job_questions.h"

#include <QMessageBox>
#include <QWidget>

#include "jobs/session.h"

JobQuestions::JobQuestions(QWidget *parent)
    : m_ask([parent](const QString &question) {
          return QMessageBox::question(parent, tr("LayerCut"), question, QMessageBox::Yes | QMessageBox::Cancel,
                                       QMessageBox::Cancel) == QMessageBox::Yes;
      })
{}

bool JobQuestions::sweep(const lc::Session &session) const
{
    return !session.sweepDiscardsHealing() ||
           m_ask(tr("The sweep runs from the checkpoint's weights: what healing taught the model in memory is lost "
                    "(its adapters stay saved). Run it?"));
}

bool JobQuestions::healingOutput(lc::HealingConfig &config) const
{
    const std::string earlier = lc::earlierHealingRun(config);
    if (earlier.empty())
        return true;
    config.overwriteOutput =
        m_ask(tr("The output folder %1 holds another healing run (%2). Replace it? Its checkpoints, adapters and "
                 "summary files are deleted; nothing else in the folder is touched.")
                  .arg(QString::fromStdString(config.outputDir.string()), QString::fromStdString(earlier)));
    return config.overwriteOutput;
}
