// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <utility>

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

/**
 * Progress of one stage for a loop that may call it for every item (a document, a block): reports the
 * first call, then whenever another 1/200 of `total` is done, and finish() reports total of total. The
 * GUI receives each report as a queued signal, so a loop over a million documents must not send each.
 */
class ThrottledProgress
{
public:
    ThrottledProgress(ProgressFn progress, std::string stage, int64_t total)
        : m_progress(std::move(progress)), m_stage(std::move(stage)), m_total(total),
          m_step(total > 200 ? total / 200 : 1)
    {
    }

    void operator()(int64_t current, int64_t tokens = 0)
    {
        if (m_progress && (m_last < 0 || current - m_last >= m_step)) {
            m_last = current;
            m_progress({m_stage, current, m_total, tokens});
        }
    }

    void finish(int64_t tokens = 0)
    {
        if (m_progress)
            m_progress({m_stage, m_total, m_total, tokens});
    }

private:
    ProgressFn m_progress;
    std::string m_stage;
    int64_t m_total, m_step;
    int64_t m_last = -1;
};

} // namespace lc
