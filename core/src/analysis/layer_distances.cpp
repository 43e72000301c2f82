// SPDX-License-Identifier: GPL-3.0-or-later
// All (l, n) angular distances from one forward pass per batch.
// Legend: B batch, T tokens, H hidden, L layers, S = L + 1 residual states, N = B·T.
#include "layercut/layer_distances.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <numeric>

#include "analysis/layer_distance_accumulator_impl.h"
#include "layercut/error.h"
#include "layercut/model_session.h"
#include "model/cpu_passes.h"
#include "model/out_of_memory.h"
#include "session/model_session_impl.h"

namespace lc {
namespace {

// Tokens per float64 Gram product, so the float64 copy of a chunk stays near 1 GiB for 8B-sized models.
constexpr int64_t kGramBytes = 1ll << 30;

/** cos between every pair of states of each token: (n, S, H) -> (n, S, S), float64, clamped to [-1, 1]. */
at::Tensor pairwiseCos(const at::Tensor &states)
{
    const at::Tensor x = states.to(at::kDouble);
    const at::Tensor gram = at::bmm(x, x.transpose(1, 2));                    // (n, S, S)
    const at::Tensor norm = gram.diagonal(0, 1, 2).sqrt().clamp_min(1e-300);  // (n, S); zero state -> cos 0
    return (gram / (norm.unsqueeze(2) * norm.unsqueeze(1))).clamp(-1.0, 1.0);
}

/** Sequences in batches of up to batchSize, longest first, each cut into passes of about passTokens tokens. */
std::vector<std::vector<std::vector<int64_t>>> passesOf(const std::vector<std::vector<int64_t>> &sequences,
                                                        int64_t batchSize, int64_t passTokens)
{
    // Longest first, so each batch pads little; sums do not depend on the order.
    std::vector<size_t> order(sequences.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return sequences[a].size() > sequences[b].size(); });
    std::vector<std::vector<std::vector<int64_t>>> passes;
    for (size_t start = 0; start < order.size(); start += static_cast<size_t>(batchSize)) {
        std::vector<std::vector<int64_t>> batch;
        for (size_t i = start; i < std::min(order.size(), start + static_cast<size_t>(batchSize)); ++i)
            if (!sequences[order[i]].empty())
                batch.push_back(sequences[order[i]]);
        // On the CPU the batch runs in passes of about a thousand tokens, so a stop is seen within half a
        // block of one of them (the sums do not depend on the batching).
        std::vector<int64_t> lengths;
        for (const auto &s : batch)
            lengths.push_back(static_cast<int64_t>(s.size()));
        for (const auto &[first, last] : passRanges(lengths, passTokens))
            passes.emplace_back(batch.begin() + static_cast<std::ptrdiff_t>(first),
                                batch.begin() + static_cast<std::ptrdiff_t>(last));
    }
    return passes;
}

/**
 * The streamed pass: every pass's residual stream (B, T, H) lives on the host between blocks and visits the
 * device for one block at a time; each sequence's last-token state at every boundary is kept, (n, S, H)
 * once all blocks ran, and each block's input and output give Block Influence as they pass.
 */
void measureStreamed(ModelSession::Impl &impl, const std::vector<std::vector<std::vector<int64_t>>> &passes,
                     int64_t total, LayerDistanceAccumulator::Impl &sums, const ProgressFn &progress,
                     std::stop_token stop)
{
    const LlamaModel &model = *impl.model;
    const std::vector<DecoderLayerWeights> layers = model.checkpointLayers();
    const auto L = static_cast<int64_t>(layers.size());
    // Blocks on demand: block l + 1 is read from the checkpoint while block l runs (the file's pages and the
    // copies to the device overlap the computation); the device holds at most those two.
    const auto fetch = [&](int64_t l) {
        return std::async(std::launch::async, [&impl, l, stop] {
            c10::InferenceMode inference;  // the thread's own mode: the weights are never trained here
            return impl.fetchBlock(l, stop);
        });
    };
    std::future<DecoderLayerWeights> next;
    if (impl.blocksOnDemand())
        next = fetch(0);
    const int64_t H = model.config().hiddenSize;
    struct Pass
    {
        at::Tensor ids, mask, rows;  // rows: each sequence's last real token in the flattened (B·T) stream
        at::Tensor stream;           // (B, T, H) on the host, between blocks
        int64_t first = 0;           // its first sequence's row in `last`
    };
    std::vector<Pass> state;
    int64_t sequences = 0;
    for (const auto &batch : passes) {
        const TokenBatch tokens = TokenBatch::padded(batch);
        auto [ids, mask] = impl.toTensors(tokens);
        const at::Tensor lastIndex = (mask.sum(1) - 1).cpu();
        const at::Tensor rows = at::arange(tokens.batch, lastIndex.options()) * tokens.length + lastIndex;
        state.push_back({ids, mask, rows, model.embed(ids).cpu(), sequences});
        sequences += tokens.batch;
        sums.tokens += mask.sum().item<int64_t>();
    }
    // (n, S, H): every sequence's last-token state entering each block, and leaving the last.
    at::Tensor last = at::empty({sequences, L + 1, H}, at::TensorOptions().dtype(model.dtype()));
    const auto keepLast = [&](const Pass &p, int64_t l, const at::Tensor &stream) {
        last.narrow(0, p.first, p.rows.size(0)).select(1, l).copy_(stream.reshape({-1, H}).index_select(0, p.rows));
    };
    for (int64_t l = 0; l < L; ++l) {
        DecoderLayerWeights fetched;
        if (next.valid()) {
            fetched = next.get();
            if (l + 1 < L)
                next = fetch(l + 1);
        }
        const DecoderLayerWeights &block = impl.blocksOnDemand() ? fetched : layers[static_cast<size_t>(l)];
        for (Pass &p : state) {
            const int64_t B = p.ids.size(0), T = p.ids.size(1);
            if (l == 0)
                keepLast(p, 0, p.stream);
            const at::Tensor x = p.stream.to(model.device());
            const at::Tensor y = model.runBlock(block, x, model.blockInputs(p.mask, B, T), stop);
            sums.addAdjacentStates(l, x.reshape({B * T, H}), y.reshape({B * T, H}), p.mask.reshape({B * T}));
            p.stream = y.cpu();
            keepLast(p, l + 1, p.stream);
        }
        if (progress)
            progress({Stage::MeasuringDistances, (l + 1) * total / L, total, sums.tokens});
    }
    sums.allTokensMeasured = false;
    sums.addLastTokenStates(last);
}

}  // namespace

LayerDistanceAccumulator::Impl::Impl(int64_t layers) : numLayers(layers)
{
    const auto opts = at::TensorOptions().dtype(at::kDouble);
    sumLast = at::zeros({layers + 1, layers + 1}, opts);
    sumAll = at::zeros({layers + 1, layers + 1}, opts);
    sumCos = at::zeros({layers + 1, layers + 1}, opts);
}

void LayerDistanceAccumulator::Impl::addBatch(const at::Tensor &states, const at::Tensor &mask,
                                              const at::Tensor &lastIndex)
{
    const int64_t B = mask.size(0), T = mask.size(1), N = B * T, S = states.size(1), H = states.size(2);
    const at::Tensor real = mask.reshape({N}).to(states.device(), at::kDouble);
    const int64_t chunk = std::max<int64_t>(1, kGramBytes / (S * H * 8));
    // Summed on the states' device and copied back once per batch: no synchronisation per chunk.
    at::Tensor all = at::zeros({S, S}, real.options()), cosines = at::zeros({S, S}, real.options());
    for (int64_t start = 0; start < N; start += chunk) {
        const int64_t n = std::min(chunk, N - start);
        const at::Tensor cos = pairwiseCos(states.narrow(0, start, n));  // (n, S, S)
        const at::Tensor weight = real.narrow(0, start, n).view({n, 1, 1});
        all += (at::acos(cos) / M_PI * weight).sum(0);
        cosines += (cos * weight).sum(0);
    }
    sumAll += all.cpu();
    sumCos += cosines.cpu();
    // The last real token of each sequence: row b·T + last_b.
    const at::Tensor rows = at::arange(B, lastIndex.options()) * T + lastIndex;
    addLastTokenStates(states.index_select(0, rows.to(states.device())));
    tokens += mask.sum().item<int64_t>();
}

void LayerDistanceAccumulator::Impl::addLastTokenStates(const at::Tensor &states)
{
    sumLast += (at::acos(pairwiseCos(states)) / M_PI).sum(0).cpu();
    samples += states.size(0);
}

void LayerDistanceAccumulator::Impl::addAdjacentStates(int64_t l, const at::Tensor &x, const at::Tensor &y,
                                                       const at::Tensor &real)
{
    // As pairwiseCos computes the pair: float64 dot products and norms, clamped.
    const at::Tensor a = x.to(at::kDouble), b = y.to(at::kDouble);
    const at::Tensor norms = ((a * a).sum(1).sqrt() * (b * b).sum(1).sqrt()).clamp_min(1e-300);
    const at::Tensor cos = ((a * b).sum(1) / norms).clamp(-1.0, 1.0);  // (N)
    sumCos[l][l + 1] += (cos * real.to(cos.device(), at::kDouble)).sum().cpu();
}

LayerDistances LayerDistanceAccumulator::Impl::result() const
{
    const int64_t L = numLayers, S = L + 1;
    LayerDistances d;
    d.numLayers = L;
    d.samples = samples;
    d.tokens = tokens;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    d.angular.assign(static_cast<size_t>(S * S), nan);
    d.allTokens.assign(static_cast<size_t>(S * S), nan);
    const auto last = sumLast.accessor<double, 2>();
    const auto all = sumAll.accessor<double, 2>();
    const auto cos = sumCos.accessor<double, 2>();
    for (int64_t n = 1; n <= L; ++n)
        for (int64_t l = 0; l + n <= L; ++l) {
            const size_t i = static_cast<size_t>(n * S + l);
            if (samples > 0)
                d.angular[i] = last[l][l + n] / static_cast<double>(samples);
            if (tokens > 0 && allTokensMeasured)
                d.allTokens[i] = all[l][l + n] / static_cast<double>(tokens);
        }
    for (int64_t l = 0; l < L; ++l)
        d.blockInfluence.push_back(tokens > 0 ? 1.0 - cos[l][l + 1] / static_cast<double>(tokens) : nan);
    return d;
}

LayerDistanceAccumulator::LayerDistanceAccumulator(int64_t numLayers) : m_impl(std::make_unique<Impl>(numLayers)) {}
LayerDistanceAccumulator::~LayerDistanceAccumulator() = default;
LayerDistanceAccumulator::LayerDistanceAccumulator(LayerDistanceAccumulator &&) noexcept = default;

LayerDistanceAccumulator::Impl &LayerDistanceAccumulator::impl()
{
    return *m_impl;
}

void LayerDistanceAccumulator::addSequence(const float *states, int64_t length, int64_t hidden)
{
    const int64_t S = m_impl->numLayers + 1;
    c10::InferenceMode inference;
    const at::Tensor x = at::from_blob(const_cast<float *>(states), {S, length, hidden}, at::kFloat);
    m_impl->addBatch(x.permute({1, 0, 2}).contiguous(), at::ones({1, length}, at::kLong),
                     at::full({1}, length - 1, at::kLong));
}

LayerDistances LayerDistanceAccumulator::result() const
{
    return m_impl->result();
}

LayerDistances computeLayerDistances(ModelSession &session, const std::vector<std::vector<int64_t>> &sequences,
                                     const DistanceOptions &options, const ProgressFn &progress, std::stop_token stop)
try {
    ModelSession::Impl &impl = SessionInternals::of(session);
    if (!impl.model)
        throw Error("no model is loaded");
    const LlamaModel &model = *impl.model;
    if (impl.blocksOnDemand() && !options.streamed)
        throw Error("the model's blocks were left in the checkpoint, which only streamed distances can run "
                    "(--stream); load it whole for the one pass");
    // Always the source model's layers, pruned or not, without inserted blocks: the heatmap describes the
    // checkpoint, and a plan refers to its layer numbers.
    const int64_t L = impl.info.config.numLayers, S = L + 1;
    LayerDistanceAccumulator accumulator(L);
    int64_t done = 0;
    const auto total = static_cast<int64_t>(sequences.size());
    if (progress)
        progress({Stage::MeasuringDistances, 0, total, 0});
    const int64_t H = model.config().hiddenSize;
    const auto passes = passesOf(sequences, std::max<int64_t>(1, options.batchSize), passTokenLimit(model.device()));
    c10::InferenceMode inference;
    if (options.streamed)
        measureStreamed(impl, passes, total, accumulator.impl(), progress, stop);
    else
        for (const auto &pass : passes) {
            throwIfStopped(stop);
            const TokenBatch tokens = TokenBatch::padded(pass);
            const auto [ids, mask] = impl.toTensors(tokens);
            const int64_t B = tokens.batch, T = tokens.length;
            // (N, S, H) in the compute dtype (exact: the Gram converts to float64): each state is written
            // into its slot as the pass reaches it.
            at::Tensor states =
                at::empty({B * T, S, H}, at::TensorOptions().dtype(model.dtype()).device(model.device()));
            model.forward(
                ids, mask,
                [&](int64_t l, const at::Tensor &x) {
                    states.select(1, l).copy_(x.reshape({B * T, H}));
                },
                /*wantLogits=*/false, LayerSet::All, stop);
            throwIfStopped(stop);
            const at::Tensor lastIndex = mask.sum(1) - 1;  // right padding: the last real position
            accumulator.impl().addBatch(states, mask, lastIndex);
            done += B;
            if (progress)  // tokens counted once, in addBatch
                progress({Stage::MeasuringDistances, done, total, accumulator.impl().tokens});
        }
    LayerDistances result = accumulator.result();
    // A suspect measurement (activations that overflowed, say in float16) must not pass for a result: the
    // GUI would show it and cache it in place of a good one.
    for (int64_t n = 1; n <= result.numLayers; ++n)
        for (int64_t l = 0; l + n <= result.numLayers; ++l)
            if (!std::isfinite(result.angularAt(n, l)) ||
                (!options.streamed && !std::isfinite(result.allTokensAt(n, l))))
                throw Error("the distance d(" + std::to_string(l) + ", " + std::to_string(n) +
                            ") is not a number: the model's residual stream overflowed or is NaN in " +
                            session.info().computeDtype + " (try float32 or bfloat16); nothing was kept");
    return result;
} catch (const std::exception &e) {
    throwIfOutOfMemory(e, SessionInternals::of(session).deviceName(),
                       "measuring distances on batches of up to " + std::to_string(options.batchSize) + " documents",
                       "use a smaller batch or shorter documents (fewer tokens each)");
    throw;
}

}  // namespace lc
