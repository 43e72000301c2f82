// SPDX-License-Identifier: GPL-3.0-or-later
// Reads a fixture's reference.safetensors (written by transformers in make_fixtures.py) into plain vectors.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "layercut/model_session.h"
#include "layercut/safetensors_file.h"

namespace lc::test {

struct Reference
{
    TokenBatch batch;                               // [B, T] ids and mask (right padding)
    std::vector<int64_t> logitsShape, statesShape;  // [B, T, V], [B, L+1, T, H]
    std::vector<float> logits, states;
};

inline Reference readReference(const std::string &folder)
{
    SafetensorsFile f(folder + "/reference.safetensors");
    Reference r;
    const TensorEntry *ids = f.find("input_ids"), *mask = f.find("attention_mask");
    const TensorEntry *logits = f.find("logits"), *states = f.find("states");
    r.batch.batch = ids->shape[0];
    r.batch.length = ids->shape[1];
    r.batch.ids.resize(static_cast<size_t>(ids->numel()));
    std::memcpy(r.batch.ids.data(), ids->data, ids->byteSize());
    r.batch.mask.resize(static_cast<size_t>(mask->numel()));
    std::memcpy(r.batch.mask.data(), mask->data, mask->byteSize());
    r.logitsShape = logits->shape;
    r.logits.resize(static_cast<size_t>(logits->numel()));
    std::memcpy(r.logits.data(), logits->data, logits->byteSize());
    r.statesShape = states->shape;
    r.states.resize(static_cast<size_t>(states->numel()));
    std::memcpy(r.states.data(), states->data, states->byteSize());
    return r;
}

/**
 * max |ours - ref| / max |ref| over the real (unpadded) tokens of tensors laid out as [B, ..., T, inner]
 * with `middle` entries between B and T.
 */
inline double relativeError(const std::vector<float> &ours, const std::vector<float> &ref, const TokenBatch &batch,
                            int64_t middle, int64_t inner)
{
    double maxDiff = 0, maxRef = 0;
    const int64_t T = batch.length;
    for (int64_t b = 0; b < batch.batch; ++b)
        for (int64_t m = 0; m < middle; ++m)
            for (int64_t t = 0; t < T; ++t) {
                if (!batch.mask[static_cast<size_t>(b * T + t)])
                    continue;
                const size_t base = static_cast<size_t>(((b * middle + m) * T + t) * inner);
                for (int64_t i = 0; i < inner; ++i) {
                    maxDiff = std::max(maxDiff, std::abs(double(ours[base + i]) - double(ref[base + i])));
                    maxRef = std::max(maxRef, std::abs(double(ref[base + i])));
                }
            }
    return maxDiff / std::max(maxRef, 1e-30);
}

/** The largest |a_i − b_i|; infinite when the sizes differ. */
inline double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b)
{
    if (a.size() != b.size())
        return INFINITY;
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i)
        m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

}  // namespace lc::test
