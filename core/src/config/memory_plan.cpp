// SPDX-License-Identifier: GPL-3.0-or-later
// The memory estimates: the tensors each job holds at its peak, as the code allocates them (the model in
// llama_model.cpp, distances in layer_distances.cpp, scoring in evaluation.cpp, training in healing.cpp), counted
// from the config alone. Legend: H hidden, I intermediate, nh/nkv heads, D head dim, V vocabulary, g = nh/nkv,
// N tokens of one forward pass, b bytes of the compute dtype.
#include "layercut/memory_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "layercut/block_runs.h"
#include "layercut/error.h"

namespace lc {
namespace {

int64_t dtypeBytes(DType dtype)
{
    return dtype == DType::Float32 ? 4 : 2;
}

/** The model's dimensions as the estimate uses them. */
struct Shape
{
    int64_t H, I, nh, nkv, D, V, layers, kept;
    int64_t linear;  // the seven projections' weights of one block
    int64_t other;   // its norms and biases
    bool tied;
};

Shape shapeOf(const ModelConfig &c, const MemorySetup &s)
{
    if (c.hiddenSize <= 0 || c.numLayers <= 0 || c.numHeads <= 0 || c.vocabSize <= 0)
        throw Error("the model's config has no usable sizes for a memory estimate");
    Shape x{};
    x.H = c.hiddenSize;
    x.I = c.intermediateSize;
    x.nh = c.numHeads;
    x.nkv = c.numKvHeads > 0 ? c.numKvHeads : c.numHeads;
    x.D = c.headDim > 0 ? c.headDim : c.hiddenSize / c.numHeads;
    x.V = c.vocabSize;
    x.layers = c.numLayers;
    x.kept = s.layers < 0 ? c.numLayers : s.layers;
    if (x.kept < 1 || x.kept > c.numLayers)
        throw Error("a memory estimate for " + std::to_string(x.kept) + " of " + std::to_string(c.numLayers) +
                    " layers");
    x.linear = x.H * (x.nh + 2 * x.nkv) * x.D + x.nh * x.D * x.H + 3 * x.H * x.I;
    x.other = std::max<int64_t>(0, c.parametersPerLayer() - x.linear);
    x.tied = c.tieWordEmbeddings;
    return x;
}

/** NF4 bytes per weight: 4-bit codes, absmax per 64 (float32, or 8-bit with a float32 per 256 blocks). */
double nf4Bytes(bool doubleQuantization)
{
    return doubleQuantization ? 0.5 + 1.0 / 64 + 4.0 / (64.0 * 256.0) : 0.5 + 4.0 / 64;
}

int64_t blockBytes(const Shape &x, int64_t b, bool nf4, bool doubleQuantization)
{
    const double linear =
        nf4 ? nf4Bytes(doubleQuantization) * static_cast<double>(x.linear) : static_cast<double>(x.linear * b);
    return static_cast<int64_t>(std::ceil(linear)) + x.other * b;
}

/**
 * The part of the model one device holds: `blocks` of the checkpoint's blocks, `kept` of those that run (the
 * first of them the `firstKept`-th running block), the embeddings on the first device, the final norm and head on
 * the last. The whole model on one device is one part with everything.
 */
struct Part
{
    int64_t blocks = 0, kept = 0, firstKept = 0;
    bool first = true, last = true;

    bool spread() const { return !(first && last); }
    /** How many of the running blocks [from, to) this part holds. */
    int64_t keptOf(int64_t from, int64_t to) const
    {
        return std::max<int64_t>(0, std::min(to, firstKept + kept) - std::max(from, firstKept));
    }
};

Part wholeModel(const Shape &x)
{
    return {x.layers, x.kept, 0, true, true};
}

/**
 * Embeddings (first device), the final norm and lm_head (last device), dense in the compute dtype. A tied head
 * is the embeddings themselves on one device, a copy of them on the last of several.
 */
int64_t outerBytes(const Shape &x, int64_t b, const Part &p)
{
    const int64_t head = x.tied && !p.spread() ? 0 : x.V * x.H * b;
    return (p.first ? x.V * x.H * b : 0) + (p.last ? head + x.H * b : 0);
}

/**
 * Attention in float32 with grouped queries has no fused kernel: the math path materialises the scores and
 * probabilities, about 10 bytes per head and query-key pair at its peak (4 of them, the probabilities, kept for
 * a backward pass).
 */
bool mathAttention(const Shape &x, int64_t b)
{
    return b == 4 && x.nkv != x.nh;
}

/**
 * One block's forward over B sequences of T tokens at its peak (its input included): the MLP stage holds x, the
 * attention output, h, the normed h, gate, up, their product and the down projection's output; the attention
 * stage x, its norm, q|k|v, the rotated q and k, the folded q of a masked pass and the output. The unfused ATen
 * path adds a hidden and an intermediate temporary; NF4 one dequantised projection (the largest is H × I).
 */
int64_t blockActivations(const Shape &x, int64_t B, int64_t T, int64_t b, bool nf4)
{
    const int64_t N = B * T;
    const int64_t mlp = 5 * x.H + 3 * x.I;
    const int64_t attention = 3 * x.H + 3 * (x.nh + x.nkv) * x.D + x.nh * x.D;
    return N * b * (std::max(mlp, attention) + x.H + x.I) + (nf4 ? x.H * x.I * b : 0) +
           (mathAttention(x, b) ? 10 * B * x.nh * T * T : 0);
}

/** The boolean mask of a padded pass of B sequences of T tokens over S keys, repeated per GQA group, and its cast. */
int64_t maskBytes(const Shape &x, int64_t B, int64_t T, int64_t S, int64_t b)
{
    return (x.nh / std::max<int64_t>(1, x.nkv)) * B * T * S * (1 + b);
}

MemoryEstimate distances(const Shape &x, const MemorySetup &s, int64_t b, const Part &p)
{
    const int64_t B = std::max<int64_t>(1, s.sequences), T = std::max<int64_t>(1, s.length), N = B * T;
    const int64_t states = x.layers + 1;  // the checkpoint's blocks' states, whatever is pruned
    MemoryEstimate e;
    // Streamed, the blocks come from the checkpoint one at a time: the one running and the next being read.
    e.weights = outerBytes(x, b, p) +
                (s.stream ? std::min<int64_t>(2, x.layers) : p.blocks) * blockBytes(x, b, s.nf4, s.doubleQuantization);
    const int64_t forward = blockActivations(x, B, T, b, s.nf4) + maskBytes(x, B, T, T, b);
    if (s.stream) {
        // One batch of one block: its input and output and, for Block Influence, both in float64 with squares.
        e.activations = 16 * N + std::max(forward, N * x.H * (2 * b + 32));
    } else {
        // Every state of the batch, then the cosines in float64 chunks of at most 1 GiB of states: all on the
        // first device (the embeddings'), whichever device computed them; the others run their blocks only.
        const int64_t chunk = std::min<int64_t>(N, std::max<int64_t>(1, (int64_t{1} << 30) / (states * x.H * 8)));
        const int64_t gram = chunk * states * x.H * 8 + 4 * chunk * states * states * 8 + 8 * N;
        e.activations = p.first ? N * states * x.H * b + std::max(forward, gram) : forward;
    }
    return e;
}

MemoryEstimate evaluation(const Shape &x, const MemorySetup &s, int64_t b, const Part &p)
{
    const int64_t N = std::max<int64_t>(1, s.batchTokens), T = std::max<int64_t>(1, std::min(s.length, N));
    const int64_t B = std::max<int64_t>(1, N / T);
    MemoryEstimate e;
    e.weights = outerBytes(x, b, p) + p.blocks * blockBytes(x, b, s.nf4, s.doubleQuantization);
    // Scoring: the few-shot prefixes' keys and values (a view keeps a dense pass's whole q|k|v alive), twice
    // while one group's cache replaces another's; the questions' keys and values joined to them; logits of the
    // scored positions only. Each layer's keys and values live on its device; the logits on the head's.
    const int64_t kv = s.nf4 ? 2 * x.nkv : x.nh + 3 * x.nkv;
    const int64_t cache = p.kept * N * x.D * b * kv;
    const int64_t scoring = 2 * cache + blockActivations(x, B, T, b, s.nf4) + maskBytes(x, B, T, 2 * T, b) +
                            2 * B * x.nkv * 2 * T * x.D * b + 4 * N * x.nh * x.D * b +
                            (p.last ? 4 * B * x.V * (b + 8) : 0);
    // The held-out loss: whole logits in the compute dtype, then float32 logits and their log_softmax.
    const int64_t loss =
        s.heldOutLoss ? blockActivations(x, B, T, b, s.nf4) + (p.last ? N * x.V * b + 2 * N * x.V * 4 : 0) : 0;
    // Generation: every layer's keys and values for each prompt of the batch, up to the context.
    const int64_t G = s.generationBatch;
    const int64_t generation = G > 0 ? 2 * p.kept * G * x.nkv * T * x.D * b + 9 * G * T +
                                           blockActivations(x, G, T, b, s.nf4) + maskBytes(x, G, T, T, b)
                                     : 0;
    e.activations = std::max({scoring, loss, generation});
    return e;
}

MemoryEstimate healing(const Shape &x, const MemorySetup &s, int64_t b, const Part &p)
{
    const HealingConfig &h = s.healing;
    const int64_t m = std::max<int64_t>(1, h.microBatchSize), T = std::max<int64_t>(2, h.sequenceLength);
    const int64_t N = m * T, r = h.rank;
    const bool lora = h.method == HealingMethod::Lora;
    const bool quantized = s.nf4 || (lora && h.quantization == BaseQuantization::Nf4);
    const int64_t block = x.linear + x.other;
    MemoryEstimate e;
    // QLoRA's base is quantised while loading (heal never holds the dense model whole).
    e.weights = outerBytes(x, b, p) + p.blocks * blockBytes(x, b, quantized, s.doubleQuantization);

    // Trainable parameters on this part, and the layers whose activations backward needs (each on its device).
    const bool all = std::find(h.targetModules.begin(), h.targetModules.end(), "q_proj") != h.targetModules.end();
    int64_t trainable = 0, saving = p.kept;
    bool headTrains = false;  // here: lm_head (the last device) or the embeddings (full, the first) train
    switch (h.method) {
    case HealingMethod::Lora:
        trainable = p.kept * r * (all ? 7 * x.H + 2 * x.nh * x.D + 2 * x.nkv * x.D + 3 * x.I : 3 * (x.H + x.I));
        break;
    case HealingMethod::PartialLayers:  // the last k running blocks, the norm and lm_head
        saving = p.keptOf(x.kept - std::min<int64_t>(h.trainLastLayers, x.kept), x.kept);
        trainable = saving * block + (p.last ? x.H + x.V * x.H : 0);
        headTrains = p.last;
        break;
    case HealingMethod::Full:
        trainable =
            p.kept * block + (p.first ? x.V * x.H : 0) + (p.last ? (x.tied && !p.spread() ? 0 : x.V * x.H) + x.H : 0);
        headTrains = p.first || p.last;
        break;
    case HealingMethod::Blocks:  // the chosen blocks (default: the inserted ones, at least one), wherever they
                                 // are; activations are saved from the first of them on, at most every block
        trainable = std::min(p.kept, std::max<int64_t>(1, static_cast<int64_t>(h.trainBlocks.size()))) * block;
        break;
    }
    // LoRA's float32 factors: value, AdamW's m and v, and a gradient that outlives the step's loss only when
    // micro-batches accumulate. A dense weight: its value and gradient in the compute dtype, a float32 master
    // (itself in float32), m and v, and when micro-batches accumulate a float32 sum of the gradients.
    const bool accumulates = h.batchSize > h.microBatchSize;
    const int64_t dense = 2 * b + (b == 4 ? 0 : 4) + 8 + (accumulates ? 4 : 0);
    e.training = trainable * (lora ? (accumulates ? 16 : 12) : dense);

    // One layer recomputed for its backward: attention and its log-sum-exp, both norms' float32 inputs, the MLP's
    // gate, up and product, LoRA's dropped inputs, a trained layer's inputs of every linear, and the transients.
    int64_t layer = b * N * (2 * x.nh * x.D + 2 * x.nkv * x.D) + 4 * N * x.nh + 2 * (4 * N * x.H + 4 * N) +
                    3 * b * N * x.I + 2 * b * N * x.H + 3 * b * N * x.I +
                    (mathAttention(x, b) ? 4 * m * x.nh * T * T : 0);
    if (lora)
        layer += 2 * b * N * (2 * x.H + x.I) + 3 * b * N * r +
                 (all ? 6 * b * N * x.H + 2 * b * N * x.nh * x.D + 4 * b * N * r : 0);
    else
        layer += b * N * (4 * x.H + x.I);
    const int64_t kept = h.activationCheckpointing ? saving * b * N * x.H : saving * layer;
    const int64_t chunk = std::max<int64_t>(T - 1, 1024);
    // The loss, on the head's device.
    const int64_t loss =
        p.last ? 4 * N * x.H + b * N * x.H + 3 * chunk * x.V * 4 + (headTrains ? 9 * x.V * x.H : 0) : 0;
    const int64_t backward = (h.activationCheckpointing && p.kept > 0 ? layer + (quantized ? x.linear * b : 0) : 0);
    const int64_t optimizer = 12 * (headTrains ? x.V * x.H : std::max(x.H * x.I, r * std::max(x.H, x.I)));
    e.activations = kept + std::max({loss, backward, optimizer});
    return e;
}

}  // namespace

DType acceleratorDType(const std::string &checkpointDtype)
{
    return checkpointDtype == "bfloat16" || checkpointDtype == "float16" ? parseDType(checkpointDtype) : DType::Float32;
}

std::string memoryJobName(MemoryJob job)
{
    switch (job) {
    case MemoryJob::Distances: return "distances";
    case MemoryJob::Evaluation: return "evaluation";
    case MemoryJob::Healing: return "healing";
    }
    return "?";
}

MemorySetup evaluationMemorySetup(const EvalOptions &options)
{
    MemorySetup s;
    s.batchTokens = options.batchTokens;
    s.length = options.lossLength;
    s.heldOutLoss = !options.validationData.empty();
    s.generationBatch = options.gsm8k.empty() ? 0 : options.generationBatch;
    return s;
}

std::vector<MemoryJobSetup> sweepMemorySetups(const SweepOptions &options)
{
    MemorySetup s = evaluationMemorySetup(options.eval);
    std::vector<MemoryJobSetup> jobs{{MemoryJob::Evaluation, s}};
    if (options.healSteps > 0 || (options.perLayer && options.injection.enabled())) {
        s.healing = options.healing;
        if (options.perLayer)
            s.healing.method = HealingMethod::Blocks;  // the probe trains its one new block
        jobs.push_back({MemoryJob::Healing, s});
    }
    return jobs;
}

namespace {

MemoryEstimate estimatePart(const Shape &x, MemoryJob job, const MemorySetup &setup, const Part &p)
{
    const int64_t b = dtypeBytes(setup.dtype);
    MemoryEstimate e;
    switch (job) {
    case MemoryJob::Distances: e = distances(x, setup, b, p); break;
    case MemoryJob::Evaluation: e = evaluation(x, setup, b, p); break;
    case MemoryJob::Healing: e = healing(x, setup, b, p); break;
    }
    // The caching allocator rounds and fragments; kernels (cuBLAS, SDPA) keep workspaces: on every device.
    e.overhead = (e.weights + e.activations + e.training) / 10 + (int64_t{256} << 20);
    return e;
}

}  // namespace

MemoryEstimate estimateMemory(const ModelConfig &config, MemoryJob job, const MemorySetup &setup)
{
    const Shape x = shapeOf(config, setup);
    return estimatePart(x, job, setup, wholeModel(x));
}

std::vector<MemoryEstimate> estimateMemoryPerDevice(const ModelConfig &config, MemoryJob job, const MemorySetup &setup,
                                                    const std::vector<int64_t> &room)
{
    const Shape x = shapeOf(config, setup);
    if (room.size() <= 1)
        return {estimatePart(x, job, setup, wholeModel(x))};
    // Placed as the loader places the checkpoint: by its dense bytes (equal blocks), in proportion to the room.
    const int64_t b = dtypeBytes(setup.dtype);
    std::vector<uint64_t> share;
    for (const int64_t r : room)
        share.push_back(static_cast<uint64_t>(std::max<int64_t>(r, 0)));
    const std::vector<size_t> runs =
        blockRuns(room.size(), std::vector<uint64_t>(static_cast<size_t>(x.layers), blockBytes(x, b, false, false)),
                  static_cast<uint64_t>(x.V * x.H * b), static_cast<uint64_t>(x.V * x.H * b + x.H * b), share);
    std::vector<MemoryEstimate> out;
    int64_t keptSoFar = 0;
    for (size_t d = 0; d < room.size(); ++d) {
        Part p;
        p.blocks = std::count(runs.begin(), runs.end(), d);
        // The pruned blocks are not known here: the running ones spread as the checkpoint's do.
        const auto through = std::count_if(runs.begin(), runs.end(), [&](size_t r) { return r <= d; });
        const int64_t keptThrough = static_cast<int64_t>(through) * x.kept / x.layers;
        p.firstKept = keptSoFar;
        p.kept = keptThrough - keptSoFar;
        keptSoFar = keptThrough;
        p.first = d == 0;
        p.last = d + 1 == room.size();
        out.push_back(estimatePart(x, job, setup, p));
    }
    return out;
}

MemoryRoom MemoryRoom::one(const std::string &device, int64_t availableBytes)
{
    return {{device}, {availableBytes}, {}, {}, {}, {}};
}

bool fitsMemory(const std::vector<MemoryEstimate> &perDevice, const std::vector<int64_t> &available)
{
    for (size_t d = 0; d < perDevice.size(); ++d)
        if (d >= available.size() || perDevice[d].total() > available[d])
            return false;
    return true;
}

MemoryEstimate sumOf(const std::vector<MemoryEstimate> &perDevice)
{
    MemoryEstimate sum;
    for (const MemoryEstimate &e : perDevice) {
        sum.weights += e.weights, sum.activations += e.activations;
        sum.training += e.training, sum.overhead += e.overhead;
    }
    return sum;
}

std::vector<MemoryProposal> memoryProposals(const ModelConfig &config, MemoryJob job, const MemorySetup &setup,
                                            const MemoryRoom &room)
{
    std::vector<MemoryProposal> out;
    const auto fitsOn = [&](const MemorySetup &s, const MemoryRoom &r) {
        return fitsMemory(estimateMemoryPerDevice(config, job, s, r.split()), r.available);
    };
    const auto fits = [&](const MemorySetup &s) { return fitsOn(s, room); };
    if (fits(setup))
        return out;
    const auto add = [&](const MemorySetup &s, std::string change, std::string what, const MemoryRoom &r) {
        const std::vector<MemoryEstimate> perDevice = estimateMemoryPerDevice(config, job, s, r.split());
        out.push_back({std::move(change), std::move(what), s, sumOf(perDevice), r.devices, perDevice});
    };
    const auto addHere = [&](const MemorySetup &s, std::string change, std::string what) {
        add(s, std::move(change), std::move(what), room);
    };
    // The largest batch that fits (halving), from `s`; nullopt when even one sequence or token block does not.
    const auto smallerBatch = [&](MemorySetup s) -> std::optional<MemorySetup> {
        for (;;) {
            int64_t &batch = job == MemoryJob::Distances    ? s.sequences
                             : job == MemoryJob::Evaluation ? s.batchTokens
                                                            : s.healing.microBatchSize;
            const int64_t floor = job == MemoryJob::Evaluation ? 256 : 1;
            if (batch <= floor)
                return std::nullopt;
            batch = std::max(floor, batch / 2);
            if (fits(s))
                return s;
        }
    };
    const auto batchChange = [&](const MemorySetup &s) {
        switch (job) {
        case MemoryJob::Distances:
            return std::make_pair("--batch " + std::to_string(s.sequences),
                                  std::to_string(s.sequences) + " sequences per batch");
        case MemoryJob::Evaluation:
            return std::make_pair("--batch-tokens " + std::to_string(s.batchTokens),
                                  std::to_string(s.batchTokens) + " tokens per batch");
        case MemoryJob::Healing:
            return std::make_pair("--micro-batch " + std::to_string(s.healing.microBatchSize),
                                  std::to_string(s.healing.microBatchSize) + " sequences per micro-batch");
        }
        return std::make_pair(std::string(), std::string());
    };
    if (const auto s = smallerBatch(setup)) {
        const auto [change, what] = batchChange(*s);
        addHere(*s, change, what);
    }
    // Healing without activation checkpointing keeps every layer's activations: checkpointing first.
    if (job == MemoryJob::Healing && !setup.healing.activationCheckpointing) {
        MemorySetup s = setup;
        s.healing.activationCheckpointing = true;
        if (fits(s))
            addHere(s, "without --no-checkpointing", "activation checkpointing");
    }
    // More GPUs, the same numbers: the machine's other GPUs added one at a time until the model fits, the list
    // in the GPUs' order (streamed distances run on one device, so not for those).
    if (!room.spareDevices.empty() && !setup.stream) {
        MemoryRoom more = room;
        more.shares = room.split();
        const auto index = [](const std::string &d) { return d.size() > 5 ? std::atoi(d.c_str() + 5) : 0; };
        for (size_t g = 0; g < room.spareDevices.size() && g < room.spareAvailable.size(); ++g) {
            // Inserted by index: "cuda:0,cuda:1" whichever of them the job was on.
            const auto at = std::find_if(more.devices.begin(), more.devices.end(),
                                         [&](const std::string &d) { return index(d) > index(room.spareDevices[g]); });
            const auto i = at - more.devices.begin();
            more.devices.insert(at, room.spareDevices[g]);
            more.available.insert(more.available.begin() + i, room.spareAvailable[g]);
            more.shares.insert(more.shares.begin() + i,
                               g < room.spareShares.size() ? room.spareShares[g] : room.spareAvailable[g]);
            if (fitsOn(setup, more)) {
                std::string list;
                for (const std::string &d : more.devices)
                    list += (list.empty() ? "" : ",") + d;
                add(setup, "--device " + list, std::to_string(more.devices.size()) + " GPUs", more);
                break;
            }
        }
    }
    // NF4 weights: load-time NF4 for the analyses; QLoRA for LoRA healing (other methods train dense weights).
    const bool lora = setup.healing.method == HealingMethod::Lora;
    const bool canNf4 = job == MemoryJob::Healing
                            ? lora && setup.healing.quantization != BaseQuantization::Nf4 && !setup.nf4
                            : !setup.nf4;
    if (canNf4) {
        MemorySetup s = setup;
        if (job == MemoryJob::Healing)
            s.healing.quantization = BaseQuantization::Nf4;
        else
            s.nf4 = true;
        const std::string change = job == MemoryJob::Healing ? "--quant nf4" : "--nf4";
        if (fits(s)) {
            addHere(s, change, "NF4 weights");
        } else if (const auto smaller = smallerBatch(s)) {
            const auto [batch, what] = batchChange(*smaller);
            addHere(*smaller, change + " " + batch, "NF4 weights and " + what);
        }
    }
    // Streaming keeps one batch of one block's activations, however deep the model; on one device.
    if (job == MemoryJob::Distances && !setup.stream) {
        MemorySetup s = setup;
        s.stream = true;
        const MemoryRoom first = MemoryRoom::one(room.devices.empty() ? std::string() : room.devices.front(),
                                                 room.available.empty() ? 0 : room.available.front());
        const std::string device = room.devices.size() > 1 ? " --device " + first.devices.front() : "";
        if (fitsOn(s, first)) {
            add(s, "--stream" + device, "the blocks streamed over all documents", first);
        } else if (!s.nf4) {
            s.nf4 = true;
            if (fitsOn(s, first))
                add(s, "--stream --nf4" + device, "the blocks streamed, NF4 weights", first);
        }
    }
    return out;
}

std::vector<MemoryProposal> memoryProposals(const ModelConfig &config, MemoryJob job, const MemorySetup &setup,
                                            int64_t availableBytes)
{
    return memoryProposals(config, job, setup, MemoryRoom::one({}, availableBytes));
}

std::string formatBytes(int64_t bytes)
{
    char text[32];
    const double v = static_cast<double>(bytes);
    if (v >= 1e9)
        std::snprintf(text, sizeof text, "%.1f GB", v / 1e9);
    else if (v >= 1e6)
        std::snprintf(text, sizeof text, "%.0f MB", v / 1e6);
    else
        std::snprintf(text, sizeof text, "%.0f kB", v / 1e3);
    return text;
}

std::string memoryAdvice(const ModelConfig &config, MemoryJob job, const MemorySetup &setup, const MemoryRoom &room)
{
    const std::vector<MemoryEstimate> perDevice = estimateMemoryPerDevice(config, job, setup, room.split());
    const auto need = [](const MemoryEstimate &e, const std::string &device) {
        std::string text = formatBytes(e.total()) + " on " + device + " (weights " + formatBytes(e.weights) +
                           ", activations " + formatBytes(e.activations);
        if (e.training > 0)
            text += ", training state " + formatBytes(e.training);
        return text + ")";
    };
    std::string text = memoryJobName(job) + " needs about ";
    std::string has;
    for (size_t d = 0; d < perDevice.size() && d < room.devices.size(); ++d) {
        text += (d == 0 ? "" : d + 1 == perDevice.size() ? " and " : ", ") + need(perDevice[d], room.devices[d]);
        has += (d == 0 ? "" : d + 1 == perDevice.size() ? " and " : ", ") + formatBytes(room.available[d]);
    }
    text += perDevice.size() > 1 ? ", which have " + has + " available" : ", which has " + has + " available";
    const std::vector<MemoryProposal> proposals = memoryProposals(config, job, setup, room);
    if (proposals.empty())
        return text + "; no smaller batch, NF4 weights, more GPUs or streaming would fit it: use GPUs with more "
                      "memory or the CPU";
    text += "; what would fit:";
    for (const MemoryProposal &p : proposals) {
        std::string about = "about " + formatBytes(p.estimate.total());
        if (p.perDevice.size() > 1) {  // each device's part, as each must fit
            about = "about ";
            for (size_t d = 0; d < p.perDevice.size(); ++d)
                about += (d == 0 ? "" : ", ") + formatBytes(p.perDevice[d].total()) + " on " + p.devices[d];
        }
        text += " " + p.change + " (" + p.what + ", " + about + ");";
    }
    text.back() = '.';
    return text;
}

std::string memoryAdvice(const ModelConfig &config, MemoryJob job, const MemorySetup &setup, const std::string &device,
                         int64_t availableBytes)
{
    return memoryAdvice(config, job, setup, MemoryRoom::one(device, availableBytes));
}

}  // namespace lc
