// SPDX-License-Identifier: GPL-3.0-or-later
// Identities that survive runs and builds: a stable string hash, and stamps of files and model folders
// (path, size, modification time) for cache and resume keys.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace lc {

/** 64-bit FNV-1a with a final avalanche: the same on every run, build and machine, unlike std::hash. */
uint64_t stableHash(std::string_view bytes);

/** "PATH:SIZE:MTIME;" of one file ("PATH:0:0;" when it cannot be read). */
std::string fileStamp(const std::filesystem::path &file);

/**
 * The stamps of what makes a model folder's numbers: config.json, every *.safetensors and every other
 * *.json file (tokenizer, index), sorted by name so the directory's listing order does not matter. An
 * edited or replaced checkpoint (even one in a folder of the same name) gets another stamp.
 */
std::string modelFolderStamp(const std::filesystem::path &folder);

}  // namespace lc
