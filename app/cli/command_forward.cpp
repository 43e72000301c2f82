// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli forward MODEL_DIR --ids ... --out FILE.safetensors: logits [T, V] and residual states
// [L+1, T, H] of one sequence, as float32.
#include "cli_output.h"
#include "commands.h"
#include "layercut/safetensors_file.h"

namespace lc::cli {

void addForwardCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand("forward", "Run one forward pass and save logits and residual states");
    struct Args
    {
        std::string folder, ids, out, device = "cpu", dtype;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("MODEL_DIR", args->folder, "Model folder")->required();
    cmd->add_option("--ids", args->ids, "Comma-separated token ids, e.g. 5,17,3")->required();
    cmd->add_option("--out", args->out, "Output .safetensors: logits [T, V], states [L+1, T, H] (float32)")->required();
    cmd->add_option("--device", args->device, kDeviceHelp)->capture_default_str();
    cmd->add_option("--dtype", args->dtype,
                    "float32, bfloat16 or float16 (default: float32 on CPU, the "
                    "checkpoint's dtype on CUDA)");
    cmd->callback([&action, args] {
        action = [args] {
            const std::vector<int64_t> ids = parseIdList(args->ids);
            ModelSession session;
            const ModelInfo info = session.load(args->folder, loadOptions(args->device, args->dtype), stderrProgress());
            const ForwardResult r = session.forward(TokenBatch::single(ids), {.logits = true, .states = true});
            const int64_t T = r.length;
            writeSafetensors(
                args->out,
                {{"logits", "F32", {T, r.vocab}, r.logits.data(), r.logits.size() * sizeof(float)},
                 {"states", "F32", {r.numStates, T, r.hidden}, r.states.data(), r.states.size() * sizeof(float)}},
                {{"model", info.folder.string()}, {"dtype", info.computeDtype}, {"device", info.device}});
            nlohmann::ordered_json j;
            j["out"] = args->out;
            j["tokens"] = T;
            j["vocab_size"] = r.vocab;
            j["states"] = r.numStates;
            j["device"] = info.device;
            j["dtype"] = info.computeDtype;
            printJson(j);
        };
    });
}

}  // namespace lc::cli
