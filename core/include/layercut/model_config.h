// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace lc {

/** Architectures the core runs. They share tensor names and the decoder block's shape (attention, then a
 *  gated MLP, each on the residual stream); the flags of ModelConfig say where they differ. */
enum class ModelFamily { Llama, Mistral, Qwen2, Qwen3, Olmo2, SmolLM3, Gemma2, Gemma3, Phi3 };

std::string familyName(ModelFamily family);

/** RoPE frequency scaling, as transformers' `rope_scaling` / `rope_parameters` describe it. */
struct RopeScaling
{
    enum class Type { None, Linear, Llama3, LongRope };
    Type type = Type::None;
    double factor = 1.0;                  // linear and llama3, e.g. 8.0; longrope: max / original positions
    double lowFreqFactor = 1.0;           // llama3, e.g. 1.0
    double highFreqFactor = 4.0;          // llama3, e.g. 4.0
    int64_t originalMaxPositions = 8192;  // llama3 and longrope `original_max_position_embeddings`
    // LongRoPE (Phi-3): per-frequency divisors, [rotary dim / 2] each; the long ones for sequences longer than
    // originalMaxPositions. cos and sin are scaled by attentionFactor (√(1 + ln factor / ln original) unless given).
    std::vector<double> shortFactor, longFactor;
    double attentionFactor = 1.0;
};

/** The gate's activation in the MLP, down(act(gate(x)) · up(x)). */
enum class Activation {
    SiLU,      // SwiGLU: Llama, Mistral, Qwen, OLMo 2, SmolLM3
    GeluTanh,  // GeGLU with the tanh approximation (`gelu_pytorch_tanh`): Gemma 2 and 3
};

/** A tensor the checkpoint must hold, with the shape the config implies. */
struct ExpectedTensor
{
    std::string name;
    std::vector<int64_t> shape;

    int64_t numel() const;
};

/** The hyperparameters of a Llama-family `config.json` (Llama 2/3.x, Mistral, Qwen2/2.5, Qwen3). */
struct ModelConfig
{
    ModelFamily family = ModelFamily::Llama;
    std::string modelType;         // `model_type` as written, e.g. "llama"
    std::string architecture;      // `architectures[0]`, e.g. "LlamaForCausalLM"; may be empty
    int64_t hiddenSize = 0;        // H, e.g. 4096
    int64_t intermediateSize = 0;  // I, e.g. 14336
    int64_t numLayers = 0;         // L, e.g. 32
    int64_t numHeads = 0;          // query heads, e.g. 32
    int64_t numKvHeads = 0;        // key/value heads (GQA), e.g. 8
    int64_t headDim = 0;           // D, e.g. 128; may differ from H / heads (Qwen3)
    int64_t vocabSize = 0;         // V, e.g. 128256
    int64_t maxPositions = 0;      // `max_position_embeddings`
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    RopeScaling ropeScaling;
    bool tieWordEmbeddings = false;  // lm_head shares embed_tokens (no lm_head.weight in the file)
    bool fusedProjections = false;   // Phi-3: the checkpoint holds qkv_proj and gate_up_proj, not the parts
    int64_t rotaryDim = 0;           // channels of each head RoPE rotates (partial_rotary_factor); 0: all
    bool qkvBias = false;            // q/k/v projections carry a bias (Qwen2 always; Llama/Qwen3 attention_bias)
    bool outputBias = false;         // o_proj carries a bias (Llama/Qwen3 attention_bias)
    bool mlpBias = false;            // Llama `mlp_bias`
    bool qkNorm = false;             // RMSNorm of q and k before RoPE (Qwen3: per head, over D)
    bool qkNormWhole = false;        // OLMo 2: q/k norms over the whole projection (nh·D, nkv·D)
    bool preNorms = true;            // each half's input normalised (all but OLMo 2)
    bool postNorms = false;          // each half's output normalised before the residual add (OLMo 2, Gemma)
    bool unitOffsetNorms = false;    // Gemma: RMSNorm scales by (1 + w), in float32, then rounds
    bool scaledEmbeddings = false;   // Gemma: embeddings × √hidden (rounded to the compute dtype)
    Activation activation = Activation::SiLU;
    double queryPreAttnScalar = 0;        // Gemma: attention scale 1/√this instead of 1/√head_dim (0: head_dim)
    double attnLogitSoftcap = 0;          // Gemma 2: scores = cap · tanh(scores / cap) before the mask (0: none)
    double finalLogitSoftcap = 0;         // Gemma 2: logits = cap · tanh(logits / cap) (0: none)
    double slidingRopeTheta = 0;          // Gemma 3: RoPE base of the sliding layers (0: as the others)
    RopeScaling slidingRopeScaling;       // Gemma 3: scaling of the sliding layers' RoPE
    int64_t slidingWindow = 0;            // tokens, 0 when attention is full everywhere
    std::vector<bool> slidingLayers;      // per layer: attends within slidingWindow only (empty: none does)
    std::vector<bool> ropeLayers;         // per layer: applies RoPE (empty: all do; SmolLM3's no_rope_layers)
    std::string torchDtype;               // `torch_dtype` / `dtype`, e.g. "bfloat16"; empty if absent
    std::vector<std::string> layerTypes;  // `layer_types` when present

    /** Parses `config.json`; throws lc::Error naming the file and the unsupported or malformed key. */
    static ModelConfig fromFile(const std::filesystem::path &configJson);
    /** Parses JSON text; `source` names it in errors. */
    static ModelConfig fromJsonText(const std::string &text, const std::string &source);
    /** Parses a parsed config.json; `source` names it in errors. */
    static ModelConfig fromJson(const nlohmann::json &json, const std::string &source);

    /** True when layer `index` (of the checkpoint) attends to the last slidingWindow tokens only. */
    bool isSlidingLayer(int64_t index) const
    {
        return index >= 0 && static_cast<size_t>(index) < slidingLayers.size() && slidingLayers[index];
    }
    /** Channels of each head that RoPE rotates: head_dim, or fewer (partial rotary). */
    int64_t ropeDim() const { return rotaryDim > 0 ? rotaryDim : headDim; }
    /** The scale of q·k: 1/√query_pre_attn_scalar (Gemma) or 1/√head_dim. */
    double attentionScale() const;
    /** True when sliding layers rotate with their own base (Gemma 3's local RoPE). */
    bool hasSlidingRope() const { return slidingRopeTheta > 0; }

    /** True when layer `index` (of the checkpoint) rotates q and k (SmolLM3 leaves some layers without). */
    bool usesRope(int64_t index) const
    {
        return index < 0 || static_cast<size_t>(index) >= ropeLayers.size() || ropeLayers[index];
    }
    /** Every tensor the checkpoint must contain, with its expected shape (lm_head only when untied). */
    std::vector<ExpectedTensor> expectedTensors() const;
    /** Parameters implied by the config (tied embeddings counted once). */
    int64_t parameterCount() const;
    /** Parameters of one decoder block. */
    int64_t parametersPerLayer() const;
};

}  // namespace lc
