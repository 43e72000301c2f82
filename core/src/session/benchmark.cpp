// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/benchmark.h"

#include <chrono>

#if LAYERCUT_TORCH_CUDA && __has_include(<torch/csrc/autograd/profiler_kineto.h>)
#include <torch/csrc/autograd/profiler_kineto.h>
#define LAYERCUT_TRACE 1
#endif

#include "layercut/error.h"
#include "session/model_session_impl.h"

namespace lc {
namespace {

// Reading one element back to the host waits for every queued kernel on the device.
void waitForDevice(const at::Tensor &t)
{
    if (t.defined())
        (void)t.flatten()[0].item<float>();
}

}  // namespace

ForwardBenchmark benchmarkForward(ModelSession &session, int64_t batch, int64_t length, int iterations, int warmup)
{
    ModelSession::Impl &impl = SessionInternals::of(session);
    if (!impl.model)
        throw Error("no model is loaded");
    const LlamaModel &model = *impl.model;
    c10::InferenceMode inference;
    at::manual_seed(0);
    const at::Tensor ids = at::randint(model.config().vocabSize, {batch, length},
                                       at::TensorOptions().dtype(at::kLong).device(model.device()));
    for (int i = 0; i < warmup; ++i)
        waitForDevice(model.forward(ids, {}));
    const auto start = std::chrono::steady_clock::now();
    at::Tensor logits;
    for (int i = 0; i < iterations; ++i)
        logits = model.forward(ids, {});  // (B, T, V)
    waitForDevice(logits);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ForwardBenchmark r;
    r.batch = batch;
    r.length = length;
    r.iterations = iterations;
    r.secondsPerIteration = seconds / iterations;
    r.tokensPerSecond = static_cast<double>(batch * length) / r.secondsPerIteration;
    return r;
}

bool startTrace()
{
#if LAYERCUT_TRACE
    namespace profiler = torch::autograd::profiler;
    const torch::profiler::impl::ProfilerConfig config(torch::profiler::impl::ProfilerState::KINETO);
    const std::set<torch::profiler::impl::ActivityType> activities{torch::profiler::impl::ActivityType::CPU,
                                                                   torch::profiler::impl::ActivityType::CUDA};
    profiler::prepareProfiler(config, activities);
    profiler::enableProfiler(config, activities);
    return true;
#else
    return false;
#endif
}

void stopTrace(const std::string &file)
{
#if LAYERCUT_TRACE
    torch::autograd::profiler::disableProfiler()->save(file);
#else
    (void)file;
#endif
}

}  // namespace lc
