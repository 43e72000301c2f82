// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>

namespace lc {

/**
 * Deletes `path` and everything below it (symbolic links are removed, not followed); a missing path is
 * fine. Returns false if something could not be removed. Used instead of std::filesystem::remove_all,
 * whose copy exported by the pip libtorch.so interposes libstdc++'s and crashes (a call through a null
 * weak symbol, seen with torch 2.11 on Ubuntu 24.04).
 */
bool removeTree(const std::filesystem::path &path) noexcept;

}  // namespace lc
