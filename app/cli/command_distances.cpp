// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli distances MODEL_DIR --data FILE --out FILE.json: every angular distance d(l, n), the
// optimal start per block size, the all-token variant and Block Influence, from one pass over the data.
#include "cli_output.h"
#include "commands.h"
#include "memory_check.h"
#include "layercut/atomic_file.h"
#include "layercut/layer_distances.h"
#include "layercut/text_dataset.h"
#include "plan_options.h"
#include "layercut/tokenizer.h"

namespace lc::cli {
void addDistancesCommand(CLI::App &app, Action &action)
{
    auto *cmd =
        app.add_subcommand("distances", "Angular distances between layers (heatmap data) from one pass over a dataset");
    struct Args
    {
        std::string folder, out, csv, device = "cpu", dtype;
        bool nf4 = false, stream = false;
        MemoryCheckArgs memoryCheck;
        PlanSample sample;  // the same defaults as every command that chooses a plan by similarity
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("MODEL_DIR", args->folder, "Model folder")->required();
    cmd->add_option(
           "--data", args->sample.data,
           "Text (.txt), JSON Lines (.jsonl with \"text\" or \"input_ids\") or gzip JSON Lines (.json.gz, as C4)")
        ->required();
    cmd->add_option("--out", args->out, "Output JSON")->required();
    cmd->add_option("--csv", args->csv, "Also write the distances as CSV");
    addSampleOptions(cmd, args->sample);
    cmd->add_option("--batch", args->sample.batchSize, "Documents per forward pass")->capture_default_str();
    cmd->add_option("--device", args->device, kDeviceHelp)->capture_default_str();
    cmd->add_option("--dtype", args->dtype,
                    "float32, bfloat16 or float16 (default: float32 on CPU, the checkpoint's on CUDA)");
    cmd->add_flag("--stream", args->stream,
                  "Block by block over all documents, each block read from the memory-mapped checkpoint when its "
                  "turn comes (the next one while it runs): the device holds the embeddings, the head, two blocks "
                  "and one batch of one block's activations however deep the model. Costs: the documents' residual "
                  "streams wait in host memory (2 x tokens x hidden size values) and cross to the device and back "
                  "once per block; last-token distances and Block Influence as usual, no all-token means");
    cmd->add_flag("--nf4", args->nf4, "Store the linear weights as NF4 at load (QLoRA's base), computing in --dtype");
    addMemoryCheckOption(cmd, args->memoryCheck);
    cmd->callback([&action, args] {
        action = [args] {
            const auto progress = stderrProgress();
            LoadOptions load = loadOptions(args->device, args->dtype, args->nf4);
            load.blocksOnDemand = args->stream;
            MemorySetup memory;
            memory.sequences = args->sample.batchSize;
            memory.length = args->sample.options.maxLength;
            memory.stream = args->stream;
            const std::optional<PlannedMemory> estimate =
                checkMemory(args->folder, load, MemoryJob::Distances, memory, args->memoryCheck);
            ModelSession session;
            const ModelInfo info = session.load(args->folder, load, progress);
            // Token ids (JSON Lines with input_ids) need no tokenizer; text does (readTokenized says so).
            const PlanSample &sample = args->sample;
            DatasetOptions options = sample.options;
            options.vocabSize = info.config.vocabSize;
            const TokenizedDataset data = readTokenized(sample.data, session.tokenizer(), options);
            const LayerDistances d = computeLayerDistances(
                session, data.sequences, {.batchSize = sample.batchSize, .streamed = args->stream}, progress);
            nlohmann::ordered_json j = distancesToJson(d);
            j["settings"] = {{"model", info.folder.string()},
                             {"data", sample.data.string()},
                             {"samples", sample.options.samples},
                             {"max_length", sample.options.maxLength},
                             {"batch", sample.batchSize},
                             {"seed", sample.options.seed},
                             {"device", info.device},
                             {"dtype", info.computeDtype},
                             {"documents", data.documents},
                             {"skipped_empty", data.skippedEmpty},
                             {"truncated", data.truncated},
                             {"streamed", args->stream}};
            writeFileAtomically(args->out, j.dump(1) + "\n");
            if (!args->csv.empty())
                writeFileAtomically(args->csv, distancesToCsv(d));
            nlohmann::ordered_json summary;
            summary["out"] = args->out;
            summary["samples"] = d.samples;
            summary["tokens"] = d.tokens;
            summary["skipped_empty"] = data.skippedEmpty;
            summary["memory"] = memoryJson(estimate);
            nlohmann::ordered_json best = nlohmann::ordered_json::array();
            for (int64_t n = 1; n <= d.numLayers; ++n)
                best.push_back(
                    {{"n", n}, {"start", d.optimalStart(n)}, {"distance", d.angularAt(n, d.optimalStart(n))}});
            summary["optimal_blocks"] = best;
            printJson(summary);
        };
    });
}

}  // namespace lc::cli
