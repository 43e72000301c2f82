// SPDX-License-Identifier: GPL-3.0-or-later
// Export of a pruned checkpoint: tensors are streamed from the source's memory maps (converted through
// ATen only when a dtype change is asked for), layers renumbered, shards laid out as transformers'
// save_pretrained lays them out, everything written in a temporary folder that is renamed at the end.
#include "layercut/model_export.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "layercut/atomic_file.h"
#include "layercut/block_plan.h"
#include "layercut/checkpoint.h"
#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/model_config.h"
#include "layercut/staged_output.h"
#include "model/torch_compat.h"
#include "prune/prune_record.h"

namespace lc {
namespace {

namespace fs = std::filesystem;

/** One tensor of the export: where its bytes come from and what it is called in the new folder. */
struct PlannedTensor
{
    std::string name;
    std::string memoryName;  // in a session with the plan in force (BlockPlan::layout() numbering): what replace takes
    const TensorEntry *entry = nullptr;
    std::string dtype;  // dtype written
    uint64_t bytes = 0;
    // An inserted block's tensor: zero (o_proj, down_proj), or the mean of `entry` and `partner` (the same
    // tensor of the next block), or with neither a copy of `entry`.
    bool zero = false;
    const TensorEntry *partner = nullptr;
};

bool isFloating(const std::string &dtype)
{
    return dtype == "F32" || dtype == "BF16" || dtype == "F16" || dtype == "F64";
}

/** Files of the source folder that are weights in some format, or rewritten by the export. */
bool isWeightOrRewritten(const fs::path &file)
{
    static const std::set<std::string> names = {"config.json", "layercut.json", "model.safetensors.index.json",
                                                "pytorch_model.bin.index.json"};
    static const std::set<std::string> extensions = {".safetensors", ".bin",  ".pt",      ".pth",
                                                     ".ckpt",        ".gguf", ".msgpack", ".h5"};
    return names.count(file.filename().string()) || extensions.count(file.extension().string());
}

/**
 * config.json for a model whose block k takes its settings from the checkpoint's block sources[k]:
 * num_hidden_layers = K; `layer_types` (and any other per-layer list) takes each block's source entry;
 * `max_window_layers` counts the blocks below the old bound; dtype keys follow a conversion.
 */
nlohmann::json configFor(nlohmann::json config, int64_t sourceLayers, const std::vector<int64_t> &sources,
                         const std::optional<DType> &dtype)
{
    const auto L = static_cast<size_t>(sourceLayers);
    // A per-layer setting given only as a default pattern (SmolLM3's every no_rope_layer_interval-th layer
    // without RoPE; Gemma's local/global alternation) would not follow the blocks: the list is written out,
    // as ModelConfig reads the pattern, then kept in step below.
    const std::string type = config.value("model_type", "");
    const auto absent = [&](const char *key) { return !config.contains(key) || config[key].is_null(); };
    if (type == "smollm3" && absent("no_rope_layers")) {
        nlohmann::json list = nlohmann::json::array();
        for (const bool rope : ModelConfig::fromJson(config, "config.json").ropeLayers)
            list.push_back(rope ? 1 : 0);
        config["no_rope_layers"] = list;
    }
    if ((type == "gemma2" || type == "gemma3_text") && absent("layer_types")) {
        nlohmann::json list = nlohmann::json::array();
        for (const bool sliding : ModelConfig::fromJson(config, "config.json").slidingLayers)
            list.push_back(sliding ? "sliding_attention" : "full_attention");
        config["layer_types"] = list;
    }
    config["num_hidden_layers"] = sources.size();
    for (auto it = config.begin(); it != config.end(); ++it) {
        const bool perLayer =
            it.value().is_array() && it.value().size() == L && it.key().find("layer") != std::string::npos;
        if (!perLayer)
            continue;
        nlohmann::json kept = nlohmann::json::array();
        for (const int64_t i : sources)
            kept.push_back(it.value()[static_cast<size_t>(i)]);
        it.value() = kept;
    }
    if (config.contains("max_window_layers") && config["max_window_layers"].is_number_integer()) {
        const int64_t bound = config["max_window_layers"].get<int64_t>();
        int64_t below = 0;
        for (const int64_t i : sources)
            below += i < bound ? 1 : 0;
        config["max_window_layers"] = below;
    }
    if (dtype) {
        for (const char *key : {"torch_dtype", "dtype"})
            if (config.contains(key))
                config[key] = dtypeName(*dtype);
    }
    return config;
}

std::string utcNow()
{
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string shardName(size_t index, size_t count)
{
    if (count == 1)
        return "model.safetensors";
    char name[64];
    std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", index + 1, count);
    return name;
}

/** The export of `plan`'s blocks; `record` is layercut.json's content (dtype and history are added here). */
ExportResult exportBlocks(const fs::path &source, const BlockPlan &plan, nlohmann::ordered_json record,
                          const fs::path &targetIn, const ExportOptions &options, const ProgressFn &progress,
                          std::stop_token stop)
{
    fs::path target = fs::absolute(targetIn).lexically_normal();
    if (target.filename().empty() && target.has_relative_path())
        target = target.parent_path();  // "pruned/", as a shell completes a folder's name
    if (target.filename().empty())
        throw Error("'" + targetIn.string() + "': not a folder name");
    if (fs::exists(target) && !options.overwrite)
        throw Error("'" + target.string() + "' already exists; choose another folder or allow replacing it");
    if (fs::exists(target) && fs::equivalent(target, source))
        throw Error("'" + target.string() + "' is the source folder; export to another one");
    if (progress)
        progress({Stage::OpeningCheckpoint, 0, 1, 0});
    const ModelConfig config = ModelConfig::fromFile(source / "config.json");
    if (plan.sourceLayers != config.numLayers)
        throw Error("the plan is for " + std::to_string(plan.sourceLayers) + " layers but '" +
                    (source / "config.json").string() + "' has " + std::to_string(config.numLayers));
    plan.validate();
    const Checkpoint checkpoint = Checkpoint::open(source);
    checkpoint.checkAgainst(config);  // a missing or mis-shaped tensor would be exported as it is, silently

    // Tensors in the order save_pretrained writes them: embeddings, layers by new index, the rest.
    // An original block's tensors go to its new index; a block inserted after it gets a planned copy of each.
    std::map<int64_t, int64_t> newIndex;
    std::multimap<int64_t, std::pair<int64_t, BlockInit>> insertedAfter;  // source -> (new index, init)
    const std::vector<int64_t> memoryIndex = plan.layoutIndices();
    const auto memoryName = [&](int64_t k, const std::string &rest) {
        return "model.layers." + std::to_string(memoryIndex[static_cast<size_t>(k)]) + "." + rest;
    };
    for (int64_t k = 0; k < plan.size(); ++k) {
        const PlannedBlock &b = plan.blocks[static_cast<size_t>(k)];
        if (b.inserted)
            insertedAfter.insert({b.source, {k, b.init}});
        else
            newIndex[b.source] = k;
    }
    std::vector<std::pair<std::tuple<int, int64_t, std::string>, PlannedTensor>> ordered;
    for (const std::string &name : checkpoint.tensorNames()) {
        const TensorEntry *entry = checkpoint.find(name).first;
        PlannedTensor t{name, name, entry, entry->dtype, entry->byteSize()};
        if (options.dtype && isFloating(entry->dtype)) {
            t.dtype = safetensorsName(*options.dtype);
            t.bytes = static_cast<uint64_t>(entry->numel()) * safetensorsElementSize(t.dtype);
        }
        if (const auto layer = splitLayerTensorName(name)) {
            const auto [from, to] = insertedAfter.equal_range(layer->layer);
            for (auto n = from; n != to; ++n) {
                const auto [k, init] = n->second;
                PlannedTensor copy = t;
                copy.name = "model.layers." + std::to_string(k) + "." + layer->rest;
                copy.memoryName = memoryName(k, layer->rest);
                copy.zero = isFloating(entry->dtype) && zeroedInInsertedBlock(layer->rest);
                const std::string next = "model.layers." + std::to_string(layer->layer + 1) + "." + layer->rest;
                if (!copy.zero && init == BlockInit::Average && isFloating(entry->dtype))
                    copy.partner = checkpoint.find(next).first;  // none after the last block: a copy
                ordered.push_back({{1, k, layer->rest}, copy});
            }
            const auto it = newIndex.find(layer->layer);
            if (it == newIndex.end())
                continue;  // a dropped layer
            t.name = "model.layers." + std::to_string(it->second) + "." + layer->rest;
            t.memoryName = memoryName(it->second, layer->rest);
            ordered.push_back({{1, it->second, layer->rest}, t});
        } else {
            ordered.push_back({{name.find("embed") != std::string::npos ? 0 : 2, 0, name}, t});
        }
    }
    std::sort(ordered.begin(), ordered.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

    // Greedy shards, as transformers splits a state dict: a new shard when the next tensor would overflow.
    std::vector<std::vector<const PlannedTensor *>> shards(1);
    std::vector<uint64_t> shardBytes(1, 0);
    uint64_t totalBytes = 0;
    int64_t totalParameters = 0;
    for (const auto &[_, t] : ordered) {
        if (!shards.back().empty() && shardBytes.back() + t.bytes > options.maxShardBytes) {
            shards.emplace_back();
            shardBytes.push_back(0);
        }
        shards.back().push_back(&t);
        shardBytes.back() += t.bytes;
        totalBytes += t.bytes;
        totalParameters += t.entry->numel();
    }

    fs::create_directories(target.parent_path());
    StagedOutput staged(target, StagedOutput::Kind::Folder);
    const fs::path &tmp = staged.path();
    try {
        uint64_t written = 0;
        nlohmann::ordered_json weightMap;
        for (size_t s = 0; s < shards.size(); ++s) {
            throwIfStopped(stop);
            const std::string file = shardName(s, shards.size());
            // Converted tensors live until their shard is written; unconverted ones point into the maps.
            std::vector<at::Tensor> converted;
            std::vector<TensorToWrite> tensors;
            std::vector<std::vector<std::byte>> replaced;
            replaced.reserve(shards[s].size());
            for (const PlannedTensor *t : shards[s]) {
                const void *data = t->entry->data;
                std::optional<std::vector<std::byte>> replacement;
                if (options.replace && (replacement = options.replace(t->memoryName, *t->entry, t->dtype))) {
                    if (replacement->size() != t->bytes)
                        throw Error("internal: replacement of '" + t->memoryName + "' has " +
                                    std::to_string(replacement->size()) + " bytes, not " + std::to_string(t->bytes));
                    replaced.push_back(std::move(*replacement));
                    data = replaced.back().data();
                } else if (t->zero || t->partner || t->dtype != t->entry->dtype) {
                    c10::InferenceMode inference;
                    const at::ScalarType type = scalarTypeOfSafetensors(t->dtype);
                    // An inserted block's mean in float32 (float64 for float64 weights), rounded once to the
                    // written dtype; zeros; or a conversion. Each a new, contiguous tensor.
                    const at::ScalarType exact = type == at::kDouble ? at::kDouble : at::kFloat;
                    converted.push_back(
                        t->zero      ? at::zeros(t->entry->shape, at::TensorOptions().dtype(type))
                        : t->partner ? viewOf(*t->entry).to(exact).add(viewOf(*t->partner).to(exact)).div_(2).to(type)
                                     : viewOf(*t->entry).to(type).contiguous());
                    data = converted.back().data_ptr();
                }
                tensors.push_back({t->name, t->dtype, t->entry->shape, data, t->bytes});
                weightMap[t->name] = file;
            }
            writeSafetensors(tmp / file, tensors, {}, [&](const TensorToWrite &t) {
                written += t.byteSize;
                if (progress)
                    progress({Stage::Exporting, static_cast<int64_t>(written), static_cast<int64_t>(totalBytes), 0});
                throwIfStopped(stop);
            });
        }
        if (shards.size() > 1) {
            nlohmann::ordered_json index;
            index["metadata"] = {{"total_parameters", totalParameters}, {"total_size", totalBytes}};
            index["weight_map"] = weightMap;
            writeFileAtomically(tmp / "model.safetensors.index.json", index.dump(2) + "\n");
        }
        const nlohmann::json sourceConfig = readJsonFile(source / "config.json");
        writeFileAtomically(tmp / "config.json",
                            configFor(sourceConfig, plan.sourceLayers, plan.sources(), options.dtype).dump(2) + "\n");
        for (const fs::directory_entry &e : fs::directory_iterator(source)) {
            if (e.is_regular_file() && !isWeightOrRewritten(e.path()) && e.path().filename().string()[0] != '.')
                fs::copy_file(e.path(), tmp / e.path().filename());
        }
        record["dtype"] = options.dtype ? dtypeName(*options.dtype) : storedDtypeName(checkpoint.dominantDtype());
        if (!options.healingJson.empty())
            record["healing"] = nlohmann::ordered_json::parse(options.healingJson);
        if (fs::exists(source / "layercut.json"))  // pruned before: keep the history
            record["previous"] = readJsonFile(source / "layercut.json");
        writeFileAtomically(tmp / "layercut.json", record.dump(2) + "\n");
        for (const auto &[name, content] : options.extraFiles)
            writeFileAtomically(tmp / name, content);
        throwIfStopped(stop);

        staged.commit();  // the previous target, if any, is replaced in one step
    } catch (const Cancelled &) {
        throw;
    } catch (const Error &e) {
        throw Error(staged.inTargetTerms(e.what()));  // the file that failed, as the user will look for it
    } catch (const fs::filesystem_error &e) {
        throw Error("'" + target.string() + "': " + e.code().message() + " (" +
                    staged.inTargetTerms(e.path1().string()) + ")");
    }
    return {target, static_cast<int>(shards.size()), totalBytes, plan.size()};
}

}  // namespace

ExportResult exportPrunedModel(const fs::path &source, const PrunePlan &plan, const fs::path &target,
                               const ExportOptions &options, const ProgressFn &progress, std::stop_token stop)
{
    if (plan.kept.empty())
        throw Error("the prune plan keeps no layer");
    return exportBlocks(source, BlockPlan::of(plan), pruneRecord(source, plan, options.metric), target, options,
                        progress, stop);
}

ExportResult exportExpandedModel(const fs::path &source, const BlockPlan &plan, const fs::path &target,
                                 const ExportOptions &options, const ProgressFn &progress, std::stop_token stop)
{
    return exportBlocks(source, plan, expandRecord(source, plan), target, options, progress, stop);
}

nlohmann::ordered_json expandRecord(const fs::path &source, const BlockPlan &plan)
{
    PrunePlan kept = plan.prunePlan();
    kept.method = plan.insertsAnything() ? "expand" : "list";
    nlohmann::ordered_json record = pruneRecord(source, kept, std::nullopt);
    record["inserted_after"] = plan.insertedAfter();
    record["blocks"] = plan.blocksJson();
    return record;
}

nlohmann::ordered_json pruneRecord(const fs::path &source, const PrunePlan &plan,
                                   const std::optional<DistanceMetric> &metric)
{
    nlohmann::ordered_json record;
    record["software"] = softwareVersion();
    record["created"] = utcNow();
    record["source"] = fs::absolute(source).lexically_normal().string();
    record["source_layers"] = plan.sourceLayers;
    record["kept_layers"] = plan.kept;
    record["dropped_layers"] = plan.dropped();
    record["dropped_ranges"] = PrunePlan::ranges(plan.dropped());
    record["method"] = plan.method;
    record["metric"] = metric ? nlohmann::ordered_json(distanceMetricName(*metric)) : nlohmann::ordered_json(nullptr);
    record["distance"] = plan.distance >= 0 ? nlohmann::ordered_json(plan.distance) : nlohmann::ordered_json(nullptr);
    return record;
}

}  // namespace lc
