// SPDX-License-Identifier: GPL-3.0-or-later
// What a healing run leaves for others: the LoRA adapters in PEFT's layout, and the healed model merged
// into the checkpoint's own weights through the pruning export.
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

void writePeftAdapter(const ModelSession &session, const fs::path &folder)
{
    const ModelSession::Impl &impl = SessionInternals::of(session);
    if (!impl.model || !impl.healing || impl.healing->config.method != HealingMethod::Lora)
        throw Error("the model in memory has no LoRA adapters to save");
    const HealingConfig &c = impl.healing->config;
    std::vector<at::Tensor> keep;
    std::vector<TensorToWrite> tensors;
    const auto &layers = impl.model->weights().layers;  // the kept ones: their position is the pruned model's index
    for (size_t k = 0; k < layers.size(); ++k)
        for (size_t i = 0; i < kProjections; ++i) {
            const auto &adapter = layers[k].lora[i];
            if (!adapter)
                continue;
            const std::string base =
                "base_model.model.model.layers." + std::to_string(k) + "." + projPath(static_cast<Proj>(i));
            for (const auto &[suffix, t] :
                 {std::pair{".lora_A.weight", adapter->a}, std::pair{".lora_B.weight", adapter->b}}) {
                keep.push_back(t.detach().to(at::kCPU, at::kFloat).contiguous());
                tensors.push_back({base + suffix, "F32", keep.back().sizes().vec(), keep.back().data_ptr(),
                                   static_cast<uint64_t>(keep.back().nbytes())});
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
    config["base_model_name_or_path"] = impl.plan.prunesAnything() ? std::string() : impl.info.folder.string();
    config["r"] = c.rank;
    config["lora_alpha"] = c.alpha;
    config["lora_dropout"] = c.dropout;
    config["target_modules"] = c.targetModules;
    config["bias"] = "none";
    config["fan_in_fan_out"] = false;
    config["inference_mode"] = true;
    config["init_lora_weights"] = true;
    config["modules_to_save"] = nullptr;
    config["layers_to_transform"] = nullptr;
    config["layers_pattern"] = nullptr;
    config["rank_pattern"] = nlohmann::ordered_json::object();
    config["alpha_pattern"] = nlohmann::ordered_json::object();
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
                if (!adapter || layer->rest != projPath(static_cast<Proj>(i)) + ".weight")
                    continue;
                // W + (alpha/r)·B·A on the checkpoint's own weight, in float32 on the model's device.
                const at::Tensor w = viewOf(entry).to(model.device(), at::kFloat);
                result = at::addmm(w, adapter->b.detach(), adapter->a.detach(), 1.0, adapter->scale);
            }
        }
        if (!result.defined())
            return std::nullopt;
        const at::Tensor out = result.to(at::kCPU, scalarTypeOfSafetensors(dtype)).contiguous();
        std::vector<std::byte> bytes(static_cast<size_t>(out.nbytes()));
        std::memcpy(bytes.data(), out.data_ptr(), bytes.size());
        return bytes;
    };
    return exportPrunedModel(impl.info.folder, impl.plan, target, o, progress, stop);
}

}  // namespace lc
