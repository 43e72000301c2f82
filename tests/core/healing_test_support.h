// SPDX-License-Identifier: GPL-3.0-or-later
// What the healing suites share: the fixture folders, a short run's settings, a pruned fixture, a probe batch
// and its logits, and readers of a run's results.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_device.h"

#include "layercut/checkpoint.h"
#include "layercut/healing.h"
#include "layercut/model_session.h"
#include "layercut/safetensors_file.h"

namespace lc::healing_test {

using lc::test::testDevice;
namespace fs = std::filesystem;

inline const std::string kModels = std::string(LAYERCUT_FIXTURES_DIR) + "/models/";
inline const std::string kCorpus = std::string(LAYERCUT_FIXTURES_DIR) + "/data/tiny_corpus.txt";

/** A short QLoRA run on the tiny corpus: sequences of 32 tokens, batches of 4 in micro-batches of 2. */
inline HealingConfig tinyConfig(int64_t steps)
{
    HealingConfig c;
    c.trainData = kCorpus;
    c.sequenceLength = 32;
    c.batchSize = 4;
    c.microBatchSize = 2;
    c.steps = steps;
    c.rank = 8;
    c.alpha = 16;
    c.learningRate = 3e-3;
    if (steps > 2)
        c.warmupSteps = 2;  // shorter runs: the automatic warmup (an explicit one must be shorter than the run)
    c.evalEvery = 0;
    c.validationSequences = 4;
    return c;
}

inline std::unique_ptr<ModelSession> loadPruned(const std::string &family = "llama3_gqa_sharded")
{
    auto session = std::make_unique<ModelSession>();
    session->load(kModels + family, testDevice());
    session->applyPrunePlan(PrunePlan::dropBlock(session->info().config.numLayers, 2, 2));
    return session;
}

inline TokenBatch probe()
{
    return TokenBatch::padded({{5, 17, 3, 99, 42, 7, 8}, {11, 12, 13}});
}

inline std::vector<float> logits(ModelSession &s)
{
    return s.forward(probe()).logits;
}

inline double relativeError(const std::vector<float> &a, const std::vector<float> &b)
{
    double diff = 0, scale = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        diff = std::max(diff, double(std::abs(a[i] - b[i])));
        scale = std::max(scale, double(std::abs(b[i])));
    }
    return a.size() == b.size() ? diff / scale : INFINITY;
}

/** A validation text of its own: 400 lines of the corpus's words in a seeded order (no line is a training one). */
inline void writeValidationText(const fs::path &path)
{
    const std::vector<std::string> words = {"Heal", "brown", "model",  "layer", "dog",   "prune", "quick",
                                            "café", "lazy",  "stream", "fox",   "block", "angle", "residual"};
    std::ofstream out(path);
    uint32_t x = 12345;
    for (int line = 0; line < 400; ++line) {
        for (int w = 0; w < 12; ++w) {
            x = x * 1664525u + 1013904223u;
            out << (w ? " " : "") << words[(x >> 16) % words.size()];
        }
        out << " validation.\n";
    }
}

/** The mean training loss of the last `count` steps: one step's loss is a single noisy batch. */
inline double meanOfLastSteps(const HealingResult &r, size_t count)
{
    double sum = 0;
    for (size_t i = r.steps.size() - count; i < r.steps.size(); ++i)
        sum += r.steps[i].trainLoss;
    return sum / static_cast<double>(count);
}

inline std::vector<double> losses(const HealingResult &r)
{
    std::vector<double> out;
    for (const HealingStep &s : r.steps)
        out.push_back(s.trainLoss);
    return out;
}

/** The float32 master weights a run's checkpoint holds ("param/NAME"), by NAME. */
inline std::map<std::string, std::vector<float>> checkpointMasters(const fs::path &checkpoint)
{
    std::map<std::string, std::vector<float>> masters;
    const SafetensorsFile file(checkpoint / "training_state.safetensors");
    for (const TensorEntry &t : file.tensors()) {
        if (t.name.rfind("param/", 0) != 0)
            continue;
        std::vector<float> &values = masters[t.name.substr(6)];
        values.resize(static_cast<size_t>(t.numel()));
        std::memcpy(values.data(), t.data, t.byteSize());
    }
    return masters;
}

/** Partial fine-tuning of the last kept block: 3 steps at a learning rate that moves every weight. */
inline HealingConfig lastBlockConfig()
{
    HealingConfig c = tinyConfig(3);
    c.method = HealingMethod::PartialLayers;
    c.trainLastLayers = 1;
    c.learningRate = 1e-2;
    c.warmupSteps = 0;
    return c;
}

/** True when tensor `from` of `a` and tensor `to` of `b` both exist and hold the same bytes. */
inline bool sameBytes(const Checkpoint &a, const std::string &from, const Checkpoint &b, const std::string &to)
{
    const TensorEntry *x = a.find(from).first, *y = b.find(to).first;
    return x && y && x->byteSize() == y->byteSize() && std::memcmp(x->data, y->data, x->byteSize()) == 0;
}

}  // namespace lc::healing_test
