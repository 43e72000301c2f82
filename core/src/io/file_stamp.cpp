// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/file_stamp.h"

#include <algorithm>
#include <vector>

namespace lc {

uint64_t stableHash(std::string_view bytes)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    // splitmix64's finaliser: FNV alone leaves similar inputs in similar high bits.
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

std::string fileStamp(const std::filesystem::path &file)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    const bool sized = !ec;
    const auto time = std::filesystem::last_write_time(file, ec);
    const long long ticks = ec ? 0 : static_cast<long long>(time.time_since_epoch().count());
    return file.string() + ":" + std::to_string(sized ? size : 0) + ":" + std::to_string(ticks) + ";";
}

std::string modelFolderStamp(const std::filesystem::path &folder)
{
    std::error_code ec;
    const auto dir = std::filesystem::weakly_canonical(folder, ec);
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(".safetensors") || name.ends_with(".json"))
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::string stamp = dir.string() + ";";
    for (const auto &f : files)
        stamp += fileStamp(f);
    return stamp;
}

}  // namespace lc
