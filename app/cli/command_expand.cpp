// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli expand MODEL_DIR (--after I,J,... | --s-strategy) [--init average|copy] [--drop-last K] --out DIR:
// insert new blocks that start as the identity (LLaMA Pro, Llama SLayer), optionally drop the last blocks, and
// export a folder that transformers loads unchanged.
#include "cli_output.h"
#include "commands.h"
#include "expand_options.h"
#include "layercut/block_plan.h"
#include "layercut/error.h"
#include "layercut/model_config.h"
#include "layercut/model_export.h"

namespace lc::cli {
namespace {

struct ExpandCommandArgs
{
    std::string folder, out, outDtype, shardSize = "5GB";
    ExpandArgs blocks;
    bool force = false;
};

void runExpand(const ExpandCommandArgs &a)
{
    const auto progress = stderrProgress();
    const ModelConfig config = ModelConfig::fromFile(std::filesystem::path(a.folder) / "config.json");
    const BlockPlan plan = a.blocks.plan(config.numLayers);
    ExportOptions options;
    options.maxShardBytes = parseByteSize(a.shardSize, "--shard-size");
    if (!a.outDtype.empty())
        options.dtype = parseDType(a.outDtype);
    options.overwrite = a.force;
    const ExportResult exported = exportExpandedModel(a.folder, plan, a.out, options, progress);

    nlohmann::ordered_json head;
    head["out"] = exported.folder.string();
    head["source_layers"] = plan.sourceLayers;
    head["layers"] = exported.layers;
    head["inserted_after"] = plan.insertedAfter();
    head["init"] = a.blocks.init;
    head["dropped"] = PrunePlan::ranges(plan.droppedOriginals());
    head["dropped_layers"] = plan.droppedOriginals();
    head["blocks"] = plan.blocksJson();
    head["shards"] = exported.shards;
    head["bytes"] = exported.bytes;
    printJson(head);
}

}  // namespace

void addExpandCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand(
        "expand",
        "Insert new blocks that start as the identity (LLaMA Pro, Llama SLayer), optionally drop the last blocks, and\n"
        "export a model folder that transformers loads unchanged. Block numbers are 0-based, of the source model;\n"
        "layercut.json in the export records where each block comes from.");
    auto a = std::make_shared<ExpandCommandArgs>();
    cmd->add_option("MODEL_DIR", a->folder, "Model folder")->required();
    cmd->add_option("--out", a->out, "Folder to write (must not exist unless --force)")->required();
    addExpandOptions(cmd, a->blocks, "--after", /*inMemory=*/false);
    cmd->add_option("--out-dtype", a->outDtype,
                    "Convert the exported weights: float32, bfloat16 or float16 (default: keep)");
    cmd->add_option("--shard-size", a->shardSize, "Largest safetensors shard, e.g. 5GB, 500MB")->capture_default_str();
    cmd->add_flag("--force", a->force, "Replace --out if it exists (only once the new folder is complete)");
    cmd->callback([&action, a] { action = [a] { runExpand(*a); }; });
}

}  // namespace lc::cli
