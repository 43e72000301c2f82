// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "layercut/layer_distances.h"
#include "layercut/text_dataset.h"

namespace lc {

/**
 * Where the distances of `model` on `data` with these settings are cached under `cacheDir`. The key covers
 * the model's files and the data file (path, size, modification time) and every setting that changes
 * the result, so an edited checkpoint or dataset is measured again. `weightStorage` is
 * ModelInfo::weightStorage: "nf4" when the linear weights were quantised at load, empty when dense.
 */
std::filesystem::path distancesCachePath(const std::filesystem::path &cacheDir, const std::filesystem::path &model,
                                         const std::filesystem::path &data, const DatasetOptions &options,
                                         const std::string &dtype, const std::string &weightStorage);
/** The text whose hash names that file (the model's files in name order); for tests and diagnostics. */
std::string distancesCacheKey(const std::filesystem::path &model, const std::filesystem::path &data,
                              const DatasetOptions &options, const std::string &dtype,
                              const std::string &weightStorage);

/** The cached result, or nothing when the file is absent or unreadable (a bad cache is never an error). */
std::optional<LayerDistances> loadCachedDistances(const std::filesystem::path &file);
/** Saves atomically, creating the folder; throws lc::Error naming the file. */
void saveCachedDistances(const std::filesystem::path &file, const LayerDistances &distances);

}  // namespace lc
