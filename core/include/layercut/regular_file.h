// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>

namespace lc {

/**
 * Throws lc::Error, naming `path`, when it exists but is not a regular file once links are followed: a folder,
 * or a named pipe, socket or device, which an open() or a read would wait on forever. A missing path passes,
 * so that the reader says what it says of a missing file. Call it before opening any input file.
 */
void refuseIrregularFile(const std::filesystem::path &path);

}  // namespace lc
