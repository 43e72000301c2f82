// SPDX-License-Identifier: GPL-3.0-or-later
// What the window asks before a job that would lose something: the answers decide whether it starts.
#pragma once

#include <functional>

#include <QCoreApplication>
#include <QString>

#include "layercut/healing.h"
#include "layercut/memory_plan.h"

class QWidget;

namespace lc {
class Session;
}

class JobQuestions
{
    Q_DECLARE_TR_FUNCTIONS(JobQuestions)

public:
    /** Asks `question` (a translated sentence) and says whether the user agreed. */
    using Ask = std::function<bool(const QString &question)>;

    /** Questions shown as message boxes over `parent`. */
    explicit JobQuestions(QWidget *parent);
    /** Replaces the message boxes (tests answer without a dialog). */
    void setAsk(Ask ask) { m_ask = std::move(ask); }

    /** A sweep runs from the checkpoint's weights: may it lose what healing taught the model in memory? */
    bool sweep(const lc::Session &session) const;
    /**
     * When `job` run as `setup` (memory_plan.h; the loaded model's dtype, weight format and kept layers are
     * filled in here) is estimated to need more than the device has for LayerCut (its free memory and what
     * the model already holds, within Preferences' memory budget): may it start anyway? The question says
     * what would fit. True when it fits or nothing is known.
     */
    bool memory(const lc::Session &session, lc::MemoryJob job, lc::MemorySetup setup) const;
    /**
     * When config.outputDir holds another healing run, may this one replace it? Yes sets
     * config.overwriteOutput; true also when there is nothing to replace.
     */
    bool healingOutput(lc::HealingConfig &config) const;

private:
    Ask m_ask;
};
