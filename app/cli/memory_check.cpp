// SPDX-License-Identifier: GPL-3.0-or-later
#include "memory_check.h"

#include "layercut/device_memory.h"
#include "layercut/error.h"
#include "layercut/model_config.h"

namespace lc::cli {

void addMemoryCheckOption(CLI::App *cmd, bool &skip)
{
    cmd->add_flag("--no-memory-check", skip,
                  "Start even when the estimated GPU memory exceeds what the device has free (the estimate is "
                  "checked before loading, with what would fit instead)");
}

std::optional<MemoryEstimate> checkMemory(const std::filesystem::path &folder, const LoadOptions &load, MemoryJob job,
                                          MemorySetup setup, bool skip)
{
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
    const std::optional<DeviceMemory> memory = skip ? std::nullopt : deviceMemory(load.device);
    if (memory && estimate.total() > memory->freeBytes)
        throw Error(memoryAdvice(config, job, setup, load.device, memory->freeBytes) +
                    " (--no-memory-check starts anyway)");
    return estimate;
}

MemorySetup evaluationMemory(const EvalOptions &options)
{
    MemorySetup s;
    s.batchTokens = options.batchTokens;
    s.length = options.lossLength;
    s.heldOutLoss = !options.validationData.empty();
    s.generationBatch = options.gsm8k.empty() ? 0 : options.generationBatch;
    return s;
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
