// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <exception>
#include <string>

namespace lc {

/** True for an allocation failure: torch's OutOfMemoryError (CUDA), its CPU allocator's error, std::bad_alloc. */
bool isOutOfMemory(const std::exception &e);

/**
 * Does nothing unless `e` is an allocation failure; then throws lc::Error saying which memory ran out on
 * `devices` ("cuda:0", "cpu", or the list a model is placed over: of those the one torch names) while `doing`,
 * how much more was asked for when torch says, and `advice`, e.g. "the GPU (cuda:0) ran out of memory
 * measuring distances on batches of up to 8 documents (it asked for 2.00 GiB more): use a smaller batch or
 * shorter documents". Whatever was allocated is freed as the exception unwinds, so the model stays loaded and
 * the next job can run.
 */
void throwIfOutOfMemory(const std::exception &e, const std::string &devices, const std::string &doing,
                        const std::string &advice);

}  // namespace lc
