// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli sweep MODEL_DIR --fractions 0,0.1,... --strategy similarity,deepest,reverse [--heal-steps N]
// ... --out FILE.json: accuracy and loss against the fraction of layers dropped (Gromov et al.'s headline
// figure); `--per-layer` drops each layer alone instead (Llama SLayer's importance scan).

#include "benchmark_options.h"
#include "cli_output.h"
#include "commands.h"
#include "healing_options.h"
#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/layer_distances.h"
#include "layercut/sweep.h"
#include "plan_options.h"

namespace lc::cli {
namespace {

struct SweepArgs
{
    std::string folder, out, fractions = "0,0.1,0.2,0.3,0.4,0.5", strategies = "similarity", data, planData,
                             device = "cpu", dtype, distances, cache;
    SweepOptions options;
    BenchmarkArgs benchmarks;
    HealingArgs healing;  // every point's healing run, as heal's options with a heal- prefix
    PlanSample sample;    // the distance sample, with every command's defaults
    bool perLayer = false, planDataGiven = false, nf4 = false;
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
    ModelSession session;
    session.load(a.folder, loadOptions(a.device, a.dtype, a.nf4), progress);
    const SweepResult r = runSweep(
        session, o,
        [](const SweepPoint &p) {
            std::fprintf(stderr, "%s %.3f (%zu dropped)%s: mmlu %s  boolq %s  gsm8k %s  loss %s\n",
                         strategyName(p.strategy).c_str(), p.fraction, p.dropped.size(), p.healed ? " healed" : "",
                         number(p.mmlu).c_str(), number(p.boolq).c_str(), number(p.gsm8k).c_str(),
                         number(p.loss).c_str());
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
        "(with --heal-steps) healed; --per-layer drops each layer alone. Each point is saved to --out as it\n"
        "comes; running again with the same settings resumes.");
    auto a = std::make_shared<SweepArgs>();
    SweepOptions &o = a->options;
    cmd->add_option("MODEL_DIR", a->folder, "Model folder")->required();
    cmd->add_option("--out", a->out, "Result JSON file (resumed when it exists)")->required();
    cmd->add_option("--fractions", a->fractions, "Fractions of the layers to drop, comma-separated")
        ->capture_default_str();
    cmd->add_option("--strategy", a->strategies, "similarity, deepest, reverse, or several comma-separated")
        ->capture_default_str();
    cmd->add_flag("--per-layer", a->perLayer, "Drop each single layer in turn (importance scan) instead of fractions");
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
    cmd->add_option("--device", a->device, "cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "Compute dtype");
    cmd->add_flag("--nf4", a->nf4, "Store the linear weights as NF4 at load (QLoRA's base), computing in --dtype");
    cmd->callback([&action, a] { action = [a] { runSweepCommand(*a); }; });
}

}  // namespace lc::cli
