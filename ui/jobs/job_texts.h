// SPDX-License-Identifier: GPL-3.0-or-later
// What the GUI says about jobs: the core's stages and the session's job kinds, translated.
#pragma once

#include <QCoreApplication>
#include <QString>

#include "jobs/job.h"

class JobTexts
{
    Q_DECLARE_TR_FUNCTIONS(JobTexts)

public:
    /** "Loading weights…" for Stage::LoadingWeights. */
    static QString stage(lc::Stage stage);
    /** What the status bar says while `p` runs: the stage with its counts ("… 12 of 64 samples"). */
    static QString progress(const lc::JobProgress &p);
    /** "1,234 tokens/s · 2 min left"; empty when nothing is known yet. */
    static QString pace(const lc::JobProgress &p);
    /** The headline of the error box when a job of `kind` fails ("The model could not be opened."). */
    static QString failure(lc::JobKind kind);
};
