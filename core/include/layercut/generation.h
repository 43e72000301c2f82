// SPDX-License-Identifier: GPL-3.0-or-later
// Greedy generation with a key/value cache, batched: what transformers' generate(do_sample=False) computes
// for each prompt alone, and what lm-evaluation-harness's generate_until runs for generative tasks.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "layercut/model_session.h"
#include "layercut/progress.h"

namespace lc {

struct GenerationOptions
{
    int64_t maxNewTokens = 256;
    std::vector<std::string> stopStrings;  // the text ends before the first of these to appear
    bool stopAtEos = true;                 // the checkpoint's end-of-sequence ids end a row (not part of its text)
    int64_t batchSize = 32;                // prompts decoded together
    /** Context window: a prompt is left-truncated to leave maxNewTokens of it; 0: max_position_embeddings. */
    int64_t maxLength = 0;
};

enum class FinishReason { StopString, EndOfSequence, Length };

/** One prompt's continuation. */
struct GeneratedText
{
    std::string text;                 // decoded, cut before the stop string; without the EOS token
    std::vector<std::string> pieces;  // the text each token added: they join to `text` (one per token)
    std::vector<int32_t> tokens;      // every id generated, the one that ended it included
    std::vector<double> logprobs;     // each token's log-probability under the model (float32 log-softmax)
    FinishReason finish = FinishReason::Length;
    std::string stopString;    // the one that ended it (FinishReason::StopString)
    int64_t promptTokens = 0;  // what the model read before the first new token
    bool done = false;         // no more tokens follow (streamed steps)
};

/** "stop", "eos" or "length", as the JSON results spell them. */
const char *finishReasonName(FinishReason finish);

/** Called after each new token of each prompt, in order: prompt index and its continuation so far. */
using GenerationStepFn = std::function<void(size_t prompt, const GeneratedText &soFar)>;

struct GenerationRun
{
    std::vector<GeneratedText> outputs;  // one per prompt, in order
    int64_t promptTokens = 0;            // tokens run to read the prompts (the shared prefix once)
    int64_t generatedTokens = 0;         // tokens generated, over all prompts
    int64_t truncatedPrompts = 0;        // prompts cut from the left to leave maxNewTokens in the window
    double seconds = 0.0;
};

/**
 * Continues `sharedPrefix + prompts[i]` for every i greedily with the session's model as it is now (pruned,
 * healed). Each whole text is tokenised as the evaluation's contexts are (the tokenizer's own BOS rule);
 * when its tokens start with those of `sharedPrefix` alone, the prefix's keys and values are computed once
 * and shared. Progress counts prompts finished; `step` streams tokens. Throws lc::Cancelled when `stop`
 * fires and lc::Error when no model or tokenizer is loaded.
 */
GenerationRun generateText(ModelSession &session, const std::string &sharedPrefix,
                           const std::vector<std::string> &prompts, const GenerationOptions &options,
                           const GenerationStepFn &step = {}, const ProgressFn &progress = {},
                           std::stop_token stop = {});

/** Which model a generation runs: the checkpoint's, the pruned one before healing, or the model as it is. */
enum class ModelVariant { Original, Pruned, Healed };

/**
 * generateText() with the session's model as `variant`: every layer without the healing's adapters, the
 * layers the plan keeps without them, or as it is now; the model is as it was afterwards. After QLoRA the
 * kept layers' base is the NF4 one healing quantised. Inserted blocks are not the checkpoint's: the original
 * runs without them. Throws lc::Error when the variant no longer exists in memory (a fine-tuning run rewrote
 * the weights themselves; the original still runs when only inserted blocks trained).
 */
GenerationRun generateAs(ModelSession &session, ModelVariant variant, const std::string &sharedPrefix,
                         const std::vector<std::string> &prompts, const GenerationOptions &options,
                         const GenerationStepFn &step = {}, const ProgressFn &progress = {}, std::stop_token stop = {});

/** The ids that end a generation: generation_config.json's eos_token_id, else config.json's, and the tokenizer's. */
std::vector<int32_t> endOfSequenceIds(const ModelSession &session);

}  // namespace lc
