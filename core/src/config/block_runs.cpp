// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/block_runs.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "layercut/error.h"

namespace lc {

std::vector<size_t> blockRuns(size_t devices, const std::vector<uint64_t> &blockBytes, uint64_t firstBytes,
                              uint64_t lastBytes, const std::vector<uint64_t> &room)
{
    if (devices == 0)
        throw Error("internal: no device to place the model on");
    const size_t n = devices, blocks = blockBytes.size();
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
    std::vector<size_t> runs(blocks, 0);
    double offset = static_cast<double>(firstBytes);
    size_t d = 0;
    for (size_t b = 0; b < blocks; ++b) {
        const double middle = offset + static_cast<double>(blockBytes[b]) / 2;
        while (d + 1 < n && middle > end[d])
            ++d;
        if (blocks >= n) {  // every device gets a block: none skipped, and one left for each still to come
            const size_t remaining = blocks - 1 - b;
            d = b == 0 ? 0 : std::min(d, runs[b - 1] + 1);
            if (n - 1 > remaining)
                d = std::max(d, n - 1 - remaining);
        }
        runs[b] = d;
        offset += static_cast<double>(blockBytes[b]);
    }
    return runs;
}

}  // namespace lc
