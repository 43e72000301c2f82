// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/analysis_cache.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "layercut/json_file.h"
#include "layercut/atomic_file.h"

namespace lc {
namespace {

// FNV-1a, 64 bit: stable across runs and builds, unlike std::hash.
uint64_t fnv1a(const std::string &s)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string fileStamp(const std::filesystem::path &p)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(p, ec);
    const auto time = std::filesystem::last_write_time(p, ec).time_since_epoch().count();
    return p.string() + ":" + std::to_string(ec ? 0 : size) + ":" + std::to_string(time) + ";";
}

} // namespace

std::string distancesCacheKey(const std::filesystem::path &model, const std::filesystem::path &data,
                              const DatasetOptions &options, const std::string &dtype,
                              const std::string &weightStorage)
{
    std::error_code ec;
    const auto modelDir = std::filesystem::weakly_canonical(model, ec);
    std::string key = "distances-v1;" + modelDir.string() + ";";
    // directory_iterator's order is the file system's (hash or creation order): sorted, the same files give
    // the same key wherever and however they were written.
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(modelDir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name == "config.json" || name.ends_with(".safetensors") || name.ends_with(".json"))
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto &file : files)
        key += fileStamp(file);
    key += fileStamp(std::filesystem::weakly_canonical(data, ec));
    key += std::to_string(options.samples) + ";" + std::to_string(options.maxLength) + ";" +
           std::to_string(options.seed) + ";" + std::to_string(options.addSpecial) + ";" + dtype;
    // NF4 weights are dequantised approximations of the checkpoint's: their distances are not the dense ones.
    key += ";" + (weightStorage.empty() ? std::string("dense") : weightStorage);
    return key;
}

std::filesystem::path distancesCachePath(const std::filesystem::path &cacheDir, const std::filesystem::path &model,
                                         const std::filesystem::path &data, const DatasetOptions &options,
                                         const std::string &dtype, const std::string &weightStorage)
{
    const uint64_t hash = fnv1a(distancesCacheKey(model, data, options, dtype, weightStorage));
    char name[64];
    std::snprintf(name, sizeof name, "distances-%016llx.json", static_cast<unsigned long long>(hash));
    return cacheDir / name;
}

std::optional<LayerDistances> loadCachedDistances(const std::filesystem::path &file)
{
    if (!std::filesystem::exists(file))
        return std::nullopt;
    try {
        return distancesFromJson(readJsonFile(file), file.string());
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

void saveCachedDistances(const std::filesystem::path &file, const LayerDistances &distances)
{
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    writeFileAtomically(file, distancesToJson(distances).dump() + "\n");
}

} // namespace lc
