// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/block_placement.h"

#include <algorithm>

#include "layercut/block_runs.h"
#include "layercut/device_memory.h"
#include "layercut/error.h"

namespace lc {

BlockPlacement BlockPlacement::single(at::Device device, int64_t blocks)
{
    return {{device}, std::vector<size_t>(static_cast<size_t>(std::max<int64_t>(blocks, 0)), 0)};
}

std::string BlockPlacement::describe() const
{
    std::string text;
    for (size_t d = 0; d < devices.size(); ++d) {
        const auto first = std::find(blockDevice.begin(), blockDevice.end(), d);
        const auto last = std::find_if(first, blockDevice.end(), [&](size_t i) { return i != d; });
        text += (text.empty() ? "" : ", ") + devices[d].str();
        if (first == last)
            text += " (no block)";
        else
            text += " (blocks " + std::to_string(first - blockDevice.begin()) + "-" +
                    std::to_string(last - blockDevice.begin() - 1) + ")";
    }
    return text;
}

std::vector<at::Device> parseDevices(const std::string &text)
{
    std::vector<at::Device> devices;
    for (const std::string &entry : deviceList(text)) {  // "cuda" read as cuda:0, as everywhere else
        if (entry.empty())
            throw Error("device list '" + text + "' has an empty entry (expected e.g. cuda:0,cuda:1)");
        const at::Device d = parseDevice(entry);
        if (d.is_cuda() && std::find(devices.begin(), devices.end(), d) != devices.end())
            throw Error("device list '" + text + "' names " + d.str() + " twice");
        devices.push_back(d);
    }
    return devices;
}

BlockPlacement placeBlocks(const std::vector<at::Device> &devices, const std::vector<uint64_t> &blockBytes,
                           uint64_t firstBytes, uint64_t lastBytes, const std::vector<uint64_t> &room)
{
    return {devices, blockRuns(devices.size(), blockBytes, firstBytes, lastBytes, room)};
}

}  // namespace lc
