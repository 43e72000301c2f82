// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/healing_checkpoint.h"

#include <nlohmann/json.hpp>

#include "layercut/atomic_file.h"
#include "layercut/error.h"
#include "layercut/healing_json.h"
#include "layercut/json_file.h"
#include "layercut/model_session.h"
#include "layercut/safetensors_file.h"
#include "layercut/staged_output.h"

namespace lc {
namespace fs = std::filesystem;
namespace {

/** What must match for a checkpoint to resume this run: the settings (minus monitoring) and the layers. */
nlohmann::ordered_json fingerprint(const HealingConfig &c, const PrunePlan &plan, const BlockPlan &blocks)
{
    nlohmann::ordered_json j = healingConfigKey(c);
    j.erase("activation_checkpointing");  // changes memory, not the numbers
    j["kept_layers"] = plan.kept;
    j["source_layers"] = plan.sourceLayers;
    if (blocks.insertsAnything())  // which blocks are new, and how they started
        j["blocks"] = blocks.blocksJson();
    return j;
}

}  // namespace

void writeCheckpoint(const fs::path &dir, const ModelSession &session, const std::vector<Trainable> &trainables,
                     const HealingConfig &c, const HealingResult &history, int64_t step)
{
    fs::create_directories(dir.parent_path());
    StagedOutput staged(dir, StagedOutput::Kind::Folder);  // a kill leaves the previous checkpoint whole
    const fs::path &tmp = staged.path();
    if (c.method == HealingMethod::Lora)
        writePeftAdapter(session, tmp);  // each checkpoint is itself a usable adapter
    std::vector<at::Tensor> keep;        // CPU float32 copies, alive until written
    std::vector<TensorToWrite> tensors;
    const auto add = [&](const std::string &name, const at::Tensor &t) {
        if (!t.defined())
            return;
        keep.push_back(t.detach().to(at::kCPU, at::kFloat).contiguous());
        const at::Tensor &k = keep.back();
        tensors.push_back({name, "F32", k.sizes().vec(), k.data_ptr(), static_cast<uint64_t>(k.nbytes())});
    };
    for (const Trainable &t : trainables) {
        add("param/" + t.name, t.master);
        add("exp_avg/" + t.name, t.expAvg);
        add("exp_avg_sq/" + t.name, t.expAvgSq);
    }
    writeSafetensors(tmp / "training_state.safetensors", tensors);
    nlohmann::ordered_json state;
    state["step"] = step;
    state["fingerprint"] = fingerprint(c, session.prunePlan(), session.blockPlan());
    state["steps"] = healingStepsToJson(history.steps);
    state["validation"] = validationPointsToJson(history.validation);
    writeFileAtomically(tmp / "trainer_state.json", state.dump(1) + "\n");
    staged.commit();
}

int64_t resumeCheckpoint(const fs::path &dir, std::vector<Trainable> &trainables, const HealingConfig &c,
                         const PrunePlan &plan, const BlockPlan &blocks, HealingResult &history)
{
    const nlohmann::json state = readJsonFile(dir / "trainer_state.json");
    const nlohmann::json expected = nlohmann::json::parse(fingerprint(c, plan, blocks).dump());
    // The layers first: adapters trained on other layers do not fit this model, whatever else matches.
    if (state.contains("fingerprint") && state["fingerprint"].is_object()) {
        const nlohmann::json &f = state["fingerprint"];
        const auto kept = f.value("kept_layers", std::vector<int64_t>());
        const auto source = f.value("source_layers", int64_t{0});
        if (source != plan.sourceLayers || kept != plan.kept) {
            PrunePlan trained;
            trained.sourceLayers = source;
            trained.kept = kept;
            throw Error("'" + (dir / "trainer_state.json").string() + "': trained on a model of " +
                        std::to_string(source) + " layers with " +
                        (trained.prunesAnything() ? "layers " + PrunePlan::ranges(trained.dropped()) : "none") +
                        " dropped; the model now has " + std::to_string(plan.sourceLayers) + " layers with " +
                        (plan.prunesAnything() ? "layers " + PrunePlan::ranges(plan.dropped()) : "none") +
                        " dropped. Drop the same layers (the run's layercut.json lists them) to resume");
        }
    }
    if (!state.contains("fingerprint") || state["fingerprint"] != expected)
        throw Error("'" + (dir / "trainer_state.json").string() +
                    "': the checkpoint was made with other settings or layers; resume with the same ones");
    const SafetensorsFile file(dir / "training_state.safetensors");
    c10::NoGradGuard noGrad;
    for (Trainable &t : trainables) {
        const TensorEntry *param = file.find("param/" + t.name);
        if (!param)
            throw Error("'" + file.path().string() + "': tensor 'param/" + t.name + "' is missing");
        t.master.copy_(viewOf(*param).view(t.master.sizes()));
        if (!t.param.is_same(t.master))
            t.param.copy_(t.master);
        if (const TensorEntry *m = file.find("exp_avg/" + t.name)) {
            t.expAvg = viewOf(*m).to(t.master.device()).view(t.master.sizes()).clone();
            t.expAvgSq =
                viewOf(*file.find("exp_avg_sq/" + t.name)).to(t.master.device()).view(t.master.sizes()).clone();
        }
    }
    history.steps = healingStepsFromJson(state.at("steps"));  // also the six numbers a step of earlier versions
    history.validation = validationPointsFromJson(state.at("validation"));
    return state.at("step").get<int64_t>();
}

}  // namespace lc
