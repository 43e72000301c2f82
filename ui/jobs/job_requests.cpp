// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job_requests.h"

#include <algorithm>

#include "panels/analysis_panel.h"
#include "panels/evaluation_panel.h"
#include "panels/healing_panel.h"

namespace {

bool hasBenchmark(const lc::EvalOptions &o)
{
    return !o.mmlu.empty() || !o.boolq.empty() || !o.gsm8k.empty() || !o.validationData.empty();
}

template <typename Settings>
JobRequest<Settings> refused(Refusal r)
{
    return {Settings{}, std::move(r)};
}

}  // namespace

Refusal JobRequests::noBenchmarks()
{
    return {tr("Choose what to evaluate first."),
            tr("Set the MMLU folder or file, the BoolQ or GSM8K file, or text for the held-out loss in the Evaluation "
               "dock.")};
}

std::optional<Refusal> JobRequests::distances(const AnalysisPanel &analysis)
{
    if (!analysis.dataFile().isEmpty())
        return std::nullopt;
    return Refusal{tr("Choose a dataset first."), tr("The analysis needs text to run through the model: a text file, "
                                                     "JSON Lines, or a C4 .json.gz file.")};
}

JobRequest<lc::HealingConfig> JobRequests::healing(const HealingPanel &healing)
{
    const lc::HealingConfig config = healing.config();
    if (config.trainData.empty())
        return refused<lc::HealingConfig>(
            {tr("Choose training data first."), tr("Healing trains on text: a text file, JSON Lines, or a C4 .json.gz "
                                                   "file. Set it in the Healing dock, or choose the analysis data.")});
    return {config, std::nullopt};
}

JobRequest<lc::EvalOptions> JobRequests::evaluation(const EvaluationPanel &evaluation)
{
    const lc::EvalOptions options = evaluation.evalOptions();
    if (!hasBenchmark(options))
        return refused<lc::EvalOptions>(noBenchmarks());
    return {options, std::nullopt};
}

JobRequest<lc::SweepOptions> JobRequests::checkedHealing(const lc::SweepOptions &options)
{
    const bool trains = options.perLayer ? options.injection.enabled() : options.healSteps > 0;
    try {
        if (trains)
            options.healing.validate();
    } catch (const std::exception &e) {
        return refused<lc::SweepOptions>({tr("These healing settings cannot be used."), QString::fromUtf8(e.what())});
    }
    return {options, std::nullopt};
}

JobRequest<lc::SweepOptions> JobRequests::sweep(const AnalysisPanel &analysis, const HealingPanel &healing,
                                                const EvaluationPanel &evaluation, bool perLayer)
{
    lc::SweepOptions options;
    try {
        options = evaluation.sweepOptions(perLayer);
    } catch (const std::exception &e) {
        return refused<lc::SweepOptions>({tr("These sweep settings cannot be used."), QString::fromUtf8(e.what())});
    }
    if (!hasBenchmark(options.eval))
        return refused<lc::SweepOptions>(noBenchmarks());
    if (perLayer && options.injection.enabled()) {
        // Each probe point trains its new block with the healing dock's settings (the sweep makes it Blocks).
        options.healing = healing.config();
        options.healing.method = lc::HealingMethod::Blocks;
        options.healing.trainBlocks.clear();
        options.healing.steps = options.injection.steps;
        options.healing.trainData = options.injection.trainData;
        if (options.injection.trainData.empty() || (options.injection.mmlu.empty() && options.injection.boolq.empty()))
            return refused<lc::SweepOptions>(
                {tr("Choose the new facts first."),
                 tr("The injection probe trains each new block on a text of facts the model has not seen and then "
                    "asks MMLU- or BoolQ-format questions about them. Set both in the Per-Layer Importance box, or "
                    "set the injection steps to off.")});
    }
    if (perLayer)
        return checkedHealing(options);
    const bool similarity = std::find(options.strategies.begin(), options.strategies.end(),
                                      lc::PruneStrategy::Similarity) != options.strategies.end();
    if (similarity) {
        if (analysis.dataFile().isEmpty())
            return refused<lc::SweepOptions>(
                {tr("Choose a dataset first."), tr("The most similar block is found by measuring distances on the "
                                                   "analysis data. Set it in the Analysis dock, or leave that strategy "
                                                   "out.")});
        options.distanceData = analysis.dataFile().toStdString();
        options.distanceOptions = analysis.datasetOptions();
    }
    if (options.healSteps > 0) {
        options.healing = healing.config();
        options.healing.steps = options.healSteps;
        if (options.healing.trainData.empty())
            return refused<lc::SweepOptions>(
                {tr("Choose training data first."),
                 tr("Healing trains on text: set it in the Healing dock, or choose the analysis data.")});
    }
    return checkedHealing(options);
}
