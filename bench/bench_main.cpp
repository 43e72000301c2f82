// SPDX-License-Identifier: GPL-3.0-or-later
// layercut-bench forward MODEL_DIR: checkpoint load time to the device and forward throughput, as JSON.
#include <chrono>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "layercut/benchmark.h"
#include "layercut/layer_distances.h"
#include "layercut/model_session.h"

int main(int argc, char **argv)
{
    CLI::App app{"LayerCut benchmarks (JSON on stdout)", "layercut-bench"};
    app.require_subcommand(1);
    auto *forward = app.add_subcommand("forward", "Load time and forward tokens/s of a model folder");
    std::string folder, device = "cuda", dtype = "bfloat16";
    int64_t batch = 8, length = 2048;
    int iterations = 5;
    forward->add_option("MODEL_DIR", folder)->required();
    forward->add_option("--device", device)->capture_default_str();
    forward->add_option("--dtype", dtype)->capture_default_str();
    forward->add_option("--batch", batch)->capture_default_str();
    forward->add_option("--length", length)->capture_default_str();
    forward->add_option("--iters", iterations)->capture_default_str();
    auto *distances = app.add_subcommand("distances", "Angular-distance analysis throughput (tokens/s) of a model folder");
    distances->add_option("MODEL_DIR", folder)->required();
    distances->add_option("--device", device)->capture_default_str();
    distances->add_option("--dtype", dtype)->capture_default_str();
    distances->add_option("--batch", batch)->capture_default_str();
    distances->add_option("--length", length)->capture_default_str();
    distances->add_option("--iters", iterations)->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (distances->parsed()) {
        try {
            lc::ModelSession session;
            session.load(folder, {.device = device, .dtype = lc::parseDType(dtype)});
            const int64_t vocab = session.info().config.vocabSize;
            // Random full-length sequences, as the transformers side uses; one warm-up batch first.
            std::vector<std::vector<int64_t>> warm(static_cast<size_t>(batch)), seqs(static_cast<size_t>(batch * iterations));
            uint64_t x = 88172645463325252ull;
            for (auto *set : {&warm, &seqs})
                for (auto &s : *set)
                    for (int64_t t = 0; t < length; ++t) {
                        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                        s.push_back(static_cast<int64_t>(x % static_cast<uint64_t>(vocab)));
                    }
            lc::computeLayerDistances(session, warm, {.batchSize = batch});
            const auto start = std::chrono::steady_clock::now();
            const lc::LayerDistances d = lc::computeLayerDistances(session, seqs, {.batchSize = batch});
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            nlohmann::ordered_json j;
            j["impl"] = "layercut";
            j["batch"] = batch;
            j["length"] = length;
            j["sequences"] = d.samples;
            j["seconds"] = seconds;
            j["tokens_per_second"] = static_cast<double>(d.tokens) / seconds;
            j["d_1_best"] = d.angularAt(1, d.optimalStart(1));
            std::cout << j.dump() << std::endl;
            return 0;
        } catch (const std::exception &e) {
            std::string message = e.what();
            std::fprintf(stderr, "layercut-bench: error: %s\n", message.substr(0, message.find('\n')).c_str());
            return 1;
        }
    }
    try {
        lc::ModelSession session;
        const auto start = std::chrono::steady_clock::now();
        session.load(folder, {.device = device, .dtype = lc::parseDType(dtype)});
        const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const lc::ForwardBenchmark fb = lc::benchmarkForward(session, batch, length, iterations);
        nlohmann::ordered_json j;
        j["impl"] = "layercut";
        j["load_seconds"] = loadSeconds;
        j["checkpoint_bytes"] = session.info().checkpointBytes;
        j["batch"] = batch;
        j["length"] = length;
        j["iterations"] = iterations;
        j["seconds_per_iteration"] = fb.secondsPerIteration;
        j["tokens_per_second"] = fb.tokensPerSecond;
        std::cout << j.dump() << std::endl;
        return 0;
    } catch (const std::exception &e) {
        std::string message = e.what();
        std::fprintf(stderr, "layercut-bench: error: %s\n", message.substr(0, message.find('\n')).c_str());
        return 1;
    }
}
