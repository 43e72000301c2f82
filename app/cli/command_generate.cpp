// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-cli generate MODEL_DIR --prompt TEXT ... [--prompts FILE] [--prefix TEXT] [--max-new-tokens N]
// [--stop TEXT ...] [--no-eos] [prune options] [--out FILE.json]: greedy continuations of the model as it is
// (pruned first with the prune options), what the GUI's generation panel shows.
#include <fstream>

#include "cli_output.h"
#include "commands.h"
#include "layercut/atomic_file.h"
#include "layercut/error.h"
#include "layercut/generation.h"
#include "layercut/json_file.h"
#include "layercut/regular_file.h"
#include "plan_options.h"

namespace lc::cli {
namespace {

struct GenerateArgs
{
    std::string folder, out, device = "cpu", dtype, prefix, promptsFile, planData;
    std::vector<std::string> prompts;
    PlanArgs plan;
    GenerationOptions options;
    bool noEos = false, nf4 = false;
};

/** Prompts of a JSON Lines file ({"prompt": ...} per line) or of a text file (one per line). */
std::vector<std::string> readPrompts(const std::filesystem::path &path)
{
    refuseIrregularFile(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("'" + path.string() + "': cannot open the file");
    const bool jsonLines = path.extension() == ".jsonl";
    std::vector<std::string> prompts;
    std::string line;
    for (int64_t number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        if (!jsonLines) {
            prompts.push_back(line);
            continue;
        }
        const std::string where = path.string() + ":" + std::to_string(number);
        const nlohmann::json j = parseJsonText(line, where);
        if (!j.is_object() || !j.contains("prompt") || !j["prompt"].is_string())
            throw Error("'" + path.string() + "': line " + std::to_string(number) + ": needs a string `prompt`");
        prompts.push_back(j["prompt"].get<std::string>());
    }
    if (prompts.empty())
        throw Error("'" + path.string() + "': no prompts");
    return prompts;
}

void runGenerate(const GenerateArgs &a)
{
    std::vector<std::string> prompts = a.prompts;
    if (!a.promptsFile.empty())
        for (std::string &p : readPrompts(a.promptsFile))
            prompts.push_back(std::move(p));
    if (prompts.empty())
        throw Error("nothing to continue: give --prompt or --prompts");
    const auto progress = stderrProgress();
    ModelSession session;
    const LoadOptions load = loadOptions(a.device, a.dtype, a.nf4);
    session.load(a.folder, load, progress);
    applyPlanArgs(session, a.plan, a.planData, a.folder, load, a.options.maxLength, progress);
    GenerationOptions o = a.options;
    o.stopAtEos = !a.noEos;
    const GenerationRun run = generateText(session, a.prefix, prompts, o, {}, progress);
    nlohmann::ordered_json j;
    j["model"] = a.folder;
    addPlanSummary(j, session);
    j["prompt_tokens"] = run.promptTokens;
    j["generated_tokens"] = run.generatedTokens;
    j["truncated_prompts"] = run.truncatedPrompts;
    j["seconds"] = run.seconds;
    j["tokens_per_second"] = run.seconds > 0 ? static_cast<double>(run.generatedTokens) / run.seconds : 0.0;
    nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
    for (size_t i = 0; i < prompts.size(); ++i) {
        const GeneratedText &g = run.outputs[i];
        nlohmann::ordered_json e;
        e["prompt"] = prompts[i];
        e["text"] = g.text;
        e["finish"] = finishReasonName(g.finish);
        if (g.finish == FinishReason::StopString)
            e["stop"] = g.stopString;
        e["prompt_tokens"] = g.promptTokens;
        e["tokens"] = g.tokens;
        e["logprobs"] = g.logprobs;
        outputs.push_back(e);
    }
    j["outputs"] = outputs;
    if (!a.out.empty()) {
        writeFileAtomically(a.out, j.dump(1) + "\n");
        j["out"] = a.out;
    }
    printJson(j);
}

}  // namespace

void addGenerateCommand(CLI::App &app, Action &action)
{
    auto *cmd = app.add_subcommand(
        "generate", "Greedy continuations of prompts by the model (pruned first with the prune options), batched\n"
                    "with a key/value cache; texts, token ids and their log-probabilities as JSON.");
    auto a = std::make_shared<GenerateArgs>();
    GenerationOptions &o = a->options;
    o.maxNewTokens = 64;
    cmd->add_option("MODEL_DIR", a->folder, "Model folder")->required();
    cmd->add_option("--prompt", a->prompts, "A prompt (repeat for more)");
    cmd->add_option("--prompts", a->promptsFile, "Prompts: JSON Lines with a `prompt` field, or text, one per line");
    cmd->add_option("--prefix", a->prefix, "Text before every prompt, run once for all of them (few-shot examples)");
    cmd->add_option("--max-new-tokens", o.maxNewTokens, "Tokens generated per prompt at most")->capture_default_str();
    cmd->add_option("--stop", o.stopStrings, "Stop when this text appears; it is not part of the output (repeatable)");
    cmd->add_flag("--no-eos", a->noEos, "Do not stop at the checkpoint's end-of-sequence tokens");
    cmd->add_option("--batch", o.batchSize, "Prompts generated together")->capture_default_str();
    cmd->add_option(
           "--max-length", o.maxLength,
           "Context window (0: max_position_embeddings); also the tokens per document of the distance sample (0: 2048)")
        ->capture_default_str();
    cmd->add_option("--out", a->out, "Also write the JSON to this file");
    addPlanOptions(cmd, a->plan);
    addExpandOptions(cmd, a->plan.expand, "--insert-after", /*inMemory=*/true);
    cmd->add_option("--plan-data", a->planData, "Text to measure distances on for --strategy similarity");
    addSampleOptions(cmd, a->plan.sample, /*seed=*/true, /*maxLength=*/false);
    cmd->add_option("--device", a->device, kDeviceHelp)->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "Compute dtype (default: float32 on CPU, the checkpoint's on CUDA)");
    cmd->add_flag("--nf4", a->nf4, "Store the linear weights as NF4 at load, computing in --dtype");
    cmd->callback([&action, a] { action = [a] { runGenerate(*a); }; });
}

}  // namespace lc::cli
