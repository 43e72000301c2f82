// SPDX-License-Identifier: GPL-3.0-or-later
// What a healing run leaves for others: the LoRA adapters in PEFT's layout, and the healed model merged
// into the checkpoint's own weights through the pruning export.
#include <algorithm>
#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

#include "layercut/atomic_file.h"
#include "layercut/checkpoint.h"
#include "layercut/error.h"
#include "layercut/healing.h"
#include "layercut/healing_json.h"
#include "layercut/safetensors_file.h"
#include "session/model_session_impl.h"
#include "train/healing_state.h"

namespace lc {

namespace fs = std::filesystem;

namespace {

/** "self_attn.qkv_proj.weight" -> "self_attn.qkv_proj". */
std::string modulePath(const std::string &tensor)
{
    return tensor.substr(0, tensor.size() - std::string(".weight").size());
}

/** "self_attn.qkv_proj" -> "qkv_proj": the name peft's target_modules and rank_pattern match. */
std::string moduleName(const std::string &path)
{
    return path.substr(path.rfind('.') + 1);
}

/**
 * One LoRA of a checkpoint module (A [R, in], B [out, R], at `scale`) equal to the adapters on the projections
 * it holds. A module of its own: its adapter. A fused one (Phi-3's qkv_proj, gate_up_proj): the parts' A
 * stacked, B block-diagonal in the parts' rows, so B·A is the sum of the parts' updates at rank Σr.
 */
std::pair<at::Tensor, at::Tensor> moduleAdapter(const DecoderLayerWeights &layer, const ModelConfig &config,
                                                const std::vector<Proj> &parts)
{
    const ProjectionRows first = projectionRows(config, parts.front());
    const LoraAdapter &only = *layer.lora[static_cast<size_t>(parts.front())];
    if (!first.fused())
        return {only.a.detach(), only.b.detach()};
    int64_t outRows = 0, rank = 0;
    for (size_t i = 0; i < kProjections; ++i)
        if (const ProjectionRows rows = projectionRows(config, static_cast<Proj>(i)); rows.tensor == first.tensor)
            outRows = std::max(outRows, rows.offset + rows.rows);
    std::vector<at::Tensor> as;
    for (const Proj p : parts) {
        as.push_back(layer.lora[static_cast<size_t>(p)]->a.detach());
        rank += as.back().size(0);
    }
    at::Tensor b = at::zeros({outRows, rank}, only.b.options().requires_grad(false));
    int64_t column = 0;
    for (const Proj p : parts) {
        const LoraAdapter &adapter = *layer.lora[static_cast<size_t>(p)];
        const ProjectionRows rows = projectionRows(config, p);
        b.narrow(0, rows.offset, rows.rows).narrow(1, column, adapter.b.size(1)).copy_(adapter.b.detach());
        column += adapter.b.size(1);
    }
    return {at::cat(as, 0), b};
}

/** The tensor of `layer` a checkpoint calls `rest` (after "model.layers.{i}."). */
const at::Tensor &memoryTensor(const DecoderLayerWeights &layer, const std::string &rest)
{
    for (const auto &[name, slot] : layerTensorSlots())
        if (rest == name && (layer.*slot).defined())
            return layer.*slot;
    throw Error("internal: an inserted block has no tensor '" + rest + "'");
}

}  // namespace

void writePeftAdapter(const ModelSession &session, const fs::path &folder)
{
    const ModelSession::Impl &impl = SessionInternals::of(session);
    if (!impl.model || !impl.healing || impl.healing->config.method != HealingMethod::Lora)
        throw Error("the model in memory has no LoRA adapters to save");
    const HealingConfig &c = impl.healing->config;
    const ModelConfig &modelConfig = impl.model->config();
    std::vector<at::Tensor> keep;
    std::vector<TensorToWrite> tensors;
    std::map<std::string, int64_t> fusedRanks;          // peft module name -> stacked rank (Phi-3)
    const auto &layers = impl.model->weights().layers;  // the kept ones: their position is the pruned model's index
    for (size_t k = 0; k < layers.size(); ++k) {
        // The adapted projections by the checkpoint module that holds them, in module order.
        std::vector<std::pair<std::string, std::vector<Proj>>> modules;
        for (size_t i = 0; i < kProjections; ++i) {
            if (!layers[k].lora[i])
                continue;
            const std::string path = modulePath(projectionRows(modelConfig, static_cast<Proj>(i)).tensor);
            if (modules.empty() || modules.back().first != path)
                modules.push_back({path, {}});
            modules.back().second.push_back(static_cast<Proj>(i));
        }
        for (const auto &[path, parts] : modules) {
            const auto [a, b] = moduleAdapter(layers[k], modelConfig, parts);
            if (projectionRows(modelConfig, parts.front()).fused())
                fusedRanks[moduleName(path)] = a.size(0);
            const std::string base = "base_model.model.model.layers." + std::to_string(k) + "." + path;
            for (const auto &[suffix, t] : {std::pair{".lora_A.weight", a}, std::pair{".lora_B.weight", b}}) {
                keep.push_back(t.to(at::kCPU, at::kFloat).contiguous());
                tensors.push_back({base + suffix, "F32", keep.back().sizes().vec(), keep.back().data_ptr(),
                                   static_cast<uint64_t>(keep.back().nbytes())});
            }
        }
    }
    fs::create_directories(folder);
    writeSafetensors(folder / "adapter_model.safetensors", tensors);
    // peft's LoraConfig as save_pretrained writes it; fields peft does not know are rejected, so only its own.
    nlohmann::ordered_json config;
    config["peft_type"] = "LORA";
    config["task_type"] = "CAUSAL_LM";
    // The adapters belong to the pruned model (layers renumbered 0..K-1); naming the unpruned source here
    // would let AutoPeftModel attach them to the wrong blocks without a word, so a pruned base stays
    // unnamed: load the pruned export and call PeftModel.from_pretrained(pruned, folder).
    const bool checkpointAsIs = impl.blockPlan == BlockPlan::of(PrunePlan::keepAll(impl.info.config.numLayers));
    config["base_model_name_or_path"] = checkpointAsIs ? impl.info.folder.string() : std::string();
    config["r"] = c.rank;
    config["lora_alpha"] = c.alpha;
    config["lora_dropout"] = c.dropout;
    // Fused modules (Phi-3) carry the stacked rank, at the same alpha / r.
    std::vector<std::string> targets;
    for (const std::string &module : c.targetModules) {
        std::string name = module;
        for (size_t i = 0; i < kProjections; ++i)
            if (module == projName(static_cast<Proj>(i)))
                name = moduleName(modulePath(projectionRows(modelConfig, static_cast<Proj>(i)).tensor));
        if (std::find(targets.begin(), targets.end(), name) == targets.end())
            targets.push_back(name);
    }
    config["target_modules"] = targets;
    config["bias"] = "none";
    config["fan_in_fan_out"] = false;
    config["inference_mode"] = true;
    config["init_lora_weights"] = true;
    config["modules_to_save"] = nullptr;
    config["layers_to_transform"] = nullptr;
    config["layers_pattern"] = nullptr;
    config["rank_pattern"] = nlohmann::ordered_json::object();
    config["alpha_pattern"] = nlohmann::ordered_json::object();
    for (const auto &[name, rank] : fusedRanks) {
        config["rank_pattern"][name] = rank;
        config["alpha_pattern"][name] = c.alpha * static_cast<double>(rank) / static_cast<double>(c.rank);
    }
    config["use_rslora"] = false;
    config["use_dora"] = false;
    config["revision"] = nullptr;
    writeFileAtomically(folder / "adapter_config.json", config.dump(2) + "\n");
}

ExportResult exportHealedModel(ModelSession &session, const fs::path &target, const ExportOptions &options,
                               const ProgressFn &progress, std::stop_token stop)
{
    ModelSession::Impl &impl = SessionInternals::of(session);
    if (!impl.model)
        throw Error("no model is loaded");
    if (!impl.healing)
        throw Error("the model in memory has not been healed; export the pruned model instead");
    const std::shared_ptr<HealingState> state = impl.healing;
    const LlamaModel &model = *impl.model;
    std::map<std::string, at::Tensor> trained;
    for (const TrainedWeight &w : state->trained)
        trained[w.name] = w.weight;
    ExportOptions o = options;
    o.healingJson = healingConfigToJson(state->config).dump();
    // The merged model carries the list of what it was trained on, so its held-out losses leave them out too.
    o.extraFiles.emplace_back(kTrainedDocumentsFile, impl.trainedDocuments.toText());
    o.replace = [&](const std::string &name, const TensorEntry &entry,
                    const std::string &dtype) -> std::optional<std::vector<std::byte>> {
        c10::NoGradGuard noGrad;
        at::Tensor result;
        if (const auto it = trained.find(name); it != trained.end()) {
            result = it->second.detach();
        } else if (const auto layer = splitLayerTensorName(name)) {
            const DecoderLayerWeights &l = model.allLayers()[static_cast<size_t>(layer->layer)];
            for (size_t i = 0; i < kProjections; ++i) {
                const auto &adapter = l.lora[i];
                const ProjectionRows source = projectionRows(model.config(), static_cast<Proj>(i));
                if (!adapter || layer->rest != source.tensor)
                    continue;
                // W + (alpha/r)·B·A on the checkpoint's own weight (its rows of a fused one), in float32 on the
                // block's device; an inserted block's W is in memory only (dense: it is never NF4).
                if (!result.defined())
                    result = (l.inserted ? memoryTensor(l, layer->rest) : viewOf(entry).to(l.device()))
                                 .to(at::kFloat)
                                 .clone();
                at::Tensor rows = source.fused() ? result.narrow(0, source.offset, source.rows) : result;
                rows.addmm_(adapter->b.detach(), adapter->a.detach(), 1.0, adapter->scale);
            }
        }
        if (!result.defined())
            return std::nullopt;
        const at::Tensor out = result.to(at::kCPU, scalarTypeOfSafetensors(dtype)).contiguous();
        std::vector<std::byte> bytes(static_cast<size_t>(out.nbytes()));
        std::memcpy(bytes.data(), out.data_ptr(), bytes.size());
        return bytes;
    };
    if (impl.blockPlan.insertsAnything())
        return exportExpandedModel(impl.info.folder, impl.blockPlan, target, o, progress, stop);
    return exportPrunedModel(impl.info.folder, impl.plan, target, o, progress, stop);
}

}  // namespace lc
