// SPDX-License-Identifier: GPL-3.0-or-later
// Mirrors transformers' modeling_rope_utils (default, linear, llama3) op for op in float32, so the
// frequencies match bit for bit.
#include "model/rotary_embedding.h"

#include <cmath>

namespace lc {

RotaryEmbedding::RotaryEmbedding(const ModelConfig &config)
    : RotaryEmbedding(config.ropeDim(), config.ropeTheta, config.ropeScaling)
{}

RotaryEmbedding::RotaryEmbedding(int64_t dim, double theta, const RopeScaling &rs)
{
    // inv_freq = 1 / (theta ** (arange(0, dim, 2) / dim))
    const at::Tensor exponents = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim);
    at::Tensor invFreq = 1.0 / at::pow(theta, exponents);
    if (rs.type == RopeScaling::Type::Linear) {
        invFreq = invFreq / rs.factor;
    } else if (rs.type == RopeScaling::Type::Llama3) {
        const double oldContext = static_cast<double>(rs.originalMaxPositions);
        const double lowFreqWavelen = oldContext / rs.lowFreqFactor;
        const double highFreqWavelen = oldContext / rs.highFreqFactor;
        const at::Tensor wavelen = 2 * M_PI / invFreq;
        // Long wavelengths are divided by factor; short ones kept; the band between is interpolated.
        at::Tensor scaled = at::where(wavelen > lowFreqWavelen, invFreq / rs.factor, invFreq);
        const at::Tensor smooth = (oldContext / wavelen - rs.lowFreqFactor) / (rs.highFreqFactor - rs.lowFreqFactor);
        const at::Tensor smoothed = (1 - smooth) * scaled / rs.factor + smooth * scaled;
        const at::Tensor medium = (wavelen >= highFreqWavelen).logical_and(wavelen <= lowFreqWavelen);
        scaled = at::where(medium, smoothed, scaled);
        invFreq = scaled;
    } else if (rs.type == RopeScaling::Type::LongRope) {
        // inv_freq = 1 / (ext_factors * theta ** (arange(0, dim, 2) / dim))
        const auto scaledBy = [&](const std::vector<double> &factors) {
            const at::Tensor ext = at::tensor(factors, at::kDouble).to(at::kFloat);
            return (1.0 / (ext * at::pow(theta, exponents))).contiguous();
        };
        invFreq = scaledBy(rs.shortFactor);
        m_longInvFreq = scaledBy(rs.longFactor);
        m_originalLength = rs.originalMaxPositions;
        m_attentionFactor = rs.attentionFactor;
    }
    m_invFreq = invFreq.contiguous();
}

std::pair<at::Tensor, at::Tensor> RotaryEmbedding::cosSin(int64_t length, at::Device device, at::ScalarType dtype) const
{
    const at::Tensor positions = at::arange(length, at::TensorOptions().dtype(at::kLong).device(device)).to(at::kFloat);
    const bool longer = m_longInvFreq.defined() && length > m_originalLength;
    const at::Tensor freqs = at::outer(positions, (longer ? m_longInvFreq : m_invFreq).to(device));  // [T, R/2]
    const at::Tensor emb = at::cat({freqs, freqs}, -1);                                              // [T, R]
    if (m_attentionFactor != 1.0)
        return {(emb.cos() * m_attentionFactor).to(dtype), (emb.sin() * m_attentionFactor).to(dtype)};
    return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

at::Tensor RotaryEmbedding::apply(const at::Tensor &x, const at::Tensor &cos, const at::Tensor &sin)
{
    const int64_t R = cos.size(-1);
    if (R < x.size(-1))  // partial rotary: the remaining channels pass through
        return at::cat({apply(x.narrow(-1, 0, R), cos, sin), x.narrow(-1, R, x.size(-1) - R)}, -1);
    const int64_t half = R / 2;
    const at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    return x * cos + rotated * sin;
}

}  // namespace lc
