// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "layercut/progress.h"

namespace lc {

class ModelSession;

/** Which distance chose a block: the paper's angular distance at the last token, or its mean over all tokens. */
enum class DistanceMetric {
    Angular,    // d(l, n) at each sequence's last real token (Gromov et al.)
    AllTokens,  // the same, averaged over every real token
};

/** "angular_distance", "all_token_distance" (the distances JSON's keys); parse throws lc::Error for others. */
std::string distanceMetricName(DistanceMetric metric);
DistanceMetric parseDistanceMetric(const std::string &name);

/**
 * Angular distances between the residual streams of a model's layers (Gromov et al. 2024, eq. 7):
 * d(l, n) = arccos(cos(x_T^(l), x_T^(l+n))) / π, between the stream entering block l and the stream
 * entering block l+n (l+n = L: leaving the last block, before the final norm), at the last real token T,
 * averaged over sequences. Also the mean over all real tokens, and ShortGPT's Block Influence.
 */
struct LayerDistances
{
    int64_t numLayers = 0;               // L
    int64_t samples = 0;                 // sequences averaged
    int64_t tokens = 0;                  // real tokens in the all-token means
    std::vector<double> angular;         // [(L+1) * (L+1)], row n, column l; NaN where n = 0 or l + n > L
    std::vector<double> allTokens;       // same layout, averaged over every real token
    std::vector<double> blockInfluence;  // [L]: 1 − mean over tokens of cos(x^(l), x^(l+1))

    /** d(l, n); NaN where undefined. */
    double angularAt(int64_t n, int64_t l) const;
    double allTokensAt(int64_t n, int64_t l) const;
    /** l*(n) = argmin over l of d(l, n); -1 for n = 0 or n > L. */
    int64_t optimalStart(int64_t n) const;
    /** The same argmin over the all-token means (allTokensAt); -1 for n = 0, n > L or no all-token data. */
    int64_t optimalAllTokensStart(int64_t n) const;
    bool empty() const { return numLayers == 0; }
};

/**
 * Sums distances from residual states, sequence by sequence or batch by batch, so the order of the
 * sequences and their batching do not change the result.
 */
class LayerDistanceAccumulator
{
public:
    explicit LayerDistanceAccumulator(int64_t numLayers);
    ~LayerDistanceAccumulator();
    LayerDistanceAccumulator(LayerDistanceAccumulator &&) noexcept;

    /** Adds one sequence given as float32 states [L+1, T, H], row-major (all T tokens real). */
    void addSequence(const float *states, int64_t length, int64_t hidden);
    LayerDistances result() const;

    struct Impl;  // torch side: also takes batches of device tensors
    Impl &impl();

private:
    std::unique_ptr<Impl> m_impl;
};

struct DistanceOptions
{
    int64_t batchSize = 8;  // sequences per forward pass (padded to the longest)
    /**
     * Block by block over all sequences instead of all blocks per batch: the residual stream of every
     * sequence is kept in host memory between blocks, so the device holds one batch's activations of one
     * block, however deep the model. The last-token distances and Block Influence equal the ordinary pass's;
     * the all-token means are not measured (they need every earlier state of every token). Host memory:
     * 2 × sequences × tokens × H values of the compute dtype.
     */
    bool streamed = false;
};

/**
 * Runs every sequence through the loaded model once and measures all (l, n) from the same pass (or, with
 * options.streamed, block by block).
 * Reports progress per batch (sequences done, tokens done); throws lc::Cancelled within one layer of
 * `stop` firing.
 */
LayerDistances computeLayerDistances(ModelSession &session, const std::vector<std::vector<int64_t>> &sequences,
                                     const DistanceOptions &options, const ProgressFn &progress = {},
                                     std::stop_token stop = {});

/** JSON as `layercut-cli distances` writes it: angular_distance[n][l] with null where undefined, ... */
nlohmann::ordered_json distancesToJson(const LayerDistances &distances);
/** Long-format CSV, one row per defined (n, l), with the dropped layers as an inclusive 0-based range. */
std::string distancesToCsv(const LayerDistances &distances);
/** The inverse of distancesToJson; throws lc::Error naming `source` when the JSON does not fit. */
LayerDistances distancesFromJson(const nlohmann::json &json, const std::string &source);

}  // namespace lc
