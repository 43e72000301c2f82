// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli prune MODEL_DIR (--drop START:END | --layers LIST | --n N | --fraction F) --out DIR: choose
// the layers to drop, optionally measure the loss before and after on held-out data, and export a folder
// that transformers loads unchanged.
#include <optional>

#include "cli_output.h"
#include "commands.h"
#include "plan_options.h"
#include "layercut/atomic_file.h"
#include "layercut/error.h"
#include "layercut/evaluation_json.h"
#include "layercut/loss_check.h"
#include "layercut/mergekit_yaml.h"
#include "layercut/model_export.h"

namespace lc::cli {
namespace {

struct PruneArgs
{
    std::string folder, out, data, device = "cpu", dtype, outDtype, shardSize = "5GB", metric, mergekitYaml;
    PlanArgs plan;
    int64_t lossSamples = 16;
    bool force = false;
};

void runPrune(const PruneArgs &a)
{
    const auto progress = stderrProgress();
    if (!a.plan.given())
        throw Error("give exactly one of --drop, --layers, --n and --fraction");
    PlanArgs planArgs = a.plan;
    planArgs.sample.data = a.data;
    const PlanRequest request = planArgs.request();
    if (request.measuresDistances() && a.data.empty())
        throw Error("--strategy similarity needs --data (to measure distances) or --distances FILE.json");

    // The model is loaded only when something needs it: a loss to check (the distances then reuse it).
    ModelSession session;
    const LoadOptions load = loadOptions(a.device, a.dtype);
    if (!a.data.empty())
        session.load(a.folder, load, progress);
    const ChosenPlan chosen = choosePrunePlan(request, a.folder, load, &session, progress);
    const PrunePlan &plan = chosen.plan;

    nlohmann::ordered_json result;
    if (!a.data.empty()) {  // the quick check: held-out loss before and after, as the GUI's Selection dock shows it
        LossCheck check;
        const LossCheck::Result r = check.run(session, BlockPlan::of(plan), a.data, request.sample.options,
                                              a.lossSamples, request.sample.batchSize, progress);
        result["loss_check"] = {{"sequences", r.before.sequences},
                                {"held_out", r.heldOut},
                                {"excluded_trained_documents", r.excludedTrained},
                                {"before", lossToJson(r.before)},
                                {"after", lossToJson(r.after)}};
        session.unload();  // the export reads the checkpoint, not the device copy
    }
    ExportOptions options;
    options.maxShardBytes = parseByteSize(a.shardSize, "--shard-size");
    if (!a.outDtype.empty())
        options.dtype = parseDType(a.outDtype);
    options.overwrite = a.force;
    options.metric = a.metric.empty() ? chosen.metric : std::optional(parseDistanceMetric(a.metric));
    const ExportResult exported = exportPrunedModel(a.folder, plan, a.out, options, progress);
    if (!a.mergekitYaml.empty()) {
        // mergekit slices the source checkpoint and writes in this dtype: the export's, else the checkpoint's.
        std::optional<DType> dtype = options.dtype;
        if (!dtype) {
            try {
                dtype = parseDType(ModelSession::inspect(a.folder).checkpointDtype);
            } catch (const Error &) {
                // A checkpoint of another dtype: mergekit keeps it as it is.
            }
        }
        const std::filesystem::path model = std::filesystem::absolute(a.folder).lexically_normal();
        writeFileAtomically(a.mergekitYaml, mergekitPassthroughYaml(plan, model, dtype));
    }

    nlohmann::ordered_json head;
    head["out"] = exported.folder.string();
    head["source_layers"] = plan.sourceLayers;
    head["layers"] = exported.layers;
    head["kept"] = PrunePlan::ranges(plan.kept);
    head["dropped"] = PrunePlan::ranges(plan.dropped());
    head["dropped_layers"] = plan.dropped();
    head["method"] = plan.method;
    if (plan.distance >= 0)
        head["distance"] = plan.distance;
    head["shards"] = exported.shards;
    head["bytes"] = exported.bytes;
    if (!a.mergekitYaml.empty())
        head["mergekit_yaml"] = a.mergekitYaml;
    for (auto &[k, v] : result.items())
        head[k] = v;
    printJson(head);
}

}  // namespace

void addPruneCommand(CLI::App &app, Action &action)
{
    auto *cmd =
        app.add_subcommand("prune", "Drop layers and export a model folder that transformers loads unchanged.\n"
                                    "Layer numbers are 0-based; --drop START:END drops START..END-1 (END exclusive).");
    auto a = std::make_shared<PruneArgs>();
    cmd->add_option("MODEL_DIR", a->folder, "Model folder")->required();
    cmd->add_option("--out", a->out, "Folder to write (must not exist unless --force)")->required();
    addPlanOptions(cmd, a->plan);
    cmd->add_option("--data", a->data, "Text data: measures distances (similarity) and the held-out loss before/after");
    addSampleOptions(cmd, a->plan.sample);
    cmd->add_option("--loss-samples", a->lossSamples, "Held-out documents for the loss check (none of the --samples)")
        ->capture_default_str();
    cmd->add_option("--batch", a->plan.sample.batchSize, "Documents per forward pass")->capture_default_str();
    cmd->add_option("--device", a->device, std::string(kDeviceHelp) + "; for distances and the loss check")
        ->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "Compute dtype for distances and the loss check");
    cmd->add_option("--out-dtype", a->outDtype,
                    "Convert the exported weights: float32, bfloat16 or float16 (default: keep)");
    cmd->add_option("--shard-size", a->shardSize, "Largest safetensors shard, e.g. 5GB, 500MB")->capture_default_str();
    cmd->add_flag("--force", a->force, "Replace --out if it exists (only once the new folder is complete)");
    cmd->add_option("--metric", a->metric,
                    "The distance the layers were chosen by, recorded in layercut.json (default: angular_distance "
                    "when --strategy similarity chose them)")
        ->check(CLI::IsMember(
            {distanceMetricName(DistanceMetric::Angular), distanceMetricName(DistanceMetric::AllTokens)}));
    cmd->add_option("--mergekit-yaml", a->mergekitYaml,
                    "Also write the plan as mergekit's passthrough configuration (slices of the source's kept layers)");
    cmd->callback([&action, a] { action = [a] { runPrune(*a); }; });
}

}  // namespace lc::cli
