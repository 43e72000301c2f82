// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace lc {

class ModelSession;

struct ForwardBenchmark
{
    int64_t batch = 0, length = 0, iterations = 0;
    double secondsPerIteration = 0;
    double tokensPerSecond = 0;
};

/**
 * Times full forward passes (logits included, as a causal-LM forward computes them) of random token ids
 * [batch, length] on the loaded model, after `warmup` untimed passes; waits for the device before and
 * after the clock. Throws lc::Error when no model is loaded.
 */
ForwardBenchmark benchmarkForward(ModelSession &session, int64_t batch, int64_t length, int iterations, int warmup = 2);

/**
 * Starts recording libtorch's operators and GPU kernels (Kineto, in libtorch 2 built with CUDA); false, and
 * nothing recorded, where this build cannot. For finding where a benchmark's time goes.
 */
bool startTrace();
/** Ends the recording startTrace() began and writes it to `file` as a Chrome trace (JSON). */
void stopTrace(const std::string &file);

}  // namespace lc
