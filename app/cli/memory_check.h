// SPDX-License-Identifier: GPL-3.0-or-later
// The memory check before a job loads anything: its estimate against the CUDA device's free memory (or
// --memory-budget), refused with what would fit instead (memory_plan.h), unless --no-memory-check.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "layercut/memory_plan.h"
#include "layercut/model_session.h"

namespace lc::cli {

/** How a command checks: --no-memory-check, --memory-budget SIZE. */
struct MemoryCheckArgs
{
    bool skip = false;
    std::string budget;  // empty: the device's free memory alone
};

/** --no-memory-check: run even when the estimate exceeds the free memory; --memory-budget: plan for less. */
void addMemoryCheckOption(CLI::App *cmd, MemoryCheckArgs &check);

/** A job's estimate per device (as `--device` lists them) and over all of them. */
struct PlannedMemory
{
    MemoryEstimate total;
    std::vector<std::string> devices;
    std::vector<MemoryEstimate> perDevice;
};

/**
 * The estimate of `job` on the model in `folder` loaded as `load` (`setup`'s dtype and NF4 are taken from `load`:
 * the checkpoint's dtype on CUDA when none is given), on each device of the list. Throws lc::Error with
 * memoryAdvice() (which may propose the machine's other GPUs) when a device's part exceeds what it has free, or
 * the budget (also on the CPU), unless `check.skip`; else it only estimates. nullopt when the folder's
 * config.json cannot be read: loading then says why.
 */
std::optional<PlannedMemory> checkMemory(const std::filesystem::path &folder, const LoadOptions &load, MemoryJob job,
                                         MemorySetup setup, const MemoryCheckArgs &check);

/**
 * A summary's "memory": {"estimated_bytes", "estimated_weights_bytes", …, and on CUDA "peak_allocated_bytes"}
 * over all devices, and per device in "devices" when there are several; null without an estimate.
 */
nlohmann::ordered_json memoryJson(const std::optional<PlannedMemory> &planned);

}  // namespace lc::cli
