// SPDX-License-Identifier: GPL-3.0-or-later
// The weights of a Llama-family decoder, one tensor per checkpoint tensor.
// Legend: H hidden, I intermediate, V vocabulary, nh query heads, nkv key/value heads, D head_dim.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "layercut/model_config.h"
#include "model/torch_compat.h"

namespace lc {

struct Nf4Weight;

/** The seven linear projections of a decoder block, in PEFT's module order. */
enum class Proj { Q, K, V, O, Gate, Up, Down };
constexpr size_t kProjections = 7;
/** "q_proj", "k_proj", ..., "down_proj". */
const char *projName(Proj p);
/** "self_attn.q_proj", ..., "mlp.down_proj": the module path inside "model.layers.{i}.". */
std::string projPath(Proj p);

/**
 * Where a projection's weight lies in the checkpoint: its own tensor, or rows of a fused one (Phi-3's
 * qkv_proj and gate_up_proj). tensor is the name inside "model.layers.{i}.", e.g. "self_attn.qkv_proj.weight".
 */
struct ProjectionRows
{
    std::string tensor;
    int64_t offset = 0;
    int64_t rows = -1;  // -1: the whole tensor
    bool fused() const { return rows >= 0; }
};
ProjectionRows projectionRows(const ModelConfig &config, Proj p);

/**
 * A LoRA adapter on one projection (peft's lora.Linear): y = W x + scale · B (A dropout(x)).
 * A and B are float32 leaves that train; the matmuls run in the compute dtype.
 */
struct LoraAdapter
{
    at::Tensor a;        // [r, in], kaiming-uniform (a = √5) at init, i.e. U(±1/√in)
    at::Tensor b;        // [out, r], zeros at init, so the adapted layer starts as the base layer
    double scale = 1.0;  // alpha / r
    double dropout = 0.0;
};

struct DecoderLayerWeights
{
    int64_t originalIndex = 0;  // the block's number in memory: the checkpoint's, or its BlockPlan::layout() index
    bool inserted = false;      // a new block among the checkpoint's (BlockPlan), not one of them
    bool onDemand = false;      // a placeholder: its tensors are still in the checkpoint (loadLlamaBlock fetches them)
    // attention
    at::Tensor inputNorm;     // [H]
    at::Tensor qProj, qBias;  // [nh*D, H], [nh*D] (bias optional)
    at::Tensor kProj, kBias;  // [nkv*D, H], [nkv*D]
    at::Tensor vProj, vBias;  // [nkv*D, H], [nkv*D]
    at::Tensor oProj, oBias;  // [H, nh*D], [H]
    at::Tensor qNorm, kNorm;  // [D] (Qwen3, Gemma 3), or [nh*D], [nkv*D] over the whole projection (OLMo 2)
    // feed-forward
    at::Tensor postNorm;             // [H]: before the feed-forward; after attention, on its output (OLMo 2, Gemma)
    at::Tensor preFeedforwardNorm;   // [H]: before the feed-forward when postNorm is attention's (Gemma)
    at::Tensor postFeedforwardNorm;  // [H]: on the feed-forward's output (OLMo 2, Gemma)
    at::Tensor gateProj, gateBias;   // [I, H], [I]
    at::Tensor upProj, upBias;       // [I, H], [I]
    at::Tensor downProj, downBias;   // [H, I], [H]
    at::Tensor gateUpProj;           // [2I, H]: Phi-3's fused gate|up as loaded; gateProj, upProj are views of it
    // q|k|v fused for one GEMM; when set, qProj/kProj/vProj (and biases) are views into it, so memory
    // is not doubled. gate|up is deliberately not fused: with the fused SiLU·up kernel reading the strided
    // halves it measured the same as two GEMMs (H200, Llama-3-8B shape), and without it slower.
    at::Tensor qkvProj, qkvBias;  // [(nh + 2*nkv)*D, H], [(nh + 2*nkv)*D]
    // Healing (core/src/train). A quantised projection has its dense weight undefined (and q|k|v unfused);
    // an adapter adds to its projection's output. Indexed by Proj; shared between the kept-layer and
    // all-layer lists, like the tensors.
    std::array<std::shared_ptr<const Nf4Weight>, kProjections> nf4;
    std::array<std::shared_ptr<LoraAdapter>, kProjections> lora;

    /** The device its tensors are on (its norms are never quantised); a placeholder's: none, throws. */
    at::Device device() const;
    /** The dense weight / bias slot of a projection. */
    at::Tensor &weight(Proj p);
    const at::Tensor &weight(Proj p) const;
    const at::Tensor &bias(Proj p) const;
};

/** A tensor of a decoder block: its name after "model.layers.{i}." and its slot. */
struct LayerTensorSlot
{
    const char *name;  // e.g. "self_attn.q_proj.weight"
    at::Tensor DecoderLayerWeights::*slot;
};
/** Every tensor a decoder block of any family may hold. */
const std::vector<LayerTensorSlot> &layerTensorSlots();

/** Fuses q|k|v of every layer into one tensor and re-points the parts at views of it (already fused: kept). */
void fuseProjections(struct LlamaWeights &weights);
void fuseProjections(DecoderLayerWeights &layer);
/** Points each projection of a block loaded from fused tensors (Phi-3) at its rows of them. */
void splitFusedProjections(struct DecoderLayerWeights &layer, const ModelConfig &config);

struct LlamaWeights
{
    at::Tensor embedTokens;  // [V, H]
    std::vector<DecoderLayerWeights> layers;
    at::Tensor norm;    // [H]
    at::Tensor lmHead;  // [V, H]; the same storage as embedTokens when tied
};

}  // namespace lc
