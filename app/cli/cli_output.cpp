// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "layercut/error.h"

namespace lc::cli {

void printJson(const nlohmann::ordered_json &result, bool compact)
{
    std::cout << result.dump(compact ? -1 : 2) << std::endl;
}

ProgressFn stderrProgress()
{
    const bool tty = ::isatty(STDERR_FILENO);
    return [tty, lastStage = std::optional<Stage>(), lastPercent = -1](const Progress &p) mutable {
        const int percent = p.total > 0 ? static_cast<int>(100 * p.current / p.total) : 0;
        if (p.stage == lastStage && (tty ? percent == lastPercent : percent / 10 == lastPercent / 10))
            return;
        lastStage = p.stage;
        lastPercent = percent;
        if (tty)
            std::fprintf(stderr, "\r%s: %3d%%%s", stageName(p.stage), percent, percent >= 100 ? "\n" : "");
        else
            std::fprintf(stderr, "%s: %d%%\n", stageName(p.stage), percent);
        std::fflush(stderr);
    };
}

nlohmann::ordered_json infoJson(const ModelInfo &info)
{
    const ModelConfig &c = info.config;
    nlohmann::ordered_json j;
    j["folder"] = info.folder.string();
    j["family"] = info.family;
    j["architecture"] = info.architecture;
    j["layers"] = c.numLayers;
    j["hidden_size"] = c.hiddenSize;
    j["intermediate_size"] = c.intermediateSize;
    j["heads"] = c.numHeads;
    j["kv_heads"] = c.numKvHeads;
    j["head_dim"] = c.headDim;
    j["vocab_size"] = c.vocabSize;
    j["parameters"] = info.parameterCount;
    j["dtype"] = info.checkpointDtype;
    j["checkpoint_bytes"] = info.checkpointBytes;
    j["shards"] = info.shardCount;
    j["tied_embeddings"] = c.tieWordEmbeddings;
    j["rope_theta"] = c.ropeTheta;
    if (const RopeScaling &s = c.ropeScaling; s.type != RopeScaling::Type::None) {
        const char *kind = s.type == RopeScaling::Type::Linear   ? "linear ×"
                           : s.type == RopeScaling::Type::Llama3 ? "llama3 ×"
                                                                 : "longrope ×";
        j["rope_scaling"] = kind + nlohmann::ordered_json(s.factor).dump();
        if (s.type == RopeScaling::Type::LongRope)
            j["rope_original_positions"] = s.originalMaxPositions;
    }
    if (c.ropeDim() != c.headDim)
        j["rotary_dim"] = c.ropeDim();
    if (c.fusedProjections)
        j["fused_projections"] = "qkv_proj, gate_up_proj";
    if (c.hasSlidingRope())
        j["sliding_rope_theta"] = c.slidingRopeTheta;
    if (c.slidingWindow > 0) {
        j["sliding_window"] = c.slidingWindow;
        j["sliding_layers"] = std::count(c.slidingLayers.begin(), c.slidingLayers.end(), true);
    }
    if (!c.ropeLayers.empty())
        j["layers_without_rope"] = std::count(c.ropeLayers.begin(), c.ropeLayers.end(), false);
    j["norms"] = !c.postNorms ? "before attention and MLP"
                 : c.preNorms ? "before and after attention and MLP"
                              : "after attention and MLP";
    if (c.unitOffsetNorms)
        j["norm_scale"] = "1 + weight";
    if (c.qkNorm)
        j["qk_norm"] = c.qkNormWhole ? "over the projection" : "per head";
    j["activation"] = c.activation == Activation::GeluTanh ? "gelu_pytorch_tanh" : "silu";
    if (c.scaledEmbeddings)
        j["embedding_scale"] = std::sqrt(static_cast<double>(c.hiddenSize));
    if (c.queryPreAttnScalar > 0)
        j["query_pre_attn_scalar"] = c.queryPreAttnScalar;
    if (c.attnLogitSoftcap > 0)
        j["attention_softcap"] = c.attnLogitSoftcap;
    if (c.finalLogitSoftcap > 0)
        j["final_logit_softcap"] = c.finalLogitSoftcap;
    j["tokenizer"] = info.tokenizerKind.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(info.tokenizerKind);
    return j;
}

LoadOptions loadOptions(const std::string &device, const std::string &dtype, bool nf4)
{
    LoadOptions options;
    options.device = device;
    options.nf4 = nf4;
    if (!dtype.empty())
        options.dtype = parseDType(dtype);
    return options;
}

std::vector<std::string> splitComma(const std::string &text)
{
    std::vector<std::string> parts;
    std::stringstream s(text);
    for (std::string part; std::getline(s, part, ',');)
        if (!part.empty())
            parts.push_back(part);
    return parts;
}

std::vector<int64_t> parseIdList(const std::string &text, const std::string &option)
{
    std::vector<int64_t> ids;
    size_t pos = 0;
    while (pos <= text.size()) {
        const size_t comma = std::min(text.find(',', pos), text.size());
        const std::string item = text.substr(pos, comma - pos);
        try {
            size_t used = 0;
            const long long v = std::stoll(item, &used);
            if (used != item.size())
                throw std::invalid_argument(item);
            ids.push_back(v);
        } catch (const std::exception &) {
            throw Error(option + ": '" + item + "' is not an integer");
        }
        pos = comma + 1;
    }
    return ids;
}

uint64_t parseByteSize(const std::string &text, const std::string &option)
{
    static const std::vector<std::pair<std::string, uint64_t>> units = {
        {"KiB", 1ull << 10}, {"MiB", 1ull << 20},     {"GiB", 1ull << 30}, {"KB", 1000ull},
        {"MB", 1000'000ull}, {"GB", 1000'000'000ull}, {"B", 1ull},         {"", 1ull}};
    size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    const std::string unit = text.substr(used);
    for (const auto &[name, factor] : units)
        if (used > 0 && unit == name && value > 0 && value * static_cast<double>(factor) < 9e18)  // fits int64
            return static_cast<uint64_t>(value * static_cast<double>(factor));
    throw Error(option + ": '" + text + "' is not a size (e.g. 5GB, 500MB, 2GiB or a byte count)");
}

}  // namespace lc::cli
