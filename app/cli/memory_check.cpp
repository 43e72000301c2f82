// SPDX-License-Identifier: GPL-3.0-or-later
#include "memory_check.h"

#include "cli_output.h"
#include "layercut/device_memory.h"
#include "layercut/error.h"
#include "layercut/model_config.h"

namespace lc::cli {

void addMemoryCheckOption(CLI::App *cmd, MemoryCheckArgs &check)
{
    cmd->add_flag("--no-memory-check", check.skip,
                  "Start even when the estimated GPU memory exceeds what the device has free (the estimate is "
                  "checked before loading, with what would fit instead)");
    cmd->add_option("--memory-budget", check.budget,
                    "Plan for at most this much device memory (40GB, 24GiB, ...): on a shared GPU, or to size a job "
                    "for a smaller one; checked on the CPU too");
}

std::optional<MemoryEstimate> checkMemory(const std::filesystem::path &folder, const LoadOptions &load, MemoryJob job,
                                          MemorySetup setup, const MemoryCheckArgs &check)
{
    const auto budget =
        check.budget.empty() ? int64_t{0} : static_cast<int64_t>(parseByteSize(check.budget, "--memory-budget"));
    ModelConfig config;
    MemoryEstimate estimate;
    try {
        const ModelInfo info = ModelSession::inspect(folder);  // config and tensor headers, no weights
        config = info.config;
        setup.dtype = ModelSession::computeDType(info, load);  // as loading will resolve it
        setup.nf4 = setup.nf4 || load.nf4;
        setup.doubleQuantization = load.nf4DoubleQuantization;
        estimate = estimateMemory(config, job, setup);
    } catch (const Error &) {
        return std::nullopt;  // loading reports what is wrong with the folder
    }
    const std::optional<int64_t> usable = check.skip ? std::nullopt : usableMemory(load.device, budget);
    if (usable && estimate.total() > *usable)
        throw Error(memoryAdvice(config, job, setup, load.device, *usable) + " (--no-memory-check starts anyway)");
    return estimate;
}

nlohmann::ordered_json memoryJson(const std::optional<MemoryEstimate> &estimate, const std::string &device)
{
    if (!estimate)
        return nullptr;
    nlohmann::ordered_json j;
    j["estimated_bytes"] = estimate->total();
    j["estimated_weights_bytes"] = estimate->weights;
    j["estimated_activations_bytes"] = estimate->activations;
    j["estimated_training_bytes"] = estimate->training;
    if (const std::optional<int64_t> peak = peakAllocatedBytes(device))
        j["peak_allocated_bytes"] = *peak;
    return j;
}

}  // namespace lc::cli
