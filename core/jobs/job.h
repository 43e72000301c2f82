// SPDX-License-Identifier: GPL-3.0-or-later
// What the session tells the GUI about the job on the compute thread: which it is, how far it got, how it ended.
#pragma once

#include <optional>

#include <QMetaType>
#include <QString>

#include "layercut/progress.h"

namespace lc {

/** The session's jobs, one at a time on the compute thread. */
enum class JobKind {
    None,
    Open,          // load a model folder
    Distances,     // measure the angular distances (or read them from the cache)
    Prune,         // apply a plan, with the quick held-out loss check
    Export,        // write the pruned checkpoint
    Heal,          // a healing run (or a project's healed weights read back)
    ExportHealed,  // merge the adapters and write the healed model
    Evaluate,
    Sweep,
    Importance,  // the per-layer importance scan (a sweep of single layers)
    Generate,    // greedy continuations of a prompt by the original, pruned and healed models
};

enum class JobOutcome {
    Finished,
    Cancelled,
    Failed,
};

/** One report of the running job, with the rates and estimates the status bar shows already worked out. */
struct JobProgress
{
    JobKind kind = JobKind::None;
    std::optional<Stage> stage;     // the core's stage (Stage::LoadingWeights, …); none until the first report
    qint64 current = 0, total = 0;  // within the stage (bytes, samples, sequences, steps)
    qint64 tokens = 0;              // tokens processed in the stage so far (0: not counted)
    double fraction = -1.0;         // of the whole job, 0…1; negative while unknown
    double seconds = 0.0;           // since the job began
    double tokensPerSecond = 0.0;   // 0 when the stage counts no tokens
    double secondsLeft = -1.0;      // negative while unknown
    qint64 point = -1, points = 0;  // a sweep's point measured now (0-based) of how many; -1: none yet
    qint64 step = 0, steps = 0;     // a healing run's last finished step of how many
};

}  // namespace lc

Q_DECLARE_METATYPE(lc::JobKind)
Q_DECLARE_METATYPE(lc::JobProgress)
