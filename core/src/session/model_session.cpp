// SPDX-License-Identifier: GPL-3.0-or-later
// The torch-free facade over config, checkpoint, tokenizer and model.
#include "layercut/model_session.h"

#include <algorithm>
#include <cmath>

#include "layercut/checkpoint.h"
#include "layercut/device_memory.h"
#include "layercut/error.h"
#include "layercut/memory_plan.h"
#include "model/cpu_passes.h"
#include "model/block_placement.h"
#include "model/out_of_memory.h"
#include "model/weight_loader.h"
#include "model/block_layout.h"
#include "session/model_session_impl.h"
#include "train/healing_state.h"

namespace lc {

TokenBatch TokenBatch::single(const std::vector<int64_t> &ids)
{
    return padded({ids});
}

TokenBatch TokenBatch::padded(const std::vector<std::vector<int64_t>> &sequences, int64_t padId)
{
    TokenBatch b;
    b.batch = static_cast<int64_t>(sequences.size());
    for (const auto &s : sequences)
        b.length = std::max<int64_t>(b.length, static_cast<int64_t>(s.size()));
    b.ids.assign(static_cast<size_t>(b.batch * b.length), padId);
    b.mask.assign(b.ids.size(), 0);
    for (size_t i = 0; i < sequences.size(); ++i)
        for (size_t t = 0; t < sequences[i].size(); ++t) {
            b.ids[i * static_cast<size_t>(b.length) + t] = sequences[i][t];
            b.mask[i * static_cast<size_t>(b.length) + t] = 1;
        }
    return b;
}

ModelSession::ModelSession() : m_impl(std::make_unique<Impl>()) {}
ModelSession::~ModelSession() = default;

bool ModelSession::cudaAvailable()
{
    return at::hasCUDA();
}

namespace {

/** The summary of `folder` whose weights `ckpt` holds. */
ModelInfo describe(const std::filesystem::path &folder, const ModelConfig &config, const Checkpoint &ckpt)
{
    namespace fs = std::filesystem;
    ModelInfo info;
    info.folder = folder;
    info.config = config;
    info.family = familyName(info.config.family);
    info.parameterCount = ckpt.totalParameters();
    info.checkpointBytes = ckpt.totalBytes();
    info.shardCount = static_cast<int>(ckpt.files().size());
    const std::string dominant = ckpt.dominantDtype();
    // Unusual stored types (I64, U8, ...) are shown as written; loading refuses them by tensor name.
    info.checkpointDtype = storedDtypeName(dominant);
    // architectures[0] is informative only; model_type decides the implementation.
    info.architecture = info.config.architecture.empty() ? info.config.modelType : info.config.architecture;
    if (fs::exists(folder / "tokenizer.json") || fs::exists(folder / "tokenizer.model"))
        info.tokenizerKind = fs::exists(folder / "tokenizer.json") ? "tokenizer.json" : "tokenizer.model";
    return info;
}

void requireFolder(const std::filesystem::path &folder)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec))
        throw Error("'" + folder.string() + "': " + (ec ? ec.message() : std::string("not a folder")));
}

/**
 * The blocks over `devices` in proportion to the room each has now (free memory; equal shares where that is not
 * known, as for the CPU), by the checkpoint's bytes per block.
 */
BlockPlacement placeOver(const std::vector<at::Device> &devices, const Checkpoint &ckpt, const ModelConfig &config)
{
    std::vector<uint64_t> blockBytes(static_cast<size_t>(config.numLayers), 0);
    uint64_t first = 0, last = 0;
    for (const auto &e : config.expectedTensors()) {
        const TensorEntry *entry = ckpt.find(e.name).first;
        if (!entry)  // the loader names what is missing
            continue;
        if (const auto layer = splitLayerTensorName(e.name))
            blockBytes.at(static_cast<size_t>(layer->layer)) += entry->byteSize();
        else
            (e.name == "model.embed_tokens.weight" ? first : last) += entry->byteSize();
    }
    if (config.tieWordEmbeddings)
        last += first;  // the head is a copy of the embeddings on the last device
    std::vector<uint64_t> room;
    for (const at::Device &d : devices) {
        const std::optional<int64_t> usable = usableMemory(d.str());
        if (!usable) {
            room.clear();
            break;
        }
        room.push_back(static_cast<uint64_t>(std::max<int64_t>(*usable, 0)));
    }
    return placeBlocks(devices, blockBytes, first, last, room);
}

}  // namespace

ModelInfo ModelSession::inspect(const std::filesystem::path &folder)
{
    requireFolder(folder);
    const ModelConfig config = ModelConfig::fromFile(folder / "config.json");
    return describe(folder, config, Checkpoint::open(folder));
}

DType ModelSession::computeDType(const ModelInfo &info, const LoadOptions &options)
{
    return options.dtype.value_or(
        parseDevices(options.device).front().is_cpu() ? DType::Float32 : acceleratorDType(info.checkpointDtype));
}

ModelInfo ModelSession::load(const std::filesystem::path &folder, const LoadOptions &options,
                             const ProgressFn &progress, std::stop_token stop)
try {
    // Everything that can be checked without the weights comes first, so a folder that cannot be opened
    // leaves the model in memory (and the window showing it) as it was.
    requireFolder(folder);
    const ModelConfig config = ModelConfig::fromFile(folder / "config.json");
    const std::vector<at::Device> devices = parseDevices(options.device);
    const at::Device device = devices.front();
    if (devices.size() > 1 && options.blocksOnDemand)
        throw Error("streamed distances run on one device, not on '" + options.device + "'");
    if (progress)
        progress({Stage::OpeningCheckpoint, 0, 1});
    const Checkpoint ckpt = Checkpoint::open(folder);
    ModelInfo info = describe(folder, config, ckpt);
    const DType dtype = computeDType(info, options);
    std::unique_ptr<Tokenizer> tokenizer;
    if (!info.tokenizerKind.empty()) {
        tokenizer = loadTokenizer(folder);
        info.tokenizerKind = tokenizer->kind();
    }
    // A model healed by LayerCut names the documents it was trained on; they stay out of its loss samples.
    DocumentIds trained;
    if (std::filesystem::exists(folder / kTrainedDocumentsFile))
        trained = DocumentIds::load(folder / kTrainedDocumentsFile);
    throwIfStopped(stop);
    unload();  // the device's memory goes to the new weights
    const BlockPlacement placement = devices.size() > 1 ? placeOver(devices, ckpt, info.config)
                                                        : BlockPlacement::single(device, info.config.numLayers);
    LlamaWeights weights =
        options.blocksOnDemand
            ? loadLlamaWeightsWithoutBlocks(ckpt, info.config, device, toScalarType(dtype), progress, stop)
        : options.nf4 ? loadLlamaWeightsNf4(ckpt, info.config, placement, toScalarType(dtype),
                                            options.nf4DoubleQuantization, progress, stop)
                      : loadLlamaWeights(ckpt, info.config, placement, toScalarType(dtype), progress, stop);
    info.weightStorage = options.nf4 ? "nf4" : "";
    info.device = device.str();
    for (size_t d = 1; d < devices.size(); ++d)
        info.device += "," + devices[d].str();
    for (size_t d = 0; placement.spread() && d < placement.devices.size(); ++d) {
        const auto &runs = placement.blockDevice;
        const auto first = std::find(runs.begin(), runs.end(), d);
        info.placement.push_back(
            {placement.devices[d].str(), first - runs.begin(), std::count(runs.begin(), runs.end(), d)});
    }
    info.computeDtype = dtypeName(dtype);
    m_impl->model.emplace(info.config, std::move(weights));
    m_impl->tokenizer = std::move(tokenizer);
    m_impl->info = info;
    m_impl->plan = PrunePlan::keepAll(info.config.numLayers);
    m_impl->blockPlan = BlockPlan::of(m_impl->plan);
    m_impl->trainedDocuments = std::move(trained);
    if (options.blocksOnDemand)
        m_impl->blockSource = ckpt;
    m_impl->loaded = options;
    m_impl->placement = placement;
    return info;
} catch (const std::exception &e) {
    throwIfOutOfMemory(e, options.device, "loading the weights of '" + folder.string() + "'",
                       "load them in bfloat16 or float16 rather than float32, as NF4 (QLoRA's storage), or on a "
                       "device with more free memory");
    throw;
}

void ModelSession::unload()
{
    m_impl->model.reset();
    m_impl->tokenizer.reset();
    m_impl->info = {};
    m_impl->plan = {};
    m_impl->blockPlan = {};
    m_impl->healing.reset();
    m_impl->trainedDocuments = {};
    m_impl->blockSource.reset();
    m_impl->loaded = {};
    m_impl->placement = {};
}

const DocumentIds &ModelSession::trainedDocuments() const
{
    return m_impl->trainedDocuments;
}

bool ModelSession::isLoaded() const
{
    return m_impl->model.has_value();
}

const ModelInfo &ModelSession::info() const
{
    return m_impl->info;
}

const Tokenizer *ModelSession::tokenizer() const
{
    return m_impl->tokenizer.get();
}

DecoderLayerWeights ModelSession::Impl::fetchBlock(int64_t index, const std::stop_token &stop) const
{
    if (!model || !blockSource)
        throw Error("internal: no blocks to fetch from a checkpoint");
    return loadLlamaBlock(*blockSource, info.config, index, model->device(), model->dtype(), loaded.nf4,
                          loaded.nf4DoubleQuantization, stop);
}

std::pair<at::Tensor, at::Tensor> ModelSession::Impl::toTensors(const TokenBatch &batch) const
{
    if (!model)
        throw Error("no model is loaded");
    if (batch.batch <= 0 || batch.length <= 0 || batch.ids.size() != static_cast<size_t>(batch.batch * batch.length))
        throw Error("token batch is empty or its ids do not fill [batch, length]");
    if (!batch.mask.empty() && batch.mask.size() != batch.ids.size())
        throw Error("token batch mask does not match its ids");
    const int64_t vocab = model->config().vocabSize;
    for (const int64_t id : batch.ids)
        if (id < 0 || id >= vocab)
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(vocab));
    const auto opts = at::TensorOptions().dtype(at::kLong);
    at::Tensor ids = at::from_blob(const_cast<int64_t *>(batch.ids.data()), {batch.batch, batch.length}, opts)
                         .to(model->device(), at::kLong, false, true);
    at::Tensor mask;
    if (!batch.mask.empty())
        mask = at::from_blob(const_cast<int64_t *>(batch.mask.data()), {batch.batch, batch.length}, opts)
                   .to(model->device(), at::kLong, false, true);
    return {ids, mask};
}

ForwardResult ModelSession::forward(const TokenBatch &batch, const ForwardOptions &options)
try {
    const auto [ids, mask] = m_impl->toTensors(batch);
    const LlamaModel &model = *m_impl->model;
    c10::InferenceMode inference;  // thread-local: set on the calling (compute) thread
    std::vector<at::Tensor> states;
    StateVisitor visit;
    if (options.states)
        visit = [&](int64_t, const at::Tensor &x) { states.push_back(x.to(at::kCPU, at::kFloat, false, true)); };
    const at::Tensor logits = model.forward(ids, mask, visit, options.logits);

    ForwardResult r;
    r.batch = batch.batch;
    r.length = batch.length;
    r.vocab = model.config().vocabSize;
    r.hidden = model.config().hiddenSize;
    r.numStates = static_cast<int64_t>(model.weights().layers.size()) + 1;
    if (options.logits) {
        const at::Tensor l = logits.to(at::kCPU, at::kFloat, false, true).contiguous();
        r.logits.assign(l.data_ptr<float>(), l.data_ptr<float>() + l.numel());
    }
    if (options.states) {
        const at::Tensor s = at::stack(states, 1).contiguous();  // (B, L+1, T, H)
        r.states.assign(s.data_ptr<float>(), s.data_ptr<float>() + s.numel());
    }
    return r;
} catch (const std::exception &e) {
    throwIfOutOfMemory(e, m_impl->deviceName(),
                       "running " + std::to_string(batch.batch) + " sequences of " + std::to_string(batch.length) +
                           " tokens",
                       "run fewer or shorter sequences at a time");
    throw;
}

void ModelSession::applyPrunePlan(const PrunePlan &plan)
{
    applyBlockPlan(BlockPlan::of(plan));
    m_impl->plan = plan;  // the same blocks and numbers, with what chose them (recorded with healing runs)
}

void ModelSession::applyBlockPlan(const BlockPlan &plan)
{
    if (!m_impl->model)
        throw Error("no model is loaded");
    const int64_t L = m_impl->info.config.numLayers;
    if (plan.sourceLayers != L)
        throw Error("the plan is for a model of " + std::to_string(plan.sourceLayers) + " layers; this one has " +
                    std::to_string(L));
    plan.validate();
    LlamaModel &model = *m_impl->model;
    const BlockPlan layout = plan.layout(), currentLayout = m_impl->blockPlan.layout();
    if (layout != currentLayout) {
        if (m_impl->healing)
            throw Error("blocks cannot be inserted or removed once the model in memory is healed: export it and "
                        "open the export, or open the model afresh");
        model.setBlocks(layoutBlocks(model.allLayers(), currentLayout, layout, m_impl->info.config),
                        configForLayout(m_impl->info.config, layout));
    }
    PrunePlan kept;
    kept.sourceLayers = layout.size();
    kept.kept = plan.layoutIndices();
    kept.method = plan.insertsAnything() ? "expand" : "list";
    model.keepLayers(kept.kept);
    m_impl->plan = kept;
    m_impl->blockPlan = plan;
}

const PrunePlan &ModelSession::prunePlan() const
{
    return m_impl->plan;
}

const BlockPlan &ModelSession::blockPlan() const
{
    return m_impl->blockPlan;
}

LossResult ModelSession::languageModelLoss(const std::vector<std::vector<int64_t>> &sequences, int64_t batchSize,
                                           const ProgressFn &progress, std::stop_token stop)
try {
    if (!m_impl->model)
        throw Error("no model is loaded");
    const LlamaModel &model = *m_impl->model;
    c10::InferenceMode inference;
    double sum = 0.0;
    LossResult r;
    const auto total = static_cast<int64_t>(sequences.size());
    const auto step = static_cast<size_t>(std::max<int64_t>(1, batchSize));
    const int64_t passTokens = passTokenLimit(model.device());
    for (size_t start = 0; start < sequences.size(); start += step) {
        throwIfStopped(stop);
        std::vector<std::vector<int64_t>> batch;
        for (size_t i = start; i < std::min(sequences.size(), start + step); ++i)
            if (sequences[i].size() >= 2)  // one token predicts nothing
                batch.push_back(sequences[i]);
        // On the CPU in passes of about a thousand tokens, so a stop is seen soon (the sums do not change).
        std::vector<int64_t> lengths;
        for (const auto &s : batch)
            lengths.push_back(static_cast<int64_t>(s.size()));
        for (const auto &[first, last] : passRanges(lengths, passTokens)) {
            const auto from = batch.begin() + static_cast<std::ptrdiff_t>(first);
            const auto [ids, mask] =
                m_impl->toTensors(TokenBatch::padded({from, from + static_cast<std::ptrdiff_t>(last - first)}));
            const int64_t T = ids.size(1);
            // (B, T-1, V): position t predicts t+1
            const at::Tensor logits = model.forward(ids, mask, {}, true, LayerSet::Kept, stop).narrow(1, 0, T - 1);
            // (B, T-1), where the logits are (the last device of several)
            const at::Tensor targets = ids.narrow(1, 1, T - 1).to(logits.device());
            const at::Tensor real = mask.narrow(1, 1, T - 1).to(logits.device(), at::kFloat);  // a real target
            // float32 log-softmax, as transformers' loss upcasts the logits.
            const at::Tensor nll =
                -at::log_softmax(logits.to(at::kFloat), -1).gather(-1, targets.unsqueeze(-1)).squeeze(-1);
            sum += (nll * real).sum().item<double>();
            r.tokens += real.sum().item<int64_t>();
            r.sequences += static_cast<int64_t>(last - first);
        }
        if (progress)
            progress({Stage::MeasuringLoss, static_cast<int64_t>(std::min(sequences.size(), start + step)), total,
                      r.tokens});
    }
    r.loss = r.tokens > 0 ? sum / static_cast<double>(r.tokens) : std::nan("");
    return r;
} catch (const std::exception &e) {
    throwIfOutOfMemory(e, m_impl->deviceName(),
                       "measuring the loss on batches of up to " + std::to_string(batchSize) + " documents",
                       "use a smaller batch or shorter documents");
    throw;
}

}  // namespace lc
