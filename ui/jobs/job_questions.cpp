// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job_questions.h"

#include <QMessageBox>
#include <QWidget>

#include "jobs/memory_fit.h"
#include "jobs/session.h"
#include "layercut/device_memory.h"
#include "settings/app_settings.h"

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

bool JobQuestions::memory(const lc::Session &session, lc::MemoryJob job, lc::MemorySetup setup) const
{
    const lc::ModelInfo &info = session.modelInfo();
    const lc::MemorySetup loaded = MemoryFit::loadedSetup(info, static_cast<int64_t>(session.blocks().size()));
    setup.dtype = loaded.dtype, setup.nf4 = loaded.nf4, setup.layers = loaded.layers;
    const auto budget = static_cast<int64_t>(settings::memoryBudgetGB.value() * 1e9);
    const std::optional<lc::MemoryRoom> room = lc::memoryRoom(info.device, budget);
    QString question = MemoryFit::question(info, job, setup, room);
    if (!question.isEmpty())  // it does not fit: only now are the machine's other GPUs asked what they have
        question = MemoryFit::question(info, job, setup, lc::withSpareGpus(*room, budget));
    return question.isEmpty() || m_ask(question);
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
