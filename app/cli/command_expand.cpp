// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli expand MODEL_DIR (--after I,J,... | --s-strategy) [--init average|copy] [--drop-last K] --out DIR:
// insert new blocks that start as the identity (LLaMA Pro, Llama SLayer), optionally drop the last blocks, and
// export a folder that transformers loads unchanged.
#include <optional>

#include "cli_output.h"
#include "commands.h"
#include "layercut/block_plan.h"
#include "layercut/error.h"
#include "layercut/model_config.h"
#include "layercut/model_export.h"

namespace lc::cli {
namespace {

struct ExpandArgs
{
    std::string folder, out, after, init = "average", outDtype, shardSize = "5GB";
    std::optional<int64_t> dropLast;  // unset: the preset's (2), else none
    bool sStrategy = false, force = false;
};

BlockPlan planFor(const ExpandArgs &a, int64_t layers)
{
    if (a.sStrategy) {
        if (!a.after.empty())
            throw Error("--s-strategy chooses the blocks itself: leave out --after (or give --after and --drop-last "
                        "instead of the preset)");
        // SLayer's preset, with --init and --drop-last still the user's to change.
        return BlockPlan::expand(layers, BlockPlan::sStrategyPositions(layers), parseBlockInit(a.init),
                                 a.dropLast.value_or(2));
    }
    if (a.after.empty())
        throw Error("give --after I,J,... (0-based blocks to insert a new block after) or --s-strategy");
    return BlockPlan::expand(layers, parseIdList(a.after, "--after"), parseBlockInit(a.init), a.dropLast.value_or(0));
}

void runExpand(const ExpandArgs &a)
{
    const auto progress = stderrProgress();
    const ModelConfig config = ModelConfig::fromFile(std::filesystem::path(a.folder) / "config.json");
    const BlockPlan plan = planFor(a, config.numLayers);
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
    head["init"] = a.init;
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
    auto a = std::make_shared<ExpandArgs>();
    cmd->add_option("MODEL_DIR", a->folder, "Model folder")->required();
    cmd->add_option("--out", a->out, "Folder to write (must not exist unless --force)")->required();
    cmd->add_option("--after", a->after, "Insert a new block after each of these blocks, comma-separated (e.g. 1,3,5)");
    cmd->add_flag("--s-strategy", a->sStrategy,
                  "Llama SLayer's S strategy: after blocks 1, 3, ..., L/2-1, averaged, and the last 2 blocks dropped "
                  "(--init and --drop-last change it)");
    cmd->add_option("--init", a->init,
                    "average: each tensor the mean of block i and i+1 (SLayer; a copy after the last block); copy: a "
                    "copy of block i (LLaMA Pro). Either way o_proj and down_proj are zero")
        ->capture_default_str()
        ->check(CLI::IsMember({"average", "copy"}));
    cmd->add_option("--drop-last", a->dropLast,
                    "Also drop the last K original blocks (default: 0; 2 with --s-strategy)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--out-dtype", a->outDtype,
                    "Convert the exported weights: float32, bfloat16 or float16 (default: keep)");
    cmd->add_option("--shard-size", a->shardSize, "Largest safetensors shard, e.g. 5GB, 500MB")->capture_default_str();
    cmd->add_flag("--force", a->force, "Replace --out if it exists (only once the new folder is complete)");
    cmd->callback([&action, a] { action = [a] { runExpand(*a); }; });
}

}  // namespace lc::cli
