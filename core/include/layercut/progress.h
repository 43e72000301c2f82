// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "layercut/error.h"

namespace lc {

/** One progress report of a long operation: `current` of `total` units of `stage` are done. */
struct Progress
{
    std::string stage;  // short English stage name, e.g. "loading weights"
    int64_t current = 0;
    int64_t total = 0;
    int64_t tokens = 0;  // tokens processed so far, where that means something (rates, time left)
};

/** Called from the thread doing the work; must be cheap and must not throw. */
using ProgressFn = std::function<void(const Progress &)>;

/** Throws lc::Cancelled if a stop was requested: call it between tensors, layers, batches or steps. */
inline void throwIfStopped(const std::stop_token &stop)
{
    if (stop.stop_requested())
        throw Cancelled();
}

} // namespace lc
