// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <utility>

#include "layercut/error.h"

namespace lc {

/**
 * What a long operation is doing. An enum, so that the GUI's texts for them are a switch the compiler
 * checks: a new stage without its text is a warning there.
 */
enum class Stage {
    OpeningCheckpoint,
    LoadingWeights,            // bytes of the checkpoint's tensors uploaded
    ReadingData,               // bytes of a data file read
    Tokenizing,                // documents tokenised
    TokenizingTrainingData,    // Tokenizing, for healing's training data
    TokenizingValidationData,  // Tokenizing, for healing's validation data
    Quantizing,                // kept layers quantised to NF4
    AttachingAdapters,         // LoRA on a base that needs no quantising
    Validating,                // validation blocks measured
    WritingCheckpoint,
    MeasuringDistances,  // samples measured
    MeasuringLoss,       // sequences measured
    Evaluating,          // sequences evaluated
    Generating,          // prompts whose generation finished
    Exporting,           // bytes written
    Sweep,               // sweep points measured
};

/** The stage's short English name, as the CLI prints it on stderr ("loading weights"). */
constexpr const char *stageName(Stage stage)
{
    switch (stage) {
    case Stage::OpeningCheckpoint: return "opening checkpoint";
    case Stage::LoadingWeights: return "loading weights";
    case Stage::ReadingData: return "reading data";
    case Stage::Tokenizing: return "tokenizing";
    case Stage::TokenizingTrainingData: return "tokenizing training data";
    case Stage::TokenizingValidationData: return "tokenizing validation data";
    case Stage::Quantizing: return "quantizing";
    case Stage::AttachingAdapters: return "attaching adapters";
    case Stage::Validating: return "validating";
    case Stage::WritingCheckpoint: return "writing checkpoint";
    case Stage::MeasuringDistances: return "measuring distances";
    case Stage::MeasuringLoss: return "measuring loss";
    case Stage::Evaluating: return "evaluating";
    case Stage::Generating: return "generating";
    case Stage::Exporting: return "exporting";
    case Stage::Sweep: return "sweep";
    }
    return "";
}

/** One progress report of a long operation: `current` of `total` units of `stage` are done. */
struct Progress
{
    Stage stage = Stage::OpeningCheckpoint;
    int64_t current = 0;
    int64_t total = 0;
    int64_t tokens = 0;  // tokens processed so far, where that means something (rates, time left)
};

/** Called from the thread doing the work; must be cheap and must not throw. */
using ProgressFn = std::function<void(const Progress &)>;

/** Throws lc::Cancelled if a stop was requested: call it between tensors, layers, batches or steps. */
inline void throwIfStopped(const std::stop_token &stop)
{
    if (stop.stop_requested())
        throw Cancelled();
}

/**
 * Progress of one stage for a loop that may call it for every item (a document, a block): reports the
 * first call, then whenever another 1/200 of `total` is done, and finish() reports total of total. The
 * GUI receives each report as a queued signal, so a loop over a million documents must not send each.
 */
class ThrottledProgress
{
public:
    ThrottledProgress(ProgressFn progress, Stage stage, int64_t total)
        : m_progress(std::move(progress)), m_stage(stage), m_total(total), m_step(total > 200 ? total / 200 : 1)
    {}

    void operator()(int64_t current, int64_t tokens = 0)
    {
        if (m_progress && (m_last < 0 || current - m_last >= m_step)) {
            m_last = current;
            m_progress({m_stage, current, m_total, tokens});
        }
    }

    void finish(int64_t tokens = 0)
    {
        if (m_progress)
            m_progress({m_stage, m_total, m_total, tokens});
    }

private:
    ProgressFn m_progress;
    Stage m_stage;
    int64_t m_total, m_step;
    int64_t m_last = -1;
};

}  // namespace lc
