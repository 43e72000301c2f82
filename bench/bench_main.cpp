// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-bench: LayerCut's side of the benchmarks, one JSON line on stdout per run.
//   forward MODEL_DIR     load time to the device and forward tokens/s (random ids, full logits)
//   distances MODEL_DIR   angular-distance analysis tokens/s (random full-length sequences)
#include <chrono>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "layercut/benchmark.h"
#include "layercut/layer_distances.h"
#include "layercut/model_session.h"

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
    return {{"impl", "layercut"}, {"load_seconds", loadSeconds}, {"checkpoint_bytes", session.info().checkpointBytes},
            {"batch", args.batch}, {"length", args.length}, {"iterations", args.iterations},
            {"seconds_per_iteration", fb.secondsPerIteration}, {"tokens_per_second", fb.tokensPerSecond}};
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
    return {{"impl", "layercut"},      {"batch", args.batch},  {"length", args.length},
            {"sequences", d.samples},  {"seconds", seconds},   {"tokens_per_second", static_cast<double>(d.tokens) / seconds},
            {"d_1_best", d.angularAt(1, d.optimalStart(1))}};
}

} // namespace

int main(int argc, char **argv)
{
    CLI::App app{"LayerCut benchmarks (JSON on stdout)", "layercut-bench"};
    app.require_subcommand(1);
    Args args;
    auto *forward = addCommand(app, "forward", "Load time and forward tokens/s of a model folder", args);
    addCommand(app, "distances", "Angular-distance analysis tokens/s of a model folder", args);
    CLI11_PARSE(app, argc, argv);
    try {
        std::cout << (forward->parsed() ? benchForward(args) : benchDistances(args)).dump() << std::endl;
        return 0;
    } catch (const std::exception &e) {
        const std::string message = e.what();
        std::fprintf(stderr, "layercut-bench: error: %s\n", message.substr(0, message.find('\n')).c_str());
        return 1;
    }
}
