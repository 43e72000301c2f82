// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>

namespace lc {

/**
 * Throws lc::Error, naming `path`, when it exists but is not a regular file once links are followed: a folder,
 * or a named pipe, socket or device, which an open() or a read would wait on forever. A missing path passes,
 * so that the reader says what it says of a missing file. Call it before opening any input file.
 */
void refuseIrregularFile(const std::filesystem::path &path);

/** JSON files LayerCut reads whole (config, tokenizer, index, results); real ones are below 100 MB. */
constexpr uint64_t kMaxJsonFileBytes = uint64_t{1} << 30;

/**
 * Throws lc::Error, naming `path`, when the file is larger than `maxBytes`: for files read whole into memory,
 * so that a huge (or sparse) file is refused before it is read rather than exhausting memory. A missing path
 * passes, as for refuseIrregularFile.
 */
void refuseLargeFile(const std::filesystem::path &path, uint64_t maxBytes);

}  // namespace lc
