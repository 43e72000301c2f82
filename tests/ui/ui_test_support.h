// SPDX-License-Identifier: GPL-3.0-or-later
// What the window, heatmap and project suites share: waiting for the compute thread, a healing run small
// enough for the CPU, and made-up results of a 6-layer model, as the charts show and projects keep them.
#pragma once

#include <cmath>

#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QTest>

#include "jobs/compute_thread.h"
#include "jobs/session.h"
#include "project/project_file.h"
#include "../tiny_healing.h"

/**
 * Waits until the compute thread is idle again. Its busy flag lives on this thread and drops only when
 * jobFinished() arrives (queued) after the job's result signals, so spies on the worker can be read
 * safely afterwards; QSignalSpy::wait() on a signal emitted from another thread can miss its wake-up.
 */
inline bool waitIdle(const lc::ComputeThread *compute, int ms = 30000)
{
    return QTest::qWaitFor([compute] { return !compute->isBusy(); }, ms);
}

/** Waits until the session's job (and any job a restore chains after it) has ended. */
inline bool waitIdle(const lc::Session &session, int ms = 30000)
{
    return QTest::qWaitFor([&session] { return !session.isBusy(); }, ms);
}

/**
 * Keeps a suite's settings in `folder` (a QTemporaryDir of the suite's own): the window remembers its
 * toolbar, first launch and recent lists, and Qt's test-mode settings folder is shared by every run of a
 * suite on the machine.
 */
inline void useSettingsFolder(const QString &folder)
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, folder);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, folder);
}

/** tinyHealing() writing into `outputDir` (empty: nothing written). */
inline lc::HealingConfig tinyHealing(const QString &outputDir)
{
    return tinyHealing(std::filesystem::path(outputDir.toStdString()));
}

/** L = 6 with d(l, n) = 0.1 n + 0.01 l, except a clear minimum at (l = 3, n = 2). */
inline lc::LayerDistances syntheticDistances()
{
    lc::LayerDistances d;
    d.numLayers = 6;
    d.samples = 4;
    d.tokens = 40;
    const int S = 7;
    d.angular.assign(S * S, std::nan(""));
    d.allTokens.assign(S * S, std::nan(""));
    for (int n = 1; n <= 6; ++n)
        for (int l = 0; l + n <= 6; ++l) {
            d.angular[n * S + l] = 0.1 * n + 0.01 * l - (l == 3 && n == 2 ? 0.15 : 0.0);
            d.allTokens[n * S + l] = 0.5 - 0.05 * n;
        }
    d.blockInfluence = {0.9, 0.5, 0.3, 0.2, 0.2, 0.6};
    return d;
}

/**
 * Adds to `p` an evaluation (MMLU on two subjects, BoolQ, the loss; layer 4 dropped and healed), a sweep
 * of the deepest strategy (unhealed and healed at 2 of 6 layers) and an importance scan of layer 1.
 */
inline void addSampleResults(Project &p, const QString &mmluFolder)
{
    lc::EvalResult eval;
    lc::TaskResult mmlu;
    mmlu.overall = {3, 4};
    mmlu.subjects = {{"anatomy", {1, 2}}, {"high_school_us_history", {2, 2}}};
    mmlu.categories = {{"stem", {1, 2}}, {"humanities", {2, 2}}};
    mmlu.majorityBaseline = 0.5;
    eval.mmlu = mmlu;
    lc::TaskResult boolq;
    boolq.overall = {1, 2};
    boolq.majorityBaseline = 0.5;
    eval.boolq = boolq;
    eval.loss = lc::LossResult{2.0, 50, 2};
    eval.normalizedLoss = 0.4;
    eval.tokensComputed = 999;
    eval.seconds = 1.5;
    p.evaluation = ProjectEvaluation{eval, {4}, true};

    ProjectSweep sweep;
    sweep.result.layers = 6;
    sweep.result.boolqMajority = 0.5;
    using lc::PruneStrategy;
    sweep.result.points = {{PruneStrategy::Deepest, 0.0, {}, false, 0.5, 0.5, 2.0, 0.4, 1.0},
                           {PruneStrategy::Deepest, 0.34, {3, 4}, false, 0.25, 0.5, 3.0, 0.6, 1.0},
                           {PruneStrategy::Deepest, 0.34, {3, 4}, true, 0.375, std::nullopt, 2.5, 0.5, 2.0}};
    sweep.options.eval.mmlu = mmluFolder.toStdString();
    sweep.options.eval.shots = 1;
    sweep.options.healSteps = 5;
    p.sweep = sweep;
    ProjectSweep importance;
    importance.result.layers = 6;
    const std::nullopt_t none = std::nullopt;
    importance.result.points = {{PruneStrategy::Single, 0.0, {}, false, none, none, 2.0, 0.4, 1.0},
                                {PruneStrategy::Single, 1.0 / 6, {1}, false, none, none, 2.5, 0.5, 1.0}};
    importance.options.perLayer = true;
    p.importance = importance;
}
