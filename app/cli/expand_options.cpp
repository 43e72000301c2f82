// SPDX-License-Identifier: GPL-3.0-or-later
#include "expand_options.h"

#include "cli_output.h"
#include "layercut/error.h"

namespace lc::cli {

BlockPlan ExpandArgs::plan(int64_t layers) const
{
    if (sStrategy) {
        if (!after.empty())
            throw Error("--s-strategy chooses the blocks itself: leave out " + afterOption + " (or give " +
                        afterOption + " and --drop-last instead of the preset)");
        // SLayer's preset, with --init and --drop-last still the user's to change.
        return BlockPlan::expand(layers, BlockPlan::sStrategyPositions(layers), parseBlockInit(init),
                                 dropLast.value_or(2));
    }
    if (after.empty())
        throw Error("give " + afterOption + " I,J,... (0-based blocks to insert a new block after) or --s-strategy");
    return BlockPlan::expand(layers, parseIdList(after, afterOption), parseBlockInit(init), dropLast.value_or(0));
}

BlockPlan ExpandArgs::insertInto(const BlockPlan &kept) const
{
    if (sStrategy || dropLast)
        throw Error(std::string(sStrategy ? "--s-strategy" : "--drop-last") +
                    " drops blocks itself: leave out --drop, --layers, --n and --fraction, or insert with " +
                    afterOption + " alone");
    return kept.withInsertions(parseIdList(after, afterOption), parseBlockInit(init));
}

void addExpandOptions(CLI::App *cmd, ExpandArgs &a, const std::string &afterOption, bool inMemory)
{
    a.afterOption = afterOption;
    cmd->add_option(
        afterOption, a.after,
        std::string("Insert a new block after each of these blocks, comma-separated (e.g. 1,3,5)") +
            (inMemory ? "; built in memory, the identity until trained (heal --method blocks trains it)" : ""));
    cmd->add_flag("--s-strategy", a.sStrategy,
                  "Llama SLayer's S strategy: after blocks 1, 3, ..., L/2-1, averaged, and the last 2 blocks dropped "
                  "(--init and --drop-last change it)");
    cmd->add_option("--init", a.init,
                    "average: each tensor the mean of block i and i+1 (SLayer; a copy after the last block); copy: a "
                    "copy of block i (LLaMA Pro). Either way o_proj and down_proj are zero")
        ->capture_default_str()
        ->check(CLI::IsMember({"average", "copy"}));
    cmd->add_option("--drop-last", a.dropLast, "Also drop the last K original blocks (default: 0; 2 with --s-strategy)")
        ->check(CLI::NonNegativeNumber);
}

}  // namespace lc::cli
