// SPDX-License-Identifier: GPL-3.0-or-later
// config.json of Llama-family checkpoints, in transformers 4's keys (rope_theta + rope_scaling) and in
// transformers 5's (rope_parameters). Anything the core cannot run exactly is refused by name.
#include "layercut/model_config.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <numeric>

#include <nlohmann/json.hpp>

#include "layercut/json_file.h"
#include "layercut/error.h"

namespace lc {
namespace {

using nlohmann::json;

struct Reader
{
    const json &j;
    const std::string &source;

    [[noreturn]] void fail(const std::string &what) const { throw Error("'" + source + "': " + what); }

    bool has(const char *key) const { return j.contains(key) && !j[key].is_null(); }

    /** A positive integer no larger than `max`: far above any real model's, low enough that sizes derived from
     *  it (a tensor's elements, the parameter count) cannot overflow. */
    int64_t positiveInt(const char *key, int64_t max) const
    {
        if (!has(key))
            fail(std::string("missing \"") + key + "\"");
        if (!j[key].is_number_integer() || j[key].get<int64_t>() <= 0)
            fail(std::string("\"") + key + "\" must be a positive integer");
        if (j[key].get<int64_t>() > max)
            fail(std::string("\"") + key + "\" is " + jsonText(j[key]) + ", more than the " + std::to_string(max) +
                 " LayerCut allows");
        return j[key].get<int64_t>();
    }
    int64_t positiveInt(const char *key, int64_t max, int64_t fallback) const
    {
        return has(key) ? positiveInt(key, max) : fallback;
    }
    /** A count from 0 to 2^62 (larger is as good as infinite here); `fallback` when absent. */
    int64_t count(const char *key, int64_t fallback) const
    {
        if (!has(key))
            return fallback;
        if (!j[key].is_number_integer() ||
            (j[key].is_number_integer() && !j[key].is_number_unsigned() && j[key].get<int64_t>() < 0))
            fail(std::string("\"") + key + "\" must be an integer of 0 or more");
        return j[key].is_number_unsigned()
                   ? static_cast<int64_t>(std::min<uint64_t>(j[key].get<uint64_t>(), 1ull << 62))
                   : j[key].get<int64_t>();
    }

    double number(const json &obj, const char *key, double fallback) const
    {
        if (!obj.contains(key) || obj[key].is_null())
            return fallback;
        if (!obj[key].is_number())
            fail(std::string("\"") + key + "\" must be a number");
        return obj[key].get<double>();
    }
    bool flag(const char *key, bool fallback) const
    {
        if (!has(key))
            return fallback;
        if (!j[key].is_boolean())
            fail(std::string("\"") + key + "\" must be true or false");
        return j[key].get<bool>();
    }
};

/** LongRoPE's factors: a list of ropeDim / 2 positive numbers. */
std::vector<double> longRopeFactors(const Reader &r, const json &scaling, const char *key, int64_t ropeDim)
{
    if (!scaling.contains(key) || !scaling[key].is_array())
        r.fail(std::string("longrope rope scaling needs a \"") + key + "\" list");
    std::vector<double> factors;
    for (const json &v : scaling[key]) {
        if (!v.is_number() || !(v.get<double>() > 0))
            r.fail(std::string("\"") + key + "\" must hold positive numbers");
        factors.push_back(v.get<double>());
    }
    if (static_cast<int64_t>(factors.size()) != ropeDim / 2)
        r.fail(std::string("\"") + key + "\" has " + std::to_string(factors.size()) +
               " entries; the rotary dimension " + std::to_string(ropeDim) + " needs " + std::to_string(ropeDim / 2));
    return factors;
}

/** The scaling of `c`'s RoPE from `scaling` (rope_scaling, or one rope_parameters); c's sizes are set. */
RopeScaling parseRopeScaling(const Reader &r, const json &scaling, const ModelConfig &c)
{
    RopeScaling rs;
    if (scaling.is_null())
        return rs;
    if (!scaling.is_object())
        r.fail("rope scaling must be an object or null");
    std::string type = "default";
    if (scaling.contains("rope_type") && scaling["rope_type"].is_string())
        type = scaling["rope_type"].get<std::string>();
    else if (scaling.contains("type") && scaling["type"].is_string())
        type = scaling["type"].get<std::string>();
    if (c.family == ModelFamily::Phi3 && (type == "su" || type == "yarn"))
        type = "longrope";  // Phi-3's earliest configs, as Phi3Config renames them
    if (type == "default")
        return rs;
    if (type == "linear") {
        rs.type = RopeScaling::Type::Linear;
        rs.factor = r.number(scaling, "factor", 1.0);
    } else if (type == "llama3") {
        rs.type = RopeScaling::Type::Llama3;
        rs.factor = r.number(scaling, "factor", 8.0);
        rs.lowFreqFactor = r.number(scaling, "low_freq_factor", 1.0);
        rs.highFreqFactor = r.number(scaling, "high_freq_factor", 4.0);
        rs.originalMaxPositions = static_cast<int64_t>(r.number(scaling, "original_max_position_embeddings", 8192));
        if (rs.highFreqFactor <= rs.lowFreqFactor)
            r.fail("llama3 rope scaling needs high_freq_factor > low_freq_factor");
    } else if (type == "longrope") {
        rs.type = RopeScaling::Type::LongRope;
        rs.shortFactor = longRopeFactors(r, scaling, "short_factor", c.ropeDim());
        rs.longFactor = longRopeFactors(r, scaling, "long_factor", c.ropeDim());
        // original_max_position_embeddings: in the scaling (transformers 5), else beside it (Phi-3's configs)
        const double original = r.number(scaling, "original_max_position_embeddings",
                                         r.number(r.j, "original_max_position_embeddings", double(c.maxPositions)));
        if (!(original >= 1))
            r.fail("original_max_position_embeddings must be a positive integer");
        rs.originalMaxPositions = static_cast<int64_t>(original);
        rs.factor = r.number(scaling, "factor", static_cast<double>(c.maxPositions) / original);
        const double fallback =
            rs.factor <= 1.0 ? 1.0 : std::sqrt(1.0 + std::log(rs.factor) / std::log(static_cast<double>(original)));
        rs.attentionFactor = r.number(scaling, "attention_factor", fallback);
    } else {
        r.fail("unsupported rope scaling type '" + type + "' (supported: default, linear, llama3, longrope)");
    }
    if (rs.factor <= 0)
        r.fail("rope scaling factor must be positive");
    return rs;
}

}  // namespace

int64_t ExpectedTensor::numel() const
{
    return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
}

std::string familyName(ModelFamily family)
{
    switch (family) {
    case ModelFamily::Llama: return "llama";
    case ModelFamily::Mistral: return "mistral";
    case ModelFamily::Qwen2: return "qwen2";
    case ModelFamily::Qwen3: return "qwen3";
    case ModelFamily::Olmo2: return "olmo2";
    case ModelFamily::SmolLM3: return "smollm3";
    case ModelFamily::Gemma2: return "gemma2";
    case ModelFamily::Gemma3: return "gemma3_text";
    case ModelFamily::Phi3: return "phi3";
    }
    return "llama";
}

ModelConfig ModelConfig::fromFile(const std::filesystem::path &configJson)
{
    if (!std::filesystem::exists(configJson))
        throw Error("'" + configJson.string() + "': missing (is this a Hugging Face model folder?)");
    return fromJson(readJsonFile(configJson), configJson.string());
}

ModelConfig ModelConfig::fromJsonText(const std::string &text, const std::string &source)
{
    return fromJson(parseJsonText(text, source), source);
}

ModelConfig ModelConfig::fromJson(const nlohmann::json &j, const std::string &source)
{
    if (!j.is_object())
        throw Error("'" + source + "': not a JSON object");
    const Reader r{j, source};
    ModelConfig c;
    if (!r.has("model_type") || !j["model_type"].is_string())
        r.fail("missing \"model_type\"");
    c.modelType = j["model_type"].get<std::string>();
    if (c.modelType == "llama")
        c.family = ModelFamily::Llama;
    else if (c.modelType == "mistral")
        c.family = ModelFamily::Mistral;
    else if (c.modelType == "qwen2")
        c.family = ModelFamily::Qwen2;
    else if (c.modelType == "qwen3")
        c.family = ModelFamily::Qwen3;
    else if (c.modelType == "olmo2")
        c.family = ModelFamily::Olmo2;
    else if (c.modelType == "smollm3")
        c.family = ModelFamily::SmolLM3;
    else if (c.modelType == "gemma2")
        c.family = ModelFamily::Gemma2;
    else if (c.modelType == "gemma3_text")
        c.family = ModelFamily::Gemma3;
    else if (c.modelType == "phi3")
        c.family = ModelFamily::Phi3;
    else if (c.modelType == "gemma3")
        r.fail("model_type 'gemma3' is Gemma 3 with its vision tower; LayerCut runs the text-only 'gemma3_text' "
               "checkpoints (Gemma 3 1B, or a text model saved from the larger ones)");
    else
        r.fail("unknown model_type '" + c.modelType +
               "' (supported: llama, mistral, qwen2, qwen3, olmo2, smollm3, gemma2, gemma3_text, phi3)");
    const bool gemma = c.family == ModelFamily::Gemma2 || c.family == ModelFamily::Gemma3;

    // Limits: the largest real models have hidden 18432, 128 heads, 126 layers and a 262144-token vocabulary.
    constexpr int64_t kMaxWidth = int64_t{1} << 20, kMaxCount = int64_t{1} << 14, kMaxVocab = int64_t{1} << 24,
                      kMaxPositions = int64_t{1} << 31;
    c.hiddenSize = r.positiveInt("hidden_size", kMaxWidth);
    c.intermediateSize = r.positiveInt("intermediate_size", kMaxWidth);
    c.numLayers = r.positiveInt("num_hidden_layers", kMaxCount);
    c.numHeads = r.positiveInt("num_attention_heads", kMaxCount);
    c.numKvHeads = r.positiveInt("num_key_value_heads", kMaxCount, c.numHeads);
    c.vocabSize = r.positiveInt("vocab_size", kMaxVocab);
    c.maxPositions = r.positiveInt("max_position_embeddings", kMaxPositions, 2048);
    if (c.numHeads % c.numKvHeads != 0)
        r.fail("num_attention_heads (" + std::to_string(c.numHeads) + ") is not a multiple of num_key_value_heads (" +
               std::to_string(c.numKvHeads) + ")");
    if (r.has("head_dim")) {
        c.headDim = r.positiveInt("head_dim", kMaxCount);
    } else {
        if (c.family == ModelFamily::Qwen3)
            c.headDim = 128;  // Qwen3Config's default
        else if (gemma)
            c.headDim = 256;  // Gemma2Config's and Gemma3TextConfig's default
        else if (c.hiddenSize % c.numHeads != 0)
            r.fail("hidden_size is not a multiple of num_attention_heads and no head_dim is given");
        else
            c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.headDim % 2 != 0)
        r.fail("head_dim must be even for rotary embeddings");
    c.rmsNormEps = r.number(j, "rms_norm_eps", 1e-6);
    if (!(c.rmsNormEps > 0.0 && c.rmsNormEps < 1.0))  // also NaN: every logit would be NaN, silently
        r.fail("rms_norm_eps must be a small positive number, not " + std::to_string(c.rmsNormEps));

    // Gemma reads `hidden_activation` (real Gemma 2 configs carry `hidden_act` too, with the same value).
    const char *actKey = gemma && r.has("hidden_activation") ? "hidden_activation" : "hidden_act";
    if (r.has(actKey)) {
        const std::string act = j[actKey].is_string() ? j[actKey].get<std::string>() : "";
        if (gemma && act != "gelu_pytorch_tanh")
            r.fail("unsupported " + std::string(actKey) + " '" + act + "' (Gemma: only gelu_pytorch_tanh)");
        if (!gemma && act != "silu" && act != "swish")
            r.fail("unsupported " + std::string(actKey) + " '" + act + "' (only silu)");
    }
    c.activation = gemma ? Activation::GeluTanh : Activation::SiLU;
    if (j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty() &&
        j["architectures"][0].is_string())
        c.architecture = j["architectures"][0].get<std::string>();

    // Phi-3 (Phi-4-mini) rotates only the first int(head_dim · partial_rotary_factor) channels of each head.
    const auto setPartialRotary = [&](double factor) {
        if (factor == 1.0)
            return;
        if (c.family != ModelFamily::Phi3)
            r.fail("partial_rotary_factor other than 1 is supported for phi3 only");
        if (!(factor > 0 && factor < 1))
            r.fail("partial_rotary_factor must be between 0 and 1");
        c.rotaryDim = static_cast<int64_t>(static_cast<double>(c.headDim) * factor);
        if (c.rotaryDim < 2 || c.rotaryDim % 2 != 0)
            r.fail("partial_rotary_factor gives " + std::to_string(c.rotaryDim) +
                   " rotary channels; they must be even");
    };
    // RoPE: transformers 5 stores everything in rope_parameters; 4 uses rope_theta + rope_scaling.
    if (c.family == ModelFamily::Gemma3) {
        // Two RoPEs: the global layers' (default base 1e6, with rope_scaling) and the sliding layers' (base
        // rope_local_base_freq, default 10000, unscaled); in transformers 5 rope_parameters per layer type.
        // A type rope_parameters lacks takes the defaults, as Gemma3TextConfig fills them in.
        const json none = json::object();
        const json &rp = r.has("rope_parameters") ? j["rope_parameters"] : none;
        if (!rp.is_object())
            r.fail("\"rope_parameters\" must be an object");
        const auto ofType = [&](const char *type) -> const json & {
            if (!rp.contains(type) || rp[type].is_null())
                return none;
            if (!rp[type].is_object())
                r.fail(std::string("\"rope_parameters\".\"") + type + "\" must be an object");
            return rp[type];
        };
        const json &global = ofType("full_attention"), &local = ofType("sliding_attention");
        c.ropeTheta = r.number(global, "rope_theta", r.number(j, "rope_theta", 1000000.0));
        c.ropeScaling = parseRopeScaling(r, global.empty() && r.has("rope_scaling") ? j["rope_scaling"] : global, c);
        c.slidingRopeTheta = r.number(local, "rope_theta", r.number(j, "rope_local_base_freq", 10000.0));
        c.slidingRopeScaling = parseRopeScaling(r, local, c);
        if (c.slidingRopeTheta <= 0)
            r.fail("the sliding layers' rope_theta must be positive");
    } else if (r.has("rope_parameters")) {
        const json &rp = j["rope_parameters"];
        if (!rp.is_object())
            r.fail("\"rope_parameters\" must be an object");
        if (rp.contains("full_attention") && rp["full_attention"].is_object())
            r.fail("rope_parameters per layer type are supported for gemma3_text only");
        c.ropeTheta = r.number(rp, "rope_theta", r.number(j, "rope_theta", 10000.0));
        setPartialRotary(r.number(rp, "partial_rotary_factor", r.number(j, "partial_rotary_factor", 1.0)));
        c.ropeScaling = parseRopeScaling(r, rp, c);
    } else {
        c.ropeTheta = r.number(j, "rope_theta", 10000.0);
        setPartialRotary(r.number(j, "partial_rotary_factor", 1.0));
        c.ropeScaling = parseRopeScaling(r, r.has("rope_scaling") ? j["rope_scaling"] : json(), c);
    }
    if (c.ropeTheta <= 0)
        r.fail("rope_theta must be positive");

    c.tieWordEmbeddings = r.flag("tie_word_embeddings", gemma);
    switch (c.family) {
    case ModelFamily::Llama:
        c.qkvBias = c.outputBias = r.flag("attention_bias", false);
        c.mlpBias = r.flag("mlp_bias", false);
        break;
    case ModelFamily::Mistral: break;
    case ModelFamily::Qwen2:
        c.qkvBias = true;  // hard-coded in modeling_qwen2.py; o_proj has none
        break;
    case ModelFamily::Qwen3:
        c.qkvBias = c.outputBias = r.flag("attention_bias", false);
        c.qkNorm = true;
        break;
    case ModelFamily::Olmo2:
        c.qkvBias = c.outputBias = r.flag("attention_bias", false);
        c.qkNorm = c.qkNormWhole = c.postNorms = true;
        c.preNorms = false;
        break;
    case ModelFamily::SmolLM3:
        c.qkvBias = c.outputBias = r.flag("attention_bias", false);
        c.mlpBias = r.flag("mlp_bias", false);
        break;
    case ModelFamily::Phi3:
        c.fusedProjections = true;  // no biases in Phi-3
        break;
    case ModelFamily::Gemma2:
    case ModelFamily::Gemma3: {
        c.qkvBias = c.outputBias = r.flag("attention_bias", false);
        c.qkNorm = c.family == ModelFamily::Gemma3;
        c.postNorms = c.unitOffsetNorms = c.scaledEmbeddings = true;
        c.queryPreAttnScalar = r.number(j, "query_pre_attn_scalar", 256);
        if (!(c.queryPreAttnScalar > 0))
            r.fail("\"query_pre_attn_scalar\" must be positive");
        // Absent keys take the config class's defaults (Gemma 2: 50 and 30; Gemma 3: none); null is none.
        const bool two = c.family == ModelFamily::Gemma2;
        for (auto [key, slot, fallback] :
             {std::tuple{"attn_logit_softcapping", &c.attnLogitSoftcap, two ? 50.0 : 0.0},
              std::tuple{"final_logit_softcapping", &c.finalLogitSoftcap, two ? 30.0 : 0.0}}) {
            *slot = j.contains(key) ? r.number(j, key, 0.0) : fallback;
            if (*slot < 0 || std::isnan(*slot))
                r.fail(std::string("\"") + key + "\" must be positive or null");
        }
        if (r.flag("use_bidirectional_attention", false))
            r.fail("\"use_bidirectional_attention\" is set: an embedding model, not a causal language model");
        break;
    }
    }
    if (c.family == ModelFamily::SmolLM3) {
        // no_rope_layers[i] is 1 where layer i uses RoPE (transformers' naming); absent, every
        // no_rope_layer_interval-th layer (default 4) goes without, as SmolLM3Config builds the list.
        if (r.has("no_rope_layers")) {
            const json &list = j["no_rope_layers"];
            if (!list.is_array() || static_cast<int64_t>(list.size()) != c.numLayers)
                r.fail("\"no_rope_layers\" must be a list of " + std::to_string(c.numLayers) + " entries, 0 or 1");
            for (const auto &v : list) {
                if (!v.is_number_integer() || (v.get<int64_t>() != 0 && v.get<int64_t>() != 1))
                    r.fail("\"no_rope_layers\" must hold 0 or 1");
                c.ropeLayers.push_back(v.get<int64_t>() == 1);
            }
        } else {
            const int64_t interval = r.positiveInt("no_rope_layer_interval", kMaxCount, 4);
            for (int64_t i = 0; i < c.numLayers; ++i)
                c.ropeLayers.push_back((i + 1) % interval != 0);
        }
    }

    // Sliding windows: Mistral's `sliding_window` (every layer); Qwen's only with use_sliding_window, for the
    // layers from max_window_layers on (as transformers builds its layer_types). An explicit `layer_types`
    // list, read below, decides instead.
    const bool qwen =
        c.family == ModelFamily::Qwen2 || c.family == ModelFamily::Qwen3 || c.family == ModelFamily::SmolLM3;
    if ((c.family == ModelFamily::Mistral || c.family == ModelFamily::Phi3) && r.has("sliding_window"))
        c.slidingWindow = r.positiveInt("sliding_window", kMaxPositions);
    if (gemma) {
        // Local and global layers alternate: Gemma 2 every other layer from the first; Gemma 3 every
        // sliding_window_pattern-th layer global (default 6), as the config classes build layer_types.
        c.slidingWindow = r.positiveInt("sliding_window", kMaxPositions, 4096);
        const int64_t pattern =
            c.family == ModelFamily::Gemma2 ? 2 : r.positiveInt("sliding_window_pattern", kMaxCount, 6);
        for (int64_t i = 0; i < c.numLayers; ++i)
            c.slidingLayers.push_back((i + 1) % pattern != 0);
    }
    if (qwen && r.flag("use_sliding_window", false) && r.has("sliding_window"))
        c.slidingWindow = r.positiveInt("sliding_window", kMaxPositions);
    if (c.slidingWindow > 0 && !gemma) {
        // transformers' Qwen2Config and Qwen3Config default max_window_layers to 28.
        const int64_t firstSliding = qwen ? r.count("max_window_layers", 28) : 0;
        for (int64_t i = 0; i < c.numLayers; ++i)
            c.slidingLayers.push_back(i >= firstSliding);
    }

    for (const char *key : {"torch_dtype", "dtype"})
        if (r.has(key) && j[key].is_string())
            c.torchDtype = j[key].get<std::string>();
    if (r.has("layer_types")) {
        if (!j["layer_types"].is_array())
            r.fail("\"layer_types\" must be a list");
        for (const auto &t : j["layer_types"]) {
            if (!t.is_string())
                r.fail("\"layer_types\" must hold strings");
            c.layerTypes.push_back(t.get<std::string>());
        }
        if (static_cast<int64_t>(c.layerTypes.size()) != c.numLayers)
            r.fail("\"layer_types\" has " + std::to_string(c.layerTypes.size()) + " entries for " +
                   std::to_string(c.numLayers) + " layers");
        for (const auto &t : c.layerTypes)
            if (t != "full_attention" && !(t == "sliding_attention" && c.slidingWindow > 0))
                r.fail("layer type '" + t + "' is not supported");
        c.slidingLayers.clear();
        for (const auto &t : c.layerTypes)
            c.slidingLayers.push_back(t == "sliding_attention");
    }
    // Each width is bounded, but their products (heads × head_dim × hidden, per layer, times layers) could
    // still pass what int64 counts; a trillion parameters per layer is far past any model.
    const double perLayer = static_cast<double>(c.hiddenSize) *
                            (2.0 * static_cast<double>(c.numHeads + c.numKvHeads) * static_cast<double>(c.headDim) +
                             3.0 * static_cast<double>(c.intermediateSize));
    if (perLayer > 1e12)
        r.fail("the config describes " + std::to_string(perLayer) + " parameters per layer, more than LayerCut allows");
    return c;
}

std::vector<ExpectedTensor> ModelConfig::expectedTensors() const
{
    const int64_t H = hiddenSize, I = intermediateSize, D = headDim;
    const int64_t q = numHeads * D, kv = numKvHeads * D;
    std::vector<ExpectedTensor> t;
    t.push_back({"model.embed_tokens.weight", {vocabSize, H}});
    for (int64_t i = 0; i < numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        if (preNorms)
            t.push_back({p + "input_layernorm.weight", {H}});
        if (fusedProjections) {  // Phi-3: q|k|v rows in one tensor
            t.push_back({p + "self_attn.qkv_proj.weight", {q + 2 * kv, H}});
        } else {
            t.push_back({p + "self_attn.q_proj.weight", {q, H}});
            t.push_back({p + "self_attn.k_proj.weight", {kv, H}});
            t.push_back({p + "self_attn.v_proj.weight", {kv, H}});
        }
        t.push_back({p + "self_attn.o_proj.weight", {H, q}});
        if (qkvBias) {
            t.push_back({p + "self_attn.q_proj.bias", {q}});
            t.push_back({p + "self_attn.k_proj.bias", {kv}});
            t.push_back({p + "self_attn.v_proj.bias", {kv}});
        }
        if (outputBias)
            t.push_back({p + "self_attn.o_proj.bias", {H}});
        if (qkNorm) {
            t.push_back({p + "self_attn.q_norm.weight", {qkNormWhole ? q : D}});
            t.push_back({p + "self_attn.k_norm.weight", {qkNormWhole ? kv : D}});
        }
        t.push_back({p + "post_attention_layernorm.weight", {H}});
        if (preNorms && postNorms)  // Gemma: the MLP's own pre-norm (Llama's is post_attention_layernorm)
            t.push_back({p + "pre_feedforward_layernorm.weight", {H}});
        if (postNorms)
            t.push_back({p + "post_feedforward_layernorm.weight", {H}});
        if (fusedProjections) {  // Phi-3: gate|up rows in one tensor
            t.push_back({p + "mlp.gate_up_proj.weight", {2 * I, H}});
        } else {
            t.push_back({p + "mlp.gate_proj.weight", {I, H}});
            t.push_back({p + "mlp.up_proj.weight", {I, H}});
        }
        t.push_back({p + "mlp.down_proj.weight", {H, I}});
        if (mlpBias) {
            t.push_back({p + "mlp.gate_proj.bias", {I}});
            t.push_back({p + "mlp.up_proj.bias", {I}});
            t.push_back({p + "mlp.down_proj.bias", {H}});
        }
    }
    t.push_back({"model.norm.weight", {H}});
    if (!tieWordEmbeddings)
        t.push_back({"lm_head.weight", {vocabSize, H}});
    return t;
}

double ModelConfig::attentionScale() const
{
    return 1.0 / std::sqrt(queryPreAttnScalar > 0 ? queryPreAttnScalar : static_cast<double>(headDim));
}

int64_t ModelConfig::parametersPerLayer() const
{
    int64_t n = 0;
    for (const auto &t : expectedTensors())
        if (t.name.rfind("model.layers.0.", 0) == 0)
            n += t.numel();
    return n;
}

int64_t ModelConfig::parameterCount() const
{
    int64_t n = 0;
    for (const auto &t : expectedTensors())
        n += t.numel();
    return n;
}

}  // namespace lc
