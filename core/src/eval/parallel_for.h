// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenising every prompt is the CPU work of an evaluation; the tokenizer is thread-safe, so it runs on
// a few threads.
#pragma once

#include <algorithm>
#include <exception>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "layercut/progress.h"

namespace lc {

/**
 * Runs make(i) for i in [0, n) on a few threads: tokenising every prompt and prompt+choice is the CPU work
 * of an evaluation (five encodes of a 600-token 5-shot prompt per MMLU question), and the tokenizer is
 * thread-safe. The results do not depend on the threads. Throws lc::Cancelled when `stop` fires (each
 * thread looks before every item).
 */
template <typename F>
void parallelFor(size_t n, const std::stop_token &stop, F &&make)
{
    const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 16);
    if (n < 8 || threads == 1) {
        for (size_t i = 0; i < n; ++i) {
            throwIfStopped(stop);
            make(i);
        }
        return;
    }
    std::vector<std::thread> pool;
    std::exception_ptr error;
    std::mutex errorMutex;
    for (size_t t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            try {
                for (size_t i = t; i < n; i += threads) {
                    throwIfStopped(stop);
                    make(i);
                }
            } catch (...) {
                const std::lock_guard lock(errorMutex);
                error = std::current_exception();
            }
        });
    for (std::thread &th : pool)
        th.join();
    if (error)
        std::rethrow_exception(error);
}

}  // namespace lc
