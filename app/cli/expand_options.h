// SPDX-License-Identifier: GPL-3.0-or-later
// The options that insert new blocks (LLaMA Pro, Llama SLayer), shared by `expand` (which writes the expanded
// model) and `eval`, `generate` and `heal` (which build it in memory): the same arguments give the same blocks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "layercut/block_plan.h"

namespace lc::cli {

struct ExpandArgs
{
    std::string after, init = "average";
    std::optional<int64_t> dropLast;  // unset: the preset's (2), else none
    bool sStrategy = false;
    std::string afterOption = "--after";  // what the command calls the list, for errors

    /** True when --after (--insert-after) or --s-strategy was given. */
    bool given() const { return !after.empty() || sStrategy; }
    /** The blocks for a checkpoint of `layers`; throws lc::Error for a malformed or contradictory request. */
    BlockPlan plan(int64_t layers) const;
    /** `kept` (a pruned model) with the requested blocks inserted; --s-strategy and --drop-last are refused. */
    BlockPlan insertInto(const BlockPlan &kept) const;
};

/**
 * `afterOption` (--after or --insert-after), --init, --drop-last and --s-strategy. `inMemory`: the help says
 * the blocks are built in memory rather than written.
 */
void addExpandOptions(CLI::App *cmd, ExpandArgs &args, const std::string &afterOption, bool inMemory);

}  // namespace lc::cli
