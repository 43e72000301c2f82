// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli info MODEL_DIR: the checkpoint's summary, read without loading weights.
#include "cli_output.h"
#include "commands.h"
#include "layercut/error.h"
#include "layercut/memory_plan.h"
#include "layercut/tokenizer.h"

namespace lc::cli {
namespace {

/**
 * What each job needs on a GPU at the commands' defaults (distances 8 x 2048 tokens, evaluation 16384 tokens
 * with the held-out loss, QLoRA healing 1 x 2048), with dense weights in the checkpoint's dtype and with NF4.
 */
nlohmann::ordered_json memoryEstimates(const ModelInfo &info)
{
    nlohmann::ordered_json j;
    for (const bool nf4 : {false, true}) {
        MemorySetup s;
        s.dtype = acceleratorDType(info.checkpointDtype);  // what loading on a GPU computes in
        s.nf4 = nf4;
        nlohmann::ordered_json jobs;
        for (const MemoryJob job : {MemoryJob::Distances, MemoryJob::Evaluation, MemoryJob::Healing})
            jobs[memoryJobName(job)] = estimateMemory(info.config, job, s).total();
        j[nf4 ? "nf4" : dtypeName(s.dtype)] = jobs;
    }
    return j;
}

}  // namespace

void addInfoCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand("info", "Summarise a Hugging Face model folder (family, layers, sizes, dtype)");
    auto folder = std::make_shared<std::string>();
    cmd->add_option("MODEL_DIR", *folder, "Model folder with config.json and safetensors")->required();
    cmd->callback([&action, folder] {
        action = [folder] {
            ModelInfo info = ModelSession::inspect(*folder);
            // Which tokenizer file runs, and as what (a folder may ship both): loading it says, and one that
            // cannot run says why. Only here: other callers of inspect() need no tokenizer.
            if (!info.tokenizerKind.empty()) {
                try {
                    info.tokenizerKind = loadTokenizer(*folder)->kind();
                } catch (const Error &e) {
                    info.tokenizerKind += std::string(" (cannot be used: ") + e.what() + ")";
                }
            }
            nlohmann::ordered_json j = infoJson(info);
            j["gpu_memory_bytes"] = memoryEstimates(info);
            printJson(j);
        };
    });
}

}  // namespace lc::cli
