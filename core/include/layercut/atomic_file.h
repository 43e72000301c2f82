// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string_view>

namespace lc {

/**
 * Writes `content` to `path` through a temporary file beside it and a rename (a StagedOutput), so a reader
 * never sees a half-written file and an existing one survives a failure or a kill. Throws lc::Error naming
 * the path.
 */
void writeFileAtomically(const std::filesystem::path &path, std::string_view content);

}  // namespace lc
