// SPDX-License-Identifier: GPL-3.0-or-later
// The healing loop: packed data, model preparation (NF4 + LoRA, or unfrozen weights), the steps (gradient
// accumulation, clipping, AdamW with warmup and cosine/constant schedules: train/optimizer.h), validation,
// checkpoints and resume (train/healing_checkpoint.h) and the outputs (PEFT adapters, loss.csv, healing.json,
// layercut.json; the output folder's rules in train/healing_output.h).
// Legend: B micro-batch, T sequence length, H hidden, r LoRA rank.
#include "layercut/healing.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "data/packed_dataset.h"
#include "layercut/atomic_file.h"
#include "layercut/checkpoint.h"
#include "layercut/document_ids.h"
#include "layercut/error.h"
#include "layercut/healing_json.h"
#include "layercut/json_file.h"
#include "layercut/model_session.h"
#include "layercut/text_dataset.h"
#include "layercut/tokenizer.h"
#include "model/nf4.h"
#include "model/out_of_memory.h"
#include "prune/prune_record.h"
#include "session/model_session_impl.h"
#include "train/chunked_cross_entropy.h"
#include "train/healing_checkpoint.h"
#include "train/healing_data.h"
#include "train/healing_output.h"
#include "train/healing_state.h"
#include "train/optimizer.h"
#include "train/training_devices.h"

namespace lc {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::optional<Proj> projFromName(const std::string &module)
{
    for (size_t i = 0; i < kProjections; ++i)
        if (module == projName(static_cast<Proj>(i)))
            return static_cast<Proj>(i);
    return std::nullopt;
}

std::string layerPrefix(int64_t index)
{
    return "model.layers." + std::to_string(index) + ".";
}

uint64_t mix(uint64_t seed, uint64_t a, uint64_t b = 0)
{
    uint64_t z = seed ^ (0x9e3779b97f4a7c15ull * (a + 1)) ^ (0xc2b2ae3d27d4eb4full * (b + 1));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// ---- data ----------------------------------------------------------------------------------------------

/** Which packed block is row j of micro-batch m of step s: a fresh seeded permutation per pass over the data. */
class BlockSchedule
{
public:
    BlockSchedule(int64_t blocks, uint64_t seed) : m_blocks(blocks), m_seed(seed) {}

    int64_t block(int64_t globalIndex)
    {
        const int64_t epoch = globalIndex / m_blocks;
        if (epoch != m_epoch) {
            m_order =
                seededPermutation(static_cast<size_t>(m_blocks), mix(m_seed, 1000 + static_cast<uint64_t>(epoch)));
            m_epoch = epoch;
        }
        return static_cast<int64_t>(m_order[static_cast<size_t>(globalIndex % m_blocks)]);
    }

private:
    int64_t m_blocks;
    uint64_t m_seed;
    int64_t m_epoch = -1;
    std::vector<size_t> m_order;
};

at::Tensor blockTensor(const PackedBlocks &blocks, const std::vector<int64_t> &indices, at::Device device)
{
    at::Tensor ids =
        at::empty({static_cast<int64_t>(indices.size()), blocks.length}, at::TensorOptions().dtype(at::kLong));
    for (size_t i = 0; i < indices.size(); ++i)
        std::memcpy(ids[static_cast<int64_t>(i)].data_ptr<int64_t>(), blocks.block(indices[i]),
                    static_cast<size_t>(blocks.length) * sizeof(int64_t));
    return ids.to(device);
}

// ---- model preparation -----------------------------------------------------------------------------------

std::vector<Trainable> attachLora(LlamaModel &model, const PrunePlan &plan, const HealingConfig &c, HealingState &state,
                                  const ProgressFn &progress, const std::stop_token &stop)
{
    std::vector<Proj> targets;
    for (const std::string &m : c.targetModules)
        if (const auto p = projFromName(m))
            targets.push_back(*p);
    const bool quantize = c.quantization == BaseQuantization::Nf4;
    std::vector<Trainable> trainables;
    int64_t done = 0;
    // Named for what takes the time: quantising the base, or (dense base, or NF4 since loading) only the adapters.
    const bool quantizes = quantize && !model.allLayers().empty() && !model.allLayers().front().nf4[0];
    const Stage stage = quantizes ? Stage::Quantizing : Stage::AttachingAdapters;
    if (progress)
        progress({stage, 0, static_cast<int64_t>(plan.kept.size()), 0});
    for (const int64_t index : plan.kept) {
        throwIfStopped(stop);
        DecoderLayerWeights &layer = model.mutableLayers()[static_cast<size_t>(index)];
        std::array<std::vector<int64_t>, kProjections> shapes;
        for (size_t i = 0; i < kProjections; ++i)
            shapes[i] = layer.nf4[i] ? layer.nf4[i]->shape : layer.weight(static_cast<Proj>(i)).sizes().vec();
        const bool loadedNf4 = layer.nf4[0] != nullptr;  // LoadOptions::nf4: quantised while loading
        if (loadedNf4 && !quantize)
            throw Error("the model was loaded with NF4 weights; LoRA on the dense base needs it loaded without NF4");
        if (loadedNf4)
            state.quantized = true;
        if (quantize && !loadedNf4) {
            // QLoRA quantises every linear layer of the block (transformers' Linear4bit everywhere but lm_head);
            // the dense copies go, q|k|v included, so only the NF4 codes stay on the device.
            for (size_t i = 0; i < kProjections; ++i) {
                throwIfStopped(stop);  // a large projection takes a while on the CPU
                layer.nf4[i] = std::make_shared<const Nf4Weight>(
                    quantizeNf4(layer.weight(static_cast<Proj>(i)), c.doubleQuantization));
            }
            for (size_t i = 0; i < kProjections; ++i)
                layer.weight(static_cast<Proj>(i)) = at::Tensor();
            layer.qkvProj = at::Tensor();
            state.quantized = true;
        }
        for (const Proj p : targets) {
            const std::vector<int64_t> &shape = shapes[static_cast<size_t>(p)];  // [out, in]
            const int64_t out = shape[0], in = shape[1];
            // peft's init: A kaiming-uniform with a = √5, i.e. U(±1/√in); B zero. Seeded on the CPU so every
            // device starts from the same adapters.
            at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(
                mix(c.seed, static_cast<uint64_t>(index), static_cast<uint64_t>(p)));
            const double bound = 1.0 / std::sqrt(static_cast<double>(in));
            auto adapter = std::make_shared<LoraAdapter>();
            adapter->a = at::empty({c.rank, in}, at::kFloat)
                             .uniform_(-bound, bound, gen)
                             .to(layer.device())  // the block's own device when the model is spread
                             .requires_grad_(true);
            adapter->b = at::zeros({out, c.rank}, at::TensorOptions().dtype(at::kFloat).device(layer.device()))
                             .requires_grad_(true);
            adapter->scale = c.alpha / static_cast<double>(c.rank);
            adapter->dropout = c.dropout;
            layer.lora[static_cast<size_t>(p)] = adapter;
            const std::string base = layerPrefix(index) + projPath(p);
            trainables.push_back({base + ".lora_A.weight", adapter->a, adapter->a, {}, {}});
            trainables.push_back({base + ".lora_B.weight", adapter->b, adapter->b, {}, {}});
        }
        if (progress)
            progress({stage, ++done, static_cast<int64_t>(plan.kept.size()), 0});
    }
    model.refreshKeptLayers();
    return trainables;
}

/** Makes q, k, v (and their biases) tensors of their own again, so each trains and exports by its name. */
void unfuseQkv(DecoderLayerWeights &layer)
{
    if (layer.qkvProj.defined()) {
        layer.qProj = layer.qProj.clone(), layer.kProj = layer.kProj.clone(), layer.vProj = layer.vProj.clone();
        layer.qkvProj = at::Tensor();
    }
    if (layer.qkvBias.defined()) {
        layer.qBias = layer.qBias.clone(), layer.kBias = layer.kBias.clone(), layer.vBias = layer.vBias.clone();
        layer.qkvBias = at::Tensor();
    }
}

/**
 * The blocks that train without LoRA, numbered in memory: every kept block (full), the last k (partial), or
 * the chosen ones (blocks: as given, else those inserted in memory by the plan in force, else those the
 * folder's layercut.json marks inserted).
 */
std::vector<int64_t> blocksToTrain(const HealingConfig &c, const PrunePlan &plan, const LlamaModel &model,
                                   const fs::path &folder)
{
    if (c.method == HealingMethod::Full)
        return plan.kept;
    if (c.method == HealingMethod::PartialLayers) {
        const auto first = std::max<int64_t>(0, static_cast<int64_t>(plan.kept.size()) - c.trainLastLayers);
        return {plan.kept.begin() + first, plan.kept.end()};
    }
    std::vector<int64_t> blocks = c.trainBlocks;
    const fs::path record = folder / "layercut.json";
    if (blocks.empty())
        for (const int64_t k : plan.kept)
            if (model.allLayers()[static_cast<size_t>(k)].inserted)
                blocks.push_back(k);
    if (blocks.empty()) {
        if (fs::exists(record)) {
            const nlohmann::json j = readJsonFile(record);
            if (j.contains("blocks") && j["blocks"].is_array())
                for (size_t k = 0; k < j["blocks"].size(); ++k)
                    if (j["blocks"][k].is_object() && j["blocks"][k].value("inserted", false))
                        blocks.push_back(static_cast<int64_t>(k));
        }
        if (blocks.empty())
            throw Error("'" + folder.string() + "' has no inserted blocks (its layercut.json, written by `expand`, " +
                        "lists none) and none are inserted in memory: insert some, or name the blocks to train");
    }
    for (const int64_t b : blocks)
        if (!std::binary_search(plan.kept.begin(), plan.kept.end(), b))
            throw Error("block " + std::to_string(b) + " cannot train: the model's blocks are 0–" +
                        std::to_string(plan.sourceLayers - 1) +
                        (plan.prunesAnything() ? ", without the dropped " + PrunePlan::ranges(plan.dropped()) : ""));
    std::sort(blocks.begin(), blocks.end());
    blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
    return blocks;
}

std::vector<Trainable> unfreezeWeights(LlamaModel &model, const std::vector<int64_t> &blocks, const HealingConfig &c,
                                       HealingState &state)
{
    const bool full = c.method == HealingMethod::Full;
    const bool blocksOnly = c.method == HealingMethod::Blocks;
    // What trains must be dense; frozen blocks may stay NF4 (inserted blocks are dense on an NF4 base).
    for (const int64_t index : blocks)
        if (model.allLayers()[static_cast<size_t>(index)].nf4[0])
            throw Error(healingMethodName(c.method) + " fine-tuning trains dense weights; load the model without NF4");
    LlamaWeights &w = model.mutableWeights();
    const bool tied = model.config().tieWordEmbeddings;
    if (c.method == HealingMethod::PartialLayers && tied)
        throw Error(
            "partial fine-tuning trains lm_head, which this model ties to its input embeddings; use LoRA or full "
            "fine-tuning");
    std::vector<Trainable> trainables;
    const auto unfreeze = [&](at::Tensor &t, const std::string &name) {
        if (!t.defined())
            return;
        t.requires_grad_(true);
        trainables.push_back({name, t, floatMaster(t), {}, {}});
        state.trained.push_back({name, t});
    };
    if (full)
        unfreeze(w.embedTokens, "model.embed_tokens.weight");
    // A block's tensors as the checkpoint holds them: what trains is what the export writes back by name
    // (Phi-3's qkv_proj and gate_up_proj whole, the forward pass running them fused).
    std::vector<std::pair<std::string, at::Tensor DecoderLayerWeights::*>> blockTensors;
    for (const ExpectedTensor &t : model.config().expectedTensors())
        if (const auto layer = splitLayerTensorName(t.name); layer && layer->layer == 0)
            for (const auto &[name, slot] : layerTensorSlots())
                if (layer->rest == name)
                    blockTensors.emplace_back(name, slot);
    for (const int64_t index : blocks) {
        DecoderLayerWeights &layer = model.mutableLayers()[static_cast<size_t>(index)];
        if (!model.config().fusedProjections)
            unfuseQkv(layer);
        for (const auto &[name, slot] : blockTensors)
            unfreeze(layer.*slot, layerPrefix(index) + name);
    }
    if (!blocksOnly) {
        unfreeze(w.norm, "model.norm.weight");
        if (!tied)
            unfreeze(w.lmHead, "lm_head.weight");
    }
    model.refreshKeptLayers();
    return trainables;
}

/**
 * Mean token loss of the model on the validation blocks (no dropout, no autograd). Reports
 * Stage::Validating (blocks done); throws lc::Cancelled within half a block of one micro-batch of `stop` firing.
 */
ValidationPoint validationLoss(const LlamaModel &model, const PackedBlocks &blocks, int64_t microBatch, int64_t chunk,
                               int64_t step, const ProgressFn &progress, const std::stop_token &stop)
{
    c10::NoGradGuard noGrad;
    double sum = 0.0;
    int64_t tokens = 0;
    if (progress)
        progress({Stage::Validating, 0, blocks.count(), 0});
    for (int64_t start = 0; start < blocks.count(); start += microBatch) {
        throwIfStopped(stop);
        std::vector<int64_t> indices;
        for (int64_t i = start; i < std::min(blocks.count(), start + microBatch); ++i)
            indices.push_back(i);
        const at::Tensor ids = blockTensor(blocks, indices, model.device());
        const int64_t T = ids.size(1), H = model.config().hiddenSize;
        PassOptions pass;
        pass.lossChunkTokens = chunk;
        pass.stop = stop;
        const at::Tensor hidden = model.trainingHidden(ids, pass).narrow(1, 0, T - 1).reshape({-1, H});
        const at::Tensor next = ids.narrow(1, 1, T - 1).reshape(-1).to(hidden.device());  // on the head's device
        sum += chunkedCrossEntropySum(hidden, model.weights().lmHead, next, chunk, model.config().finalLogitSoftcap)
                   .item<double>();
        tokens += ids.size(0) * (T - 1);
        if (progress)
            progress({Stage::Validating, start + static_cast<int64_t>(indices.size()), blocks.count(), tokens});
    }
    return {step, tokens > 0 ? sum / static_cast<double>(tokens) : std::nan(""), tokens};
}

}  // namespace

DocumentIds healingTrainingDocuments(const ModelSession &session, const HealingConfig &config,
                                     const ProgressFn &progress, std::stop_token stop)
{
    if (!session.isLoaded())
        throw Error("no model is loaded");
    return prepareTrainingData(config, session.tokenizer(), session.info().config.vocabSize, progress, stop).trained;
}

bool isHealed(const ModelSession &session)
{
    return SessionInternals::of(session).healing != nullptr;
}

HealingResult healModel(ModelSession &session, const HealingConfig &c, const HealingCallbacks &cb, std::stop_token stop)
{
    ModelSession::Impl &impl = SessionInternals::of(session);
    c.validate();
    if (!impl.model)
        throw Error("no model is loaded");
    if (impl.healing)
        throw Error("the model in memory was healed already; reload it to heal again");
    // Over devices whose first and last differ, a tied head is a copy of the embeddings on the last one: full
    // fine-tuning, which trains them as one tensor, needs them on one device.
    if (c.method == HealingMethod::Full && impl.model->config().tieWordEmbeddings &&
        impl.placement.first() != impl.placement.last())
        throw Error("full fine-tuning trains the embeddings, which this model ties to its head, as one tensor; over " +
                    impl.info.device +
                    " they are two copies (on the first and the last device): load the model on "
                    "one device, or heal with LoRA");
    LlamaModel &model = *impl.model;
    const PrunePlan plan = impl.plan;
    const at::Device device = model.device();  // the embeddings' (the first of a spread model's devices)
    const BlockPlacement &placement = impl.placement;
    const int64_t T = c.sequenceLength, H = model.config().hiddenSize;
    const int64_t accumulation = c.accumulationSteps();
    const int64_t chunk = std::max<int64_t>(T - 1, 1024);  // rows of logits at once in the loss
    // Before anything takes time: a folder holding another run is not mixed with this one's files.
    const std::string earlier = earlierHealingRun(c);
    if (!earlier.empty() && !c.overwriteOutput)
        throw Error("'" + c.outputDir.string() + "' holds another healing run (" + earlier +
                    "): choose an empty folder, resume from one of its checkpoints, or let this run replace it "
                    "(layercut-cli heal --force)");

    TrainingData data;
    try {
        data = prepareTrainingData(c, impl.tokenizer.get(), model.config().vocabSize, cb.progress, stop);
    } catch (const Cancelled &) {
        throw;
    } catch (const Error &e) {
        if (impl.tokenizer)
            throw;
        throw Error("'" + impl.info.folder.string() + "' has no tokenizer: " + e.what());
    }
    throwIfStopped(stop);

    const std::vector<int64_t> denseBlocks =
        c.method == HealingMethod::Lora ? std::vector<int64_t>() : blocksToTrain(c, plan, model, impl.info.folder);

    // From here on the model changes; the session remembers it (a cancelled run keeps what it learnt), and
    // what it trains on stays out of every later loss sample.
    auto state = std::make_shared<HealingState>();
    state->config = c;
    impl.healing = state;
    impl.trainedDocuments.merge(data.trained);
    std::vector<Trainable> trainables = c.method == HealingMethod::Lora
                                            ? attachLora(model, plan, c, *state, cb.progress, stop)
                                            : unfreezeWeights(model, denseBlocks, c, *state);
    releaseCachedMemory(placement);  // the dense weights that were quantised
    // The peak counts training from here: the dense weights the session loaded before quantising are not
    // part of it (they are while loading; see docs/benchmarks.md).
    resetPeakMemory(placement);

    HealingResult result;
    result.trainTokens = static_cast<int64_t>(data.train.tokens.size());
    result.trainDocuments = static_cast<int64_t>(data.trained.size());
    result.validationSource = data.validationSource;
    result.validationDocuments = data.validationDocuments;
    result.validationExcluded = data.validationExcluded;
    for (const Trainable &t : trainables)
        result.trainableParameters += t.master.numel();
    int64_t startStep = 0;
    if (!c.resumeFrom.empty())
        startStep = resumeCheckpoint(c.resumeFrom, trainables, c, plan, impl.blockPlan, result);
    if (!earlier.empty())
        removeEarlierRun(c.outputDir);  // overwriteOutput: the new run starts, the old one's files go
    if (cb.started)
        cb.started(result.trainableParameters, result);

    const fs::path checkpoints = c.outputDir.empty() ? fs::path() : c.outputDir / "checkpoints";
    if (!c.outputDir.empty())
        fs::create_directories(c.outputDir);
    const auto saveCheckpoint = [&](int64_t step) {
        if (checkpoints.empty())
            return;
        if (cb.progress)
            cb.progress({Stage::WritingCheckpoint, 0, 1, 0});
        fs::create_directories(checkpoints);
        result.lastCheckpoint = checkpoints / checkpointName(step);
        writeCheckpoint(result.lastCheckpoint, session, trainables, c, result, step);
    };
    // A stop anywhere (between steps, within a micro-batch, during a validation) ends the run cleanly: what
    // it learnt stays, and the outputs below are written.
    bool stopped = false;
    // Validation passes are timed apart from the steps, so that the time left counts those still to come.
    double validationSeconds = 0.0;
    int64_t validations = 0;
    const auto validate = [&](int64_t step) {
        if (data.validation.count() == 0)
            return;
        const auto begin = Clock::now();
        ValidationPoint v;
        try {
            v = validationLoss(model, data.validation, c.microBatchSize, chunk, step, cb.progress, stop);
        } catch (const Cancelled &) {
            stopped = true;
            return;
        }
        validationSeconds += std::chrono::duration<double>(Clock::now() - begin).count();
        ++validations;
        result.validation.push_back(v);
        if (cb.validated)
            cb.validated(v);
    };
    // Validations after steps first .. c.steps: every evalEvery-th step and the last.
    const auto validationsFrom = [&](int64_t first) -> int64_t {
        if (data.validation.count() == 0 || first > c.steps)
            return 0;
        const int64_t every = c.evalEvery > 0 ? (c.steps / c.evalEvery - (first - 1) / c.evalEvery) : 0;
        return every + (c.evalEvery > 0 && c.steps % c.evalEvery == 0 ? 0 : 1);
    };

    BlockSchedule schedule(data.train.count(), c.seed);
    double seconds = 0.0;
    int64_t tokensThisRun = 0;
    int64_t step = startStep;
    try {
        if (startStep == 0)
            validate(0);  // the pruned model before healing: where the curve starts
        for (; step < c.steps && !stopped; ++step) {
            while (cb.paused && cb.paused() && !stop.stop_requested())
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (stop.stop_requested()) {
                stopped = true;
                break;
            }
            const auto begin = Clock::now();
            double lossSum = 0.0;
            const double targets = static_cast<double>(c.batchSize * (T - 1));
            for (int64_t micro = 0; micro < accumulation && !stopped; ++micro) {
                std::vector<int64_t> indices;
                for (int64_t j = 0; j < c.microBatchSize; ++j)
                    indices.push_back(schedule.block(step * c.batchSize + micro * c.microBatchSize + j));
                const at::Tensor ids = blockTensor(data.train, indices, device);  // (B, T)
                PassOptions pass;
                pass.training = true;
                pass.checkpointing = c.activationCheckpointing;
                pass.dropoutSeed = mix(c.seed, static_cast<uint64_t>(step), static_cast<uint64_t>(micro));
                pass.lossChunkTokens = chunk;
                pass.stop = stop;  // seen between blocks in both passes: one micro-batch can take minutes on a CPU
                try {
                    throwIfStopped(stop);
                    const at::Tensor hidden = model.trainingHidden(ids, pass).narrow(1, 0, T - 1).reshape({-1, H});
                    // the next tokens on the head's device (a spread model's last)
                    const at::Tensor next = ids.narrow(1, 1, T - 1).reshape(-1).to(hidden.device());
                    const at::Tensor loss = chunkedCrossEntropySum(hidden, model.weights().lmHead, next, chunk,
                                                                   model.config().finalLogitSoftcap);
                    throwIfStopped(stop);  // between the forward and the backward pass
                    (loss / targets).backward();
                    accumulateGradients(trainables);
                    lossSum += loss.item<double>();
                } catch (const Cancelled &) {
                    stopped = true;
                }
            }
            if (stopped) {
                zeroGrads(trainables);  // a half-accumulated step is dropped
                break;
            }
            const double norm = gradNorm(trainables);
            const double clip = c.maxGradNorm > 0 && norm > c.maxGradNorm ? c.maxGradNorm / (norm + 1e-6) : 1.0;
            const double lr = learningRateAt(c, step);
            adamwStep(trainables, c, lr, step + 1, clip);
            zeroGrads(trainables);

            synchronize(placement);  // the optimizer's kernels belong to this step's time
            seconds += std::chrono::duration<double>(Clock::now() - begin).count();
            tokensThisRun += c.batchSize * T;
            const MemoryStats memory = memoryStats(placement);
            const double tokensPerSecond = seconds > 0 ? static_cast<double>(tokensThisRun) / seconds : 0.0;
            // The time left: the steps to go at this run's mean step time, and the validations to come at
            // their mean time; before the first one is measured (a resumed run), a forward pass over the
            // validation tokens at a third of the training rate's time (a step is a forward and a backward pass).
            const double perValidation =
                validations > 0       ? validationSeconds / static_cast<double>(validations)
                : tokensPerSecond > 0 ? static_cast<double>(data.validation.tokens.size()) / tokensPerSecond / 3.0
                                      : 0.0;
            const double secondsLeft =
                seconds / static_cast<double>(step + 1 - startStep) * static_cast<double>(c.steps - step - 1) +
                perValidation * static_cast<double>(validationsFrom(step + 1));
            const HealingStep s{step + 1, c.steps,         lossSum / targets, lr,          norm,       tokensThisRun,
                                seconds,  tokensPerSecond, memory.current,    memory.peak, secondsLeft};
            result.steps.push_back(s);
            if (cb.stepFinished)
                cb.stepFinished(s);
            const bool last = step + 1 == c.steps;
            if (last || (c.evalEvery > 0 && (step + 1) % c.evalEvery == 0))
                validate(step + 1);
            if (!stopped && !last && c.checkpointEvery > 0 && (step + 1) % c.checkpointEvery == 0)
                saveCheckpoint(step + 1);
        }
    } catch (const Error &) {
        zeroGrads(trainables);
        throw;
    } catch (const std::exception &e) {
        zeroGrads(trainables);
        throwIfOutOfMemory(e, impl.deviceName(),
                           "training micro-batches of " + std::to_string(c.microBatchSize) + " × " + std::to_string(T) +
                               " tokens",
                           "use a smaller micro-batch (gradient accumulation keeps the global batch), a shorter "
                           "sequence length, fewer LoRA targets, activation checkpointing, or NF4 base weights");
        throw;
    }
    result.cancelled = stopped || step < c.steps;

    if (!c.outputDir.empty()) {
        if (!result.steps.empty() &&
            (result.lastCheckpoint.empty() || result.lastCheckpoint.filename() != checkpointName(step)))
            saveCheckpoint(step);
        writeLossCsv(c.outputDir / "loss.csv", result.steps, result.validation);
        data.trained.save(c.outputDir / kTrainedDocumentsFile);
        if (c.method == HealingMethod::Lora) {
            writePeftAdapter(session, c.outputDir);
            result.adapterDir = c.outputDir;
        }
        // As run: the blocks that trained, when layercut.json chose them.
        HealingConfig ran = c;
        if (c.method == HealingMethod::Blocks)
            ran.trainBlocks = denseBlocks;
        writeHealingSummary(c.outputDir, impl.info.folder, plan, ran, result, seconds);
        // As a pruned export has: which layers of which checkpoint the adapters were trained on.
        nlohmann::ordered_json record = impl.blockPlan.insertsAnything()
                                            ? expandRecord(impl.info.folder, impl.blockPlan)
                                            : pruneRecord(impl.info.folder, plan,
                                                          plan.method == strategyName(PruneStrategy::Similarity)
                                                              ? std::optional(DistanceMetric::Angular)
                                                              : std::nullopt);
        record["healing"] = healingConfigToJson(ran);
        writeFileAtomically(c.outputDir / "layercut.json", record.dump(2) + "\n");
    }
    return result;
}

}  // namespace lc
