// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli heal MODEL_DIR --data FILE [layers to drop] [hyperparameters] --out DIR: prune in memory,
// heal (QLoRA by default, with the paper's settings), and write the PEFT adapters, loss.csv, healing.json,
// checkpoints and, with --merge, the merged model.
#include <cstdio>
#include <optional>
#include <unistd.h>

#include "cli_output.h"
#include "commands.h"
#include "healing_options.h"
#include "layercut/error.h"
#include "layercut/healing.h"
#include "layercut/healing_json.h"
#include "memory_check.h"
#include "plan_options.h"

namespace lc::cli {
namespace {

struct HealArgs
{
    std::string folder, out, data, planData, device = "cpu", dtype, resume, outDtype, shardSize = "5GB", metric;
    PlanArgs plan;
    HealingArgs healing;
    bool merge = false, force = false;
    MemoryCheckArgs memoryCheck;
};

void runHeal(HealArgs a)
{
    const auto progress = stderrProgress();
    HealingConfig c = a.healing.resolved();
    c.trainData = a.data;
    c.outputDir = a.out;
    c.resumeFrom = a.resume;
    c.overwriteOutput = a.force;
    c.validate();
    if (a.merge && a.out.empty())
        throw Error("--merge writes OUT/merged: give --out");

    ModelSession session;
    const LoadOptions dense = loadOptions(a.device, a.dtype);
    LoadOptions load = dense;
    // QLoRA: quantise while loading, so the dense model is never on the device whole.
    load.nf4 = c.method == HealingMethod::Lora && c.quantization == BaseQuantization::Nf4;
    load.nf4DoubleQuantization = c.doubleQuantization;
    MemorySetup memory;
    memory.healing = c;
    const std::optional<PlannedMemory> estimate =
        checkMemory(a.folder, load, MemoryJob::Healing, memory, a.memoryCheck);
    // The plan is prune's: the same options choose the same layers, on the unquantised weights. With NF4 it is
    // chosen before the quantised model is loaded, so the dense copy it measures on is gone by then.
    PlanArgs planArgs = a.plan;
    planArgs.sample.data = a.planData.empty() ? a.data : a.planData;
    planArgs.sample.options.seed = c.seed;
    std::optional<ChosenPlan> chosen;
    if (a.plan.given() && load.nf4)
        chosen = choosePrunePlan(planArgs.request(), a.folder, dense, nullptr, progress);
    session.load(a.folder, load, progress);
    if (a.plan.given() && !chosen)
        chosen = choosePrunePlan(planArgs.request(), a.folder, dense, &session, progress);
    std::optional<DistanceMetric> metric = chosen ? chosen->metric : std::nullopt;
    if (!a.metric.empty())
        metric = parseDistanceMetric(a.metric);
    if (chosen)
        session.applyPrunePlan(chosen->plan);
    applyExpandArgs(session, a.plan.expand, chosen.has_value());

    HealingCallbacks callbacks;
    callbacks.progress = progress;
    const bool terminal = isatty(fileno(stderr));
    callbacks.stepFinished = [&](const HealingStep &s) {
        // One line per step: what a user watches, and what a log keeps.
        std::fprintf(stderr, "%sstep %lld/%lld  loss %.4f  lr %.3g  grad-norm %.3g  %.0f tokens/s%s",
                     terminal ? "\r" : "", static_cast<long long>(s.step), static_cast<long long>(s.totalSteps),
                     s.trainLoss, s.learningRate, s.gradNorm, s.tokensPerSecond, terminal ? "   " : "\n");
    };
    callbacks.validated = [&](const ValidationPoint &v) {
        std::fprintf(stderr, "%sstep %lld  validation loss %.4f (%lld tokens)\n", terminal ? "\n" : "",
                     static_cast<long long>(v.step), v.loss, static_cast<long long>(v.tokens));
    };
    const HealingResult r = healModel(session, c, callbacks);

    // The run's result as healing.json has it (without the curves: loss.csv has them), then what this summary
    // printed before: the settings that matter most and the first and last numbers.
    nlohmann::ordered_json head;
    head["out"] = a.out;
    addPlanSummary(head, session, /*droppedList=*/true);
    head["method"] = healingMethodName(c.method);
    if (c.method == HealingMethod::Lora) {
        head["quantization"] = quantizationName(c.quantization);
        head["rank"] = c.rank;
        head["alpha"] = c.alpha;
        head["target_modules"] = c.targetModules;
    }
    head["config"] = healingConfigToJson(c);
    const nlohmann::ordered_json outcome = healingResultToJson(r, /*curves=*/false);
    for (const auto &[key, value] : outcome.items())
        head[key] = value;
    if (!r.validationSource.empty())
        head["validation"] = {{"data", r.validationSource},
                              {"documents", r.validationDocuments},
                              {"excluded_trained_documents", r.validationExcluded}};
    head["steps"] = r.steps.empty() ? 0 : r.steps.back().step;
    head["train_tokens_available"] = r.trainTokens;
    if (!r.steps.empty()) {
        head["first_train_loss"] = r.steps.front().trainLoss;
        head["tokens_per_second"] = r.steps.back().tokensPerSecond;
        head["seconds"] = r.steps.back().seconds;
    }
    if (!r.validation.empty())
        head["initial_validation_loss"] = r.validation.front().loss;
    head["memory"] = memoryJson(estimate);  // before the merge's export
    if (a.merge) {
        ExportOptions options;
        options.maxShardBytes = parseByteSize(a.shardSize, "--shard-size");
        if (!a.outDtype.empty())
            options.dtype = parseDType(a.outDtype);
        options.overwrite = a.force;
        options.metric = metric;
        const ExportResult exported =
            exportHealedModel(session, std::filesystem::path(a.out) / "merged", options, progress);
        head["merged"] = exported.folder.string();
        head["merged_shards"] = exported.shards;
    }
    printJson(head);
}

}  // namespace

void addHealCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand(
        "heal", "Drop layers (optional) and heal the model: QLoRA (NF4 base + LoRA adapters) by default, with the\n"
                "settings of Gromov et al.; writes PEFT adapters, loss.csv, healing.json and checkpoints to --out.");
    auto a = std::make_shared<HealArgs>();
    HealingConfig &c = a->healing.config;
    cmd->add_option("MODEL_DIR", a->folder, "Model folder")->required();
    cmd->add_option("--data", a->data, "Training text: plain text, JSON Lines or C4 .json.gz")->required();
    cmd->add_option("--out", a->out,
                    "Folder for adapters, loss.csv, healing.json, checkpoints/ (and merged/); without it the run "
                    "writes nothing");
    addPlanOptions(cmd, a->plan);
    addExpandOptions(cmd, a->plan.expand, "--insert-after", /*inMemory=*/true);
    cmd->add_option("--plan-data", a->planData,
                    "Text to measure distances on for --strategy similarity (default: --data)");
    addSampleOptions(cmd, a->plan.sample, /*seed=*/false);  // --seed is the run's seed, below
    addHealingOptions(cmd, a->healing, "");
    cmd->add_option("--steps", c.steps, "Optimizer steps")->capture_default_str();
    cmd->add_option("--eval-every", c.evalEvery, "Steps between validation losses (0: only at the end)")
        ->capture_default_str();
    cmd->add_option("--checkpoint-every", c.checkpointEvery, "Steps between checkpoints (0: only the last)")
        ->capture_default_str();
    cmd->add_option("--resume", a->resume,
                    "Continue from a checkpoint folder (out/checkpoints/step-N) of a run with the same settings");
    cmd->add_option("--seed", c.seed,
                    "Seed for data order, adapter initialisation and dropout, and for the distance sample")
        ->capture_default_str();
    cmd->add_option("--device", a->device, kDeviceHelp)->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "Compute dtype (default: float32 on CPU, the checkpoint's on CUDA)");
    cmd->add_flag("--merge", a->merge,
                  "Also write out/merged: the pruned model with the adapters merged (transformers loads it)");
    cmd->add_option("--out-dtype", a->outDtype, "dtype of the merged model's weights (default: the checkpoint's)");
    cmd->add_option("--shard-size", a->shardSize, "Largest safetensors shard of the merged model")
        ->capture_default_str();
    cmd->add_option("--metric", a->metric,
                    "The distance the layers were chosen by, recorded in merged/layercut.json (default: "
                    "angular_distance when --strategy similarity chose them)")
        ->check(CLI::IsMember(
            {distanceMetricName(DistanceMetric::Angular), distanceMetricName(DistanceMetric::AllTokens)}));
    cmd->add_flag("--force", a->force,
                  "Replace an earlier run in --out (its checkpoints, adapters and summary files; without --resume "
                  "from one of its checkpoints the run refuses such a folder), and out/merged if it exists");
    addMemoryCheckOption(cmd, a->memoryCheck);
    cmd->callback([&action, a] { action = [a] { runHeal(*a); }; });
}

}  // namespace lc::cli
