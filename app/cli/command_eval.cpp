// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli eval MODEL_DIR [--mmlu DIR_OR_FILE] [--boolq FILE] [--gsm8k FILE] [--val-data FILE] --out FILE.json:
// MMLU, BoolQ and GSM8K as lm-evaluation-harness scores them, and the held-out loss, of the model (optionally
// pruned first).
#include "benchmark_options.h"
#include "cli_output.h"
#include "commands.h"
#include "layercut/atomic_file.h"
#include "layercut/evaluation.h"
#include "layercut/evaluation_json.h"
#include "memory_check.h"
#include "plan_options.h"

namespace lc::cli {
namespace {

struct EvalArgs
{
    std::string folder, out, device = "cpu", dtype;
    PlanArgs plan;
    std::string planData;
    EvalOptions options;
    BenchmarkArgs benchmarks;
    bool noPrefixReuse = false, nf4 = false;
    MemoryCheckArgs memoryCheck;
};

void runEval(EvalArgs a)
{
    const auto progress = stderrProgress();
    EvalOptions o = a.options;
    a.benchmarks.applyTo(o);
    o.reusePrefix = !a.noPrefixReuse;
    ModelSession session;
    const LoadOptions load = loadOptions(a.device, a.dtype, a.nf4);
    const std::optional<PlannedMemory> estimate =
        checkMemory(a.folder, load, MemoryJob::Evaluation, evaluationMemorySetup(o), a.memoryCheck);
    session.load(a.folder, load, progress);
    // eval's --max-length is the benchmarks' context window and bounds the distance sample as well.
    applyPlanArgs(session, a.plan, a.planData, a.folder, load, o.maxLength, progress);
    const EvalResult r = evaluateModel(session, o, progress);
    nlohmann::ordered_json j = evalResultToJson(r);
    j["model"] = a.folder;
    addPlanSummary(j, session);
    j["shots"] = o.shots;
    j["boolq_shots"] = o.boolqShots;
    if (r.gsm8k)
        j["gsm8k_shots"] = o.gsm8kShots;
    writeFileAtomically(a.out, j.dump(1) + "\n");
    // stdout: the summary without the per-question lists and the per-subject numbers.
    nlohmann::ordered_json summary = evalResultToJson(r, /*questions=*/false);
    for (const char *key : {"model", "layers", "dropped", "inserted_after", "shots", "boolq_shots", "gsm8k_shots"})
        if (j.contains(key))
            summary[key] = j[key];
    if (summary.contains("mmlu")) {
        summary["mmlu"].erase("subjects");
        summary["mmlu"].erase("subject_counts");
    }
    summary["memory"] = memoryJson(estimate);
    summary["out"] = a.out;
    printJson(summary);
}

}  // namespace

void addEvalCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand(
        "eval", "MMLU (k-shot), BoolQ (0-shot) and GSM8K (k-shot, greedy generation) accuracy as\n"
                "lm-evaluation-harness scores them, and the held-out loss, of the model (pruned first with the prune\n"
                "options); per-question results in --out.");
    auto a = std::make_shared<EvalArgs>();
    EvalOptions &o = a->options;
    cmd->add_option("MODEL_DIR", a->folder, "Model folder")->required();
    cmd->add_option("--out", a->out, "Result JSON file")->required();
    addBenchmarkOptions(cmd, a->benchmarks, o);
    cmd->add_option("--max-length", o.maxLength,
                    "Context window (0: max_position_embeddings); also the tokens per document of the distance sample "
                    "(0: 2048)")
        ->capture_default_str();
    cmd->add_option("--batch-tokens", o.batchTokens, "Tokens per forward pass")->capture_default_str();
    cmd->add_flag("--no-prefix-reuse", a->noPrefixReuse, "Run every MMLU prompt whole (same numbers, slower)");
    addPlanOptions(cmd, a->plan);
    addExpandOptions(cmd, a->plan.expand, "--insert-after", /*inMemory=*/true);
    cmd->add_option("--plan-data", a->planData, "Text to measure distances on for --strategy similarity");
    addSampleOptions(cmd, a->plan.sample, /*seed=*/true, /*maxLength=*/false);
    cmd->add_option("--device", a->device, kDeviceHelp)->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "Compute dtype (default: float32 on CPU, the checkpoint's on CUDA)");
    cmd->add_flag("--nf4", a->nf4, "Store the linear weights as NF4 at load (QLoRA's base), computing in --dtype");
    addMemoryCheckOption(cmd, a->memoryCheck);
    cmd->callback([&action, a] { action = [a] { runEval(*a); }; });
}

}  // namespace lc::cli
