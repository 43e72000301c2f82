// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

#include <QCoreApplication>
#include <QString>

#include "layercut/healing.h"
#include "layercut/sweep.h"

/**
 * The captions of results ("llama3 (layers 2–3 dropped, healed)", the loss and sweep chart titles), made
 * in one place because they are drawn both when a result arrives and when a project brings it back.
 */
class ResultTitles
{
    // MainWindow's context: these strings were born there and keep their translations.
    Q_DECLARE_TR_FUNCTIONS(MainWindow)

public:
    /** "layers 2–3 dropped", or "all layers" when `dropped` is empty. */
    static QString layers(const std::vector<int64_t> &dropped);
    /** "llama3 (layers 2–3 dropped, healed)": what a result was measured on. */
    static QString modelDescription(const QString &model, const std::vector<int64_t> &dropped, bool healed);
    /** "QLoRA rank 64", "last 3 blocks, final norm and lm_head", … */
    static QString healingMethod(const lc::HealingConfig &config);
    static QString healingTitle(const QString &model, const std::vector<int64_t> &dropped,
                                const lc::HealingConfig &config, qint64 trainableParameters);
    static QString sweepTitle(const QString &model, qint64 healSteps);
    /** "Healed in 200 steps: training loss 1.234, validation loss … Adapters saved in …": how a run ended. */
    static QString healingOutcome(const lc::HealingResult &result);
    /** "Finished: 9 point(s) in 61.2 s. Saved in …": how a sweep ended (`resultFile` empty: not saved). */
    static QString sweepOutcome(const lc::SweepResult &result, double seconds, const std::filesystem::path &resultFile);
    /**
     * Where a loss comes from: "12 documents of validation.txt, 5 left out (trained on)". Every loss the app
     * shows says it, so a user sees that none of its documents was trained on.
     */
    static QString lossSample(const QString &file, qint64 documents, qint64 excludedTrained);
    /** With `injectionSteps` > 0 the title names the injection probe too. */
    static QString importanceTitle(const QString &model, qint64 injectionSteps = 0);
};
