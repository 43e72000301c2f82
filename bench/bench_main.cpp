// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-bench: LayerCut's side of the benchmarks, one JSON line on stdout per run.
//   forward MODEL_DIR     load time to the device and forward tokens/s (random ids, full logits)
//   distances MODEL_DIR   angular-distance analysis tokens/s (random full-length sequences)
//   heal MODEL_DIR        LoRA/QLoRA training tokens/s and peak GPU memory (random full-length documents)
//   eval MODEL_DIR        k-shot MMLU questions/s (an MMLU-format folder, e.g. from bench/make_mmlu_like.py)
//   generate MODEL_DIR    greedy generation tokens/s of a batch of prompts, N new tokens each
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#if LAYERCUT_BENCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include "layercut/benchmark.h"
#include "layercut/device_memory.h"
#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/generation.h"
#include "layercut/healing.h"
#include "layercut/layer_distances.h"
#include "layercut/model_session.h"
#include "layercut/tokenizer.h"

namespace {

struct Args
{
    std::string folder, device = "cuda", dtype = "bfloat16";
    int64_t batch = 8, length = 2048;
    int iterations = 5;
};

CLI::App *addCommand(CLI::App &app, const char *name, const char *help, Args &args)
{
    auto *cmd = app.add_subcommand(name, help);
    cmd->add_option("MODEL_DIR", args.folder)->required();
    cmd->add_option("--device", args.device)->capture_default_str();
    cmd->add_option("--dtype", args.dtype)->capture_default_str();
    cmd->add_option("--batch", args.batch)->capture_default_str();
    cmd->add_option("--length", args.length)->capture_default_str();
    cmd->add_option("--iters", args.iterations)->capture_default_str();
    return cmd;
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::ordered_json benchForward(const Args &args)
{
    lc::ModelSession session;
    const auto start = std::chrono::steady_clock::now();
    session.load(args.folder, {.device = args.device, .dtype = lc::parseDType(args.dtype)});
    const double loadSeconds = secondsSince(start);
    const lc::ForwardBenchmark fb = lc::benchmarkForward(session, args.batch, args.length, args.iterations);
    return {{"impl", "layercut"},
            {"load_seconds", loadSeconds},
            {"checkpoint_bytes", session.info().checkpointBytes},
            {"batch", args.batch},
            {"length", args.length},
            {"iterations", args.iterations},
            {"seconds_per_iteration", fb.secondsPerIteration},
            {"tokens_per_second", fb.tokensPerSecond}};
}

/** `count` sequences of `length` pseudo-random ids below `vocab` (xorshift: no dependence on torch's RNG). */
std::vector<std::vector<int64_t>> randomSequences(int64_t count, int64_t length, int64_t vocab, uint64_t &state)
{
    std::vector<std::vector<int64_t>> seqs(static_cast<size_t>(count));
    for (auto &s : seqs)
        for (int64_t t = 0; t < length; ++t) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            s.push_back(static_cast<int64_t>(state % static_cast<uint64_t>(vocab)));
        }
    return seqs;
}

nlohmann::ordered_json benchDistances(const Args &args)
{
    lc::ModelSession session;
    session.load(args.folder, {.device = args.device, .dtype = lc::parseDType(args.dtype)});
    const int64_t vocab = session.info().config.vocabSize;
    uint64_t rng = 88172645463325252ull;
    lc::computeLayerDistances(session, randomSequences(args.batch, args.length, vocab, rng), {.batchSize = args.batch});
    const auto seqs = randomSequences(args.batch * args.iterations, args.length, vocab, rng);
    const auto start = std::chrono::steady_clock::now();
    const lc::LayerDistances d = lc::computeLayerDistances(session, seqs, {.batchSize = args.batch});
    const double seconds = secondsSince(start);
    return {{"impl", "layercut"},
            {"batch", args.batch},
            {"length", args.length},
            {"sequences", d.samples},
            {"seconds", seconds},
            {"tokens_per_second", static_cast<double>(d.tokens) / seconds},
            {"d_1_best", d.angularAt(1, d.optimalStart(1))}};
}

struct HealArgs
{
    std::string folder, device = "cuda", dtype = "bfloat16", quant = "nf4", targets = "ffn";
    int64_t batch = 2, length = 2048, rank = 64, steps = 4, warmupSteps = 2;
    bool checkpointing = true;
};

CLI::App *addHealCommand(CLI::App &app, HealArgs &args)
{
    auto *cmd = app.add_subcommand("heal", "LoRA training tokens/s and peak GPU memory of a model folder");
    cmd->add_option("MODEL_DIR", args.folder)->required();
    cmd->add_option("--device", args.device)->capture_default_str();
    cmd->add_option("--dtype", args.dtype)->capture_default_str();
    cmd->add_option("--batch", args.batch, "Sequences per optimizer step (one micro-batch)")->capture_default_str();
    cmd->add_option("--length", args.length)->capture_default_str();
    cmd->add_option("--rank", args.rank, "LoRA rank (alpha = rank)")->capture_default_str();
    cmd->add_option("--steps", args.steps, "Timed optimizer steps")->capture_default_str();
    cmd->add_option("--warmup-steps", args.warmupSteps, "Untimed optimizer steps before them")->capture_default_str();
    cmd->add_option("--targets", args.targets)->check(CLI::IsMember({"ffn", "all"}))->capture_default_str();
    cmd->add_option("--quant", args.quant)->check(CLI::IsMember({"nf4", "none"}))->capture_default_str();
    cmd->add_flag("--checkpointing,!--no-checkpointing", args.checkpointing,
                  "Recompute each block in the backward pass")
        ->capture_default_str();
    return cmd;
}

/** Deletes the bench's data file however the run ends (std::remove: see docs/gpu.md on std::filesystem). */
struct TempFile
{
    std::filesystem::path path;
    ~TempFile() { std::remove(path.c_str()); }
};

#if LAYERCUT_BENCH_CUDA
/** The GPUs of a device list ("cuda:0,cuda:1", "cuda", "cuda:0,cpu") by index. */
std::vector<c10::DeviceIndex> cudaIndices(const std::string &devices)
{
    std::vector<c10::DeviceIndex> gpus;
    for (const std::string &d : lc::deviceList(devices))
        if (d.rfind("cuda:", 0) == 0)
            gpus.push_back(static_cast<c10::DeviceIndex>(std::stoi(d.substr(5))));
    return gpus;
}

/**
 * The caching allocator's peak of allocated bytes since its last reset, summed over the GPUs of `devices` (a
 * model placed over several: each GPU's own peak, so an upper bound on what they held at one moment).
 */
int64_t allocatorPeak(const std::string &devices)
{
    int64_t sum = 0;
    for (const c10::DeviceIndex gpu : cudaIndices(devices))
        sum += static_cast<int64_t>(c10::cuda::CUDACachingAllocator::getDeviceStats(gpu).allocated_bytes[0].peak);
    return sum;
}

void resetAllocatorPeak(const std::string &devices)
{
    for (const c10::DeviceIndex gpu : cudaIndices(devices))
        c10::cuda::CUDACachingAllocator::resetPeakStats(gpu);
}
#endif

nlohmann::ordered_json benchHeal(const HealArgs &args)
{
    if (args.steps < 1 || args.warmupSteps < 0)
        throw lc::Error("--steps must be at least 1 and --warmup-steps not negative");
    lc::ModelSession session;
    const auto loadStart = std::chrono::steady_clock::now();
    // QLoRA as layercut-cli heal runs it: NF4 while loading, so the dense model never sits on the GPU whole.
    session.load(args.folder, {.device = args.device, .dtype = lc::parseDType(args.dtype), .nf4 = args.quant == "nf4"});
    const double loadSeconds = secondsSince(loadStart);

    // Random documents of exactly `length` ids, one per sequence of every step, and one batch more. Where
    // the folder has a tokenizer, packing appends its EOS to each, so blocks straddle documents: the same
    // work per step, which is all a throughput benchmark needs.
    const int64_t totalSteps = args.warmupSteps + args.steps;
    const TempFile data{std::filesystem::temp_directory_path() /
                        ("layercut-bench-heal-" + std::to_string(::getpid()) + ".jsonl")};
    {
        std::ofstream out(data.path);
        uint64_t rng = 88172645463325252ull;
        const int64_t vocab = session.info().config.vocabSize;
        for (const auto &ids : randomSequences((totalSteps + 1) * args.batch, args.length, vocab, rng))
            out << nlohmann::json{{"input_ids", ids}}.dump() << '\n';
        if (!out.flush())
            throw lc::Error("'" + data.path.string() + "': cannot write the benchmark's data");
    }

    lc::HealingConfig c;
    c.trainData = data.path;
    c.validationData = data.path;        // else 5% of the documents would be held out of training
    c.validationSequences = args.batch;  // one micro-batch before the first step and after the last, untimed
    c.sequenceLength = args.length;
    c.method = lc::HealingMethod::Lora;
    c.quantization = lc::parseQuantization(args.quant);
    c.rank = args.rank;
    c.alpha = static_cast<double>(args.rank);
    c.targetModules = args.targets == "all" ? lc::allLinearModules() : lc::ffnModules();
    c.steps = totalSteps;
    c.batchSize = args.batch;
    c.microBatchSize = args.batch;
    c.warmupSteps = 1;
    c.evalEvery = 0;
    c.activationCheckpointing = args.checkpointing;
    c.outputDir.clear();  // nothing written: no adapters, checkpoints or loss.csv

    // HealingStep::peakMemoryBytes counts from the first training step (after quantisation), so the last
    // step's covers the warmup steps and the first validation too. transformers' peer reports its peak over
    // the timed steps and, apart, the peak including its load; in a CUDA build the bench does the same: it
    // samples the allocator's peak while the weights are quantised (the bf16 load and the quantisation,
    // which healModel's reset leaves out) and resets it once the warmup steps are done.
    int64_t setupPeak = 0, trainingPeak = 0;
    bool training = false, timedPeak = false;
    std::vector<lc::HealingStep> steps;
    const auto warmupDone = [&](int64_t stepPeak) {
        trainingPeak = stepPeak;  // since training began: the first validation and the warmup steps
#if LAYERCUT_BENCH_CUDA
        if (!cudaIndices(args.device).empty()) {
            trainingPeak = std::max(trainingPeak, allocatorPeak(args.device));
            resetAllocatorPeak(args.device);
            timedPeak = true;
        }
#endif
    };
    lc::HealingCallbacks callbacks;
    callbacks.progress = [&](const lc::Progress &) {
    // Reading the data, then once per quantised block; the peak has not been reset since the load.
#if LAYERCUT_BENCH_CUDA
        if (!training && !cudaIndices(args.device).empty())
            setupPeak = std::max(setupPeak, allocatorPeak(args.device));
#endif
    };
    callbacks.started = [&](int64_t, const lc::HealingResult &) {
        training = true;
        if (args.warmupSteps == 0)
            warmupDone(0);
    };
    callbacks.stepFinished = [&](const lc::HealingStep &s) {
        steps.push_back(s);
        if (s.step == args.warmupSteps)
            warmupDone(s.peakMemoryBytes);
    };
    const lc::HealingResult result = lc::healModel(session, c, callbacks);
    if (result.cancelled || static_cast<int64_t>(steps.size()) != totalSteps)
        throw lc::Error("healing stopped after " + std::to_string(steps.size()) + " of " + std::to_string(totalSteps) +
                        " steps");

    // Throughput over the timed steps only: differences of the cumulative seconds and tokens.
    const lc::HealingStep &last = steps.back();
    const lc::HealingStep *before = args.warmupSteps > 0 ? &steps[static_cast<size_t>(args.warmupSteps - 1)] : nullptr;
    const double seconds = last.seconds - (before ? before->seconds : 0.0);
    const int64_t tokens = last.tokens - (before ? before->tokens : 0);
    double loss = 0.0;
    for (size_t i = static_cast<size_t>(args.warmupSteps); i < steps.size(); ++i)
        loss += steps[i].trainLoss;
    // After the reset the last step's peak is the timed steps'; without it (no CUDA), since training began.
    const int64_t peak = last.peakMemoryBytes;
    return {{"impl", "layercut"},
            {"mode", "heal"},
            {"tokens_per_second", seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0},
            {"peak_memory_bytes", peak},
            {"peak_memory_with_load_bytes", std::max({setupPeak, trainingPeak, peak})},
            {"peak_memory_load_and_quantization_bytes", setupPeak},
            {"peak_memory_scope", timedPeak ? "timed steps" : "training steps"},
            {"batch", args.batch},
            {"length", args.length},
            {"rank", args.rank},
            {"targets", args.targets},
            {"checkpointing", args.checkpointing},
            {"quantization", args.quant},
            {"steps", args.steps},
            {"warmup_steps", args.warmupSteps},
            {"seconds_per_step", seconds / static_cast<double>(args.steps)},
            {"trainable_parameters", result.trainableParameters},
            {"mean_loss", loss / static_cast<double>(args.steps)},
            {"load_seconds", loadSeconds}};
}

struct EvalArgs
{
    std::string folder, data, device = "cuda", dtype = "bfloat16";
    int64_t shots = 5, batchTokens = lc::EvalOptions{}.batchTokens, limit = 0, warmupLimit = -1, repeat = 3;
    bool reusePrefix = true;
};

CLI::App *addEvalCommand(CLI::App &app, EvalArgs &args)
{
    auto *cmd = app.add_subcommand("eval", "k-shot MMLU questions/s of a model folder (it needs a tokenizer)");
    cmd->add_option("MODEL_DIR", args.folder)->required();
    cmd->add_option("--data", args.data, "MMLU release layout (DIR/data/dev, DIR/data/test) or JSON Lines")->required();
    cmd->add_option("--device", args.device)->capture_default_str();
    cmd->add_option("--dtype", args.dtype)->capture_default_str();
    cmd->add_option("--shots", args.shots)->capture_default_str();
    cmd->add_option("--batch-tokens", args.batchTokens, "Tokens per forward pass")->capture_default_str();
    cmd->add_option("--limit", args.limit, "Timed questions per subject (0: all)")->capture_default_str();
    cmd->add_option("--warmup-limit", args.warmupLimit,
                    "Questions per subject of the untimed warm-up evaluation (-1: as the timed ones, 0: none)")
        ->capture_default_str();
    cmd->add_option("--repeat", args.repeat, "Timed evaluations (the best counts)")->capture_default_str();
    cmd->add_flag("--prefix-reuse,!--no-prefix-reuse", args.reusePrefix,
                  "Compute each subject's few-shot prefix once (keys and values shared by its questions)")
        ->capture_default_str();
    return cmd;
}

nlohmann::ordered_json benchEval(const EvalArgs &args)
{
    lc::ModelSession session;
    const auto loadStart = std::chrono::steady_clock::now();
    session.load(args.folder, {.device = args.device, .dtype = lc::parseDType(args.dtype)});
    const double loadSeconds = secondsSince(loadStart);
    lc::EvalOptions o;
    o.mmlu = args.data;
    o.shots = args.shots;
    o.batchTokens = args.batchTokens;
    o.reusePrefix = args.reusePrefix;
    // One untimed evaluation (by default of the same questions): CUDA context, kernels, cuBLAS's choices
    // for every shape, the allocator's blocks, the GPU's clocks.
    if (args.warmupLimit != 0) {
        o.limit = args.warmupLimit > 0 ? args.warmupLimit : args.limit;
        lc::evaluateModel(session, o);
    }
    o.limit = args.limit;
    // Timed: everything evaluateModel does, reading and tokenising the files included (its results come
    // back to the host batch by batch, so the GPU work is finished when it returns). The best run counts.
    std::vector<double> runs;
    lc::EvalResult r;
    for (int64_t i = 0; i < std::max<int64_t>(args.repeat, 1); ++i) {
        const auto start = std::chrono::steady_clock::now();
        r = lc::evaluateModel(session, o);
        runs.push_back(secondsSince(start));
    }
    const double seconds = *std::min_element(runs.begin(), runs.end());
    // LAYERCUT_TRACE=FILE: one more evaluation, recorded (operators and kernels) for bench/trace_summary.py.
    if (const char *trace = std::getenv("LAYERCUT_TRACE"); trace && lc::startTrace()) {
        lc::evaluateModel(session, o);
        lc::stopTrace(trace);
    }
    if (!r.mmlu || r.mmlu->overall.total == 0)
        throw lc::Error("'" + args.data + "': no MMLU questions were evaluated");
    const int64_t questions = r.mmlu->overall.total;
    // Where the time goes: the tokenising evaluateModel does (context and context + " A" .. " D" per question),
    // timed alone on the same threads' worth of work, one thread per core.
    const lc::MmluData data = lc::readMmlu(args.data, args.shots);
    std::vector<std::string> contexts;
    for (const auto &[subject, test] : data.test) {
        const auto &dev = data.dev.at(subject);
        const std::string prefix = lc::mmluFewShotPrefix(
            subject,
            std::vector<lc::ChoiceQuestion>(dev.begin(), dev.begin() + std::min<int64_t>(args.shots, dev.size())));
        for (size_t i = 0; i < test.size() && (args.limit == 0 || static_cast<int64_t>(i) < args.limit); ++i)
            contexts.push_back(prefix + lc::mmluQuestionText(test[i]));
    }
    const auto tokenizeStart = std::chrono::steady_clock::now();
    {
        const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 16);
        std::vector<std::thread> pool;
        for (size_t t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (size_t i = t; i < contexts.size(); i += threads) {
                    session.tokenizer()->encode(contexts[i], true);
                    for (const std::string &c : lc::mmluContinuations())
                        session.tokenizer()->encode(contexts[i] + c, true);
                }
            });
        for (std::thread &th : pool)
            th.join();
    }
    const double tokenizeSeconds = secondsSince(tokenizeStart);
    std::vector<int64_t> predictions;
    std::vector<std::vector<double>> loglikelihoods;  // per question, " A" .. " D", for print_table's comparison
    for (const lc::QuestionResult &q : r.mmlu->questions) {
        predictions.push_back(q.prediction);
        std::vector<double> rounded;
        for (const double ll : q.loglikelihoods)
            rounded.push_back(std::round(ll * 1e5) / 1e5);
        loglikelihoods.push_back(std::move(rounded));
    }
    return {{"impl", "layercut"},
            {"mode", "eval"},
            {"questions_per_second", static_cast<double>(questions) / seconds},
            {"questions", questions},
            {"tokens_computed", r.tokensComputed},
            {"seconds", seconds},
            {"shots", args.shots},
            {"accuracy", r.mmlu->overall.accuracy()},
            {"prefix_reuse", args.reusePrefix},
            {"batch_tokens", args.batchTokens},
            {"warmup_limit", args.warmupLimit},
            {"load_seconds", loadSeconds},
            {"tokenize_seconds", tokenizeSeconds},
            {"runs_seconds", runs},
            {"predictions", predictions},
            {"loglikelihoods", loglikelihoods}};
}

struct GenerateArgs
{
    std::string folder, prompts, device = "cuda", dtype = "bfloat16";
    int64_t batch = 32, maxNewTokens = 128;
};

CLI::App *addGenerateCommand(CLI::App &app, GenerateArgs &args)
{
    auto *cmd =
        app.add_subcommand("generate", "Greedy generation tokens/s: every prompt continued by exactly N tokens");
    cmd->add_option("MODEL_DIR", args.folder)->required();
    cmd->add_option("--prompts", args.prompts, "JSON Lines with a `prompt` field")->required();
    cmd->add_option("--device", args.device)->capture_default_str();
    cmd->add_option("--dtype", args.dtype)->capture_default_str();
    cmd->add_option("--batch", args.batch, "Prompts generated together")->capture_default_str();
    cmd->add_option("--max-new-tokens", args.maxNewTokens)->capture_default_str();
    return cmd;
}

nlohmann::ordered_json benchGenerate(const GenerateArgs &args)
{
    lc::ModelSession session;
    session.load(args.folder, {.device = args.device, .dtype = lc::parseDType(args.dtype)});
    std::vector<std::string> prompts;
    std::ifstream in(args.prompts);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            prompts.push_back(nlohmann::json::parse(line).at("prompt").get<std::string>());
    if (prompts.empty())
        throw lc::Error("'" + args.prompts + "': no prompts");
    lc::GenerationOptions o;
    o.maxNewTokens = args.maxNewTokens;
    o.stopAtEos = false;  // exactly N tokens per prompt on both sides
    o.batchSize = args.batch;
    lc::GenerationOptions warm = o;
    warm.maxNewTokens = 4;
    lc::generateText(
        session, "",
        std::vector<std::string>(prompts.begin(), prompts.begin() + std::min<size_t>(prompts.size(), args.batch)),
        warm);
    const auto start = std::chrono::steady_clock::now();
    const lc::GenerationRun run = lc::generateText(session, "", prompts, o);
    const double seconds = secondsSince(start);
    if (const char *trace = std::getenv("LAYERCUT_TRACE"); trace && lc::startTrace()) {  // as in benchEval
        lc::GenerationOptions few = o;
        few.maxNewTokens = 16;
        lc::generateText(
            session, "",
            std::vector<std::string>(prompts.begin(), prompts.begin() + std::min<size_t>(prompts.size(), args.batch)),
            few);
        lc::stopTrace(trace);
    }
    std::vector<std::vector<int32_t>> tokens;
    for (const lc::GeneratedText &g : run.outputs)
        tokens.push_back(g.tokens);
    return {{"impl", "layercut"},
            {"mode", "generate"},
            {"tokens_per_second", static_cast<double>(run.generatedTokens) / seconds},
            {"prompts", prompts.size()},
            {"batch", args.batch},
            {"max_new_tokens", args.maxNewTokens},
            {"generated_tokens", run.generatedTokens},
            {"prompt_tokens", run.promptTokens},
            {"seconds", seconds},
            {"tokens", tokens}};
}

}  // namespace

int main(int argc, char **argv)
{
    CLI::App app{"LayerCut benchmarks (JSON on stdout)", "layercut-bench"};
    app.require_subcommand(1);
    Args args;
    HealArgs healArgs;
    EvalArgs evalArgs;
    GenerateArgs generateArgs;
    auto *forward = addCommand(app, "forward", "Load time and forward tokens/s of a model folder", args);
    addCommand(app, "distances", "Angular-distance analysis tokens/s of a model folder", args);
    auto *heal = addHealCommand(app, healArgs);
    auto *eval = addEvalCommand(app, evalArgs);
    auto *generate = addGenerateCommand(app, generateArgs);
    CLI11_PARSE(app, argc, argv);
    try {
        const nlohmann::ordered_json result = heal->parsed()       ? benchHeal(healArgs)
                                              : eval->parsed()     ? benchEval(evalArgs)
                                              : generate->parsed() ? benchGenerate(generateArgs)
                                              : forward->parsed()  ? benchForward(args)
                                                                   : benchDistances(args);
        std::cout << result.dump() << std::endl;
        return 0;
    } catch (const std::exception &e) {
        const std::string message = e.what();
        std::fprintf(stderr, "layercut-bench: error: %s\n", message.substr(0, message.find('\n')).c_str());
        return 1;
    }
}
