// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/block_placement.h"

#include <algorithm>
#include <numeric>

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
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        const std::string entry = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (entry.empty())
            throw Error("device list '" + text + "' has an empty entry (expected e.g. cuda:0,cuda:1)");
        at::Device d = parseDevice(entry);
        if (d.is_cuda() && !d.has_index())
            d = at::Device(at::kCUDA, 0);  // "cuda" is the first GPU, as everywhere else
        if (d.is_cuda() && std::find(devices.begin(), devices.end(), d) != devices.end())
            throw Error("device list '" + text + "' names " + d.str() + " twice");
        devices.push_back(d);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return devices;
}

BlockPlacement placeBlocks(const std::vector<at::Device> &devices, const std::vector<uint64_t> &blockBytes,
                           uint64_t firstBytes, uint64_t lastBytes, const std::vector<uint64_t> &room)
{
    if (devices.empty())
        throw Error("internal: no device to place the model on");
    const size_t n = devices.size(), blocks = blockBytes.size();
    std::vector<double> share(n, 1.0);
    if (!room.empty()) {
        if (room.size() != n)
            throw Error("internal: room for " + std::to_string(room.size()) + " of " + std::to_string(n) + " devices");
        std::transform(room.begin(), room.end(), share.begin(), [](uint64_t r) { return static_cast<double>(r); });
    }
    const double totalShare = std::accumulate(share.begin(), share.end(), 0.0);
    const double total =
        static_cast<double>(firstBytes + lastBytes + std::accumulate(blockBytes.begin(), blockBytes.end(), 0ull));
    // end[d]: where device d's part of the model ends, in bytes from the start.
    std::vector<double> end(n);
    double sum = 0;
    for (size_t d = 0; d < n; ++d) {
        sum += totalShare > 0 ? share[d] / totalShare : 1.0 / static_cast<double>(n);
        end[d] = sum * total;
    }
    BlockPlacement placement{devices, std::vector<size_t>(blocks, 0)};
    double offset = static_cast<double>(firstBytes);
    size_t d = 0;
    for (size_t b = 0; b < blocks; ++b) {
        const double middle = offset + static_cast<double>(blockBytes[b]) / 2;
        while (d + 1 < n && middle > end[d])
            ++d;
        if (blocks >= n) {  // every device gets a block: none skipped, and one left for each still to come
            const size_t remaining = blocks - 1 - b;
            d = b == 0 ? 0 : std::min(d, placement.blockDevice[b - 1] + 1);
            if (n - 1 > remaining)
                d = std::max(d, n - 1 - remaining);
        }
        placement.blockDevice[b] = d;
        offset += static_cast<double>(blockBytes[b]);
    }
    return placement;
}

}  // namespace lc
