// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/analysis_cache.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "layercut/json_file.h"
#include "layercut/atomic_file.h"
#include "layercut/file_stamp.h"

namespace lc {

std::string distancesCacheKey(const std::filesystem::path &model, const std::filesystem::path &data,
                              const DatasetOptions &options, const std::string &dtype, const std::string &weightStorage)
{
    std::error_code ec;
    // The model's files in name order (the same files give the same key however they were written).
    std::string key = "distances-v1;" + modelFolderStamp(model);
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
    const uint64_t hash = stableHash(distancesCacheKey(model, data, options, dtype, weightStorage));
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

}  // namespace lc
