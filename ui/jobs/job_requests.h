// SPDX-License-Identifier: GPL-3.0-or-later
// What the docks ask a job to do, checked before it starts: the settings, or why they cannot be used.
#pragma once

#include <optional>

#include <QCoreApplication>
#include <QString>

#include "layercut/evaluation.h"
#include "layercut/healing.h"
#include "layercut/sweep.h"

class AnalysisPanel;
class EvaluationPanel;
class HealingPanel;

/** Why a job was not started: a translated headline over the details. */
struct Refusal
{
    QString headline, details;
};

/** A job's settings, or why it cannot start. */
template <typename Settings>
struct JobRequest
{
    Settings settings;
    std::optional<Refusal> refusal;  // set: do not start
};

class JobRequests
{
    Q_DECLARE_TR_FUNCTIONS(JobRequests)

public:
    /** Distances need the analysis data. */
    static std::optional<Refusal> distances(const AnalysisPanel &analysis);
    /** The healing dock's run; it needs training data (the analysis data by default). */
    static JobRequest<lc::HealingConfig> healing(const HealingPanel &healing);
    /** The evaluation dock's benchmarks; at least one must be set. */
    static JobRequest<lc::EvalOptions> evaluation(const EvaluationPanel &evaluation);
    /**
     * The evaluation dock's sweep (or, with `perLayer`, the importance scan): the similarity strategy measures
     * on the analysis data, healed points heal with the healing dock's settings.
     */
    static JobRequest<lc::SweepOptions> sweep(const AnalysisPanel &analysis, const HealingPanel &healing,
                                              const EvaluationPanel &evaluation, bool perLayer);

private:
    /** `options`, or refused when the healing settings its points train with (healed points, the probe) cannot train. */
    static JobRequest<lc::SweepOptions> checkedHealing(const lc::SweepOptions &options);
    static Refusal noBenchmarks();
};
