// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli sweep MODEL_DIR --fractions 0,0.1,... --strategy similarity,deepest,reverse [--heal-steps N]
// ... --out FILE.json: accuracy and loss against the fraction of layers dropped (Gromov et al.'s headline
// figure); `--per-layer` drops each layer alone instead (Llama SLayer's importance scan), and with
// `--inject-steps K --inject-data FILE --inject-mmlu|--inject-boolq` also inserts a block after each layer,
// trains it alone for K steps on the new facts and asks about them (the probe's second kind).

#include "benchmark_options.h"
#include "cli_output.h"
#include "commands.h"
#include "healing_options.h"
#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/layer_distances.h"
#include "layercut/sweep.h"
#include "memory_check.h"
#include "plan_options.h"

namespace lc::cli {
namespace {

struct SweepArgs
{
    std::string folder, out, fractions = "0,0.1,0.2,0.3,0.4,0.5", strategies = "similarity", data, planData,
                             device = "cpu", dtype, distances, cache, injectInit = "average";
    SweepOptions options;
    BenchmarkArgs benchmarks;
    HealingArgs healing;  // every point's healing run, as heal's options with a heal- prefix
    PlanSample sample;    // the distance sample, with every command's defaults
    bool perLayer = false, planDataGiven = false, nf4 = false;
    MemoryCheckArgs memoryCheck;
};

std::string number(const std::optional<double> &v)
{
    return v ? std::to_string(*v) : "-";
}

void runSweepCommand(SweepArgs a)
{
    const auto progress = stderrProgress();
    SweepOptions o = a.options;
    o.perLayer = a.perLayer;
    o.injection.init = parseBlockInit(a.injectInit);
    if (o.injection.enabled() && !a.perLayer)
        throw Error("--inject-steps: the injection probe is part of --per-layer");
    o.fractions.clear();
    if (!a.perLayer) {
        for (const std::string &f : splitComma(a.fractions)) {
            try {
                o.fractions.push_back(std::stod(f));
            } catch (const std::exception &) {
                throw Error("--fractions: '" + f + "' is not a number");
            }
        }
        o.strategies.clear();
        for (const std::string &s : splitComma(a.strategies))
            o.strategies.push_back(parseStrategy(s));
    }
    // --plan-data '' measures nothing: a sweep without similarity whose --data only heals.
    o.distanceData = a.planDataGiven ? a.planData : a.data;
    o.distanceOptions = a.sample.options;
    o.distancesCache = a.cache;
    if (!a.distances.empty())
        o.distances = distancesFromJson(readJsonFile(a.distances), a.distances);
    a.benchmarks.applyTo(o.eval);
    o.resultFile = a.out;
    o.healing = a.healing.resolved();
    o.healing.trainData = a.data;
    const LoadOptions load = loadOptions(a.device, a.dtype, a.nf4);
    for (const MemoryJobSetup &part : sweepMemorySetups(o))
        checkMemory(a.folder, load, part.job, part.setup, a.memoryCheck);
    ModelSession session;
    session.load(a.folder, load, progress);
    const SweepResult r = runSweep(
        session, o,
        [](const SweepPoint &p) {
            const std::string what = p.insertedAfter ? "block inserted after " + std::to_string(*p.insertedAfter)
                                                     : std::to_string(p.dropped.size()) + " dropped";
            std::fprintf(stderr, "%s %.3f (%s)%s: mmlu %s  boolq %s  gsm8k %s  loss %s",
                         strategyName(p.strategy).c_str(), p.fraction, what.c_str(), p.healed ? " healed" : "",
                         number(p.mmlu).c_str(), number(p.boolq).c_str(), number(p.gsm8k).c_str(),
                         number(p.loss).c_str());
            if (p.injectedMmlu || p.injectedBoolq)
                std::fprintf(stderr, "  injected mmlu %s  boolq %s", number(p.injectedMmlu).c_str(),
                             number(p.injectedBoolq).c_str());
            std::fputc('\n', stderr);
        },
        progress);
    nlohmann::ordered_json summary = sweepToJson(r, o);
    summary["out"] = a.out;
    printJson(summary);
}

}  // namespace

void addSweepCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand(
        "sweep",
        "Accuracy (MMLU, BoolQ, GSM8K) and loss against the fraction of layers dropped, per strategy, unhealed and\n"
        "(with --heal-steps) healed; --per-layer drops each layer alone, and with --inject-steps also inserts a new\n"
        "block after each layer, trains only it on --inject-data (with the --heal-* settings) and asks\n"
        "--inject-mmlu/--inject-boolq about the injected facts (Llama SLayer's probe of both kinds; it reloads\n"
        "the checkpoint after each layer). Each point is saved to --out as it comes; running again with the same\n"
        "settings resumes.");
    auto a = std::make_shared<SweepArgs>();
    SweepOptions &o = a->options;
    cmd->add_option("MODEL_DIR", a->folder, "Model folder")->required();
    cmd->add_option("--out", a->out, "Result JSON file (resumed when it exists)")->required();
    cmd->add_option("--fractions", a->fractions, "Fractions of the layers to drop, comma-separated")
        ->capture_default_str();
    cmd->add_option("--strategy", a->strategies, "similarity, deepest, reverse, or several comma-separated")
        ->capture_default_str();
    cmd->add_flag("--per-layer", a->perLayer, "Drop each single layer in turn (importance scan) instead of fractions");
    cmd->add_option("--inject-steps", o.injection.steps,
                    "With --per-layer: insert a block after each layer and train only it for this many steps "
                    "(0: no injection probe)")
        ->capture_default_str();
    cmd->add_option("--inject-data", o.injection.trainData, "The injection probe's corpus: text of the new facts");
    cmd->add_option("--inject-mmlu", o.injection.mmlu,
                    "MMLU-format questions on the injected facts (folder or .jsonl)");
    cmd->add_option("--inject-boolq", o.injection.boolq, "BoolQ-format questions on the injected facts (.jsonl)");
    cmd->add_option("--inject-init", a->injectInit,
                    "The probe's new blocks: average (Llama SLayer) or copy (LLaMA Pro)")
        ->capture_default_str();
    cmd->add_option("--data", a->data, "Text for the distances (similarity) and for healing");
    cmd->add_option("--plan-data", a->planData,
                    "Text to measure distances on for --strategy similarity (default: --data; '' for none)")
        ->each([a](const std::string &) { a->planDataGiven = true; });
    addSampleOptions(cmd, a->sample);
    cmd->add_option("--distances", a->distances, "Distances JSON from `layercut-cli distances` (instead of measuring)");
    cmd->add_option("--cache", a->cache,
                    "Folder caching measured distances per model, data and settings (the GUI's is "
                    "~/.cache/LayerCut/layercut/distances): read instead of measuring, written after");
    addBenchmarkOptions(cmd, a->benchmarks, o.eval);
    cmd->add_option("--heal-steps", o.healSteps, "Heal each point for this many steps and evaluate again (0: no)")
        ->capture_default_str();
    addHealingOptions(cmd, a->healing, "heal-");
    cmd->add_option("--heal-seed", a->healing.config.seed, "Seed of each healing run (data order, adapters, dropout)")
        ->capture_default_str();
    cmd->add_option("--device", a->device, kDeviceHelp)->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "Compute dtype");
    cmd->add_flag("--nf4", a->nf4, "Store the linear weights as NF4 at load (QLoRA's base), computing in --dtype");
    addMemoryCheckOption(cmd, a->memoryCheck);
    cmd->callback([&action, a] { action = [a] { runSweepCommand(*a); }; });
}

}  // namespace lc::cli
