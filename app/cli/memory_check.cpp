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

std::optional<PlannedMemory> checkMemory(const std::filesystem::path &folder, const LoadOptions &load, MemoryJob job,
                                         MemorySetup setup, const MemoryCheckArgs &check)
{
    const auto budget =
        check.budget.empty() ? int64_t{0} : static_cast<int64_t>(parseByteSize(check.budget, "--memory-budget"));
    // Each listed device with what it may use; unknown for one (the CPU without a budget): no check, and the
    // estimate splits the model in equal shares.
    const std::optional<MemoryRoom> room = memoryRoom(load.device, budget);
    ModelConfig config;
    PlannedMemory planned;
    planned.devices = deviceList(load.device);
    try {
        const ModelInfo info = ModelSession::inspect(folder);  // config and tensor headers, no weights
        config = info.config;
        setup.dtype = ModelSession::computeDType(info, load);  // as loading will resolve it
        setup.nf4 = setup.nf4 || load.nf4;
        setup.doubleQuantization = load.nf4DoubleQuantization;
        planned.perDevice = estimateMemoryPerDevice(
            config, job, setup, room ? room->split() : std::vector<int64_t>(planned.devices.size(), 0));
        planned.total = sumOf(planned.perDevice);
    } catch (const Error &) {
        return std::nullopt;  // loading reports what is wrong with the folder
    }
    if (room && !check.skip && !fitsMemory(planned.perDevice, room->available))
        throw Error(memoryAdvice(config, job, setup, withSpareGpus(*room, budget)) +
                    " (--no-memory-check starts anyway)");
    return planned;
}

nlohmann::ordered_json memoryJson(const std::optional<PlannedMemory> &planned)
{
    if (!planned)
        return nullptr;
    const auto entry = [](const MemoryEstimate &e) {
        nlohmann::ordered_json j;
        j["estimated_bytes"] = e.total();
        j["estimated_weights_bytes"] = e.weights;
        j["estimated_activations_bytes"] = e.activations;
        j["estimated_training_bytes"] = e.training;
        return j;
    };
    nlohmann::ordered_json j = entry(planned->total);
    std::optional<int64_t> peak = 0;
    nlohmann::ordered_json devices = nlohmann::ordered_json::array();
    for (size_t d = 0; d < planned->devices.size() && d < planned->perDevice.size(); ++d) {
        nlohmann::ordered_json one{{"device", planned->devices[d]}};
        one.update(entry(planned->perDevice[d]));
        const std::optional<int64_t> p = peakAllocatedBytes(planned->devices[d]);
        if (p)
            one["peak_allocated_bytes"] = *p;
        peak = peak && p ? std::optional<int64_t>(*peak + *p) : std::nullopt;
        devices.push_back(one);
    }
    if (peak)
        j["peak_allocated_bytes"] = *peak;  // over all the devices
    if (devices.size() > 1)
        j["devices"] = devices;
    return j;
}

}  // namespace lc::cli
