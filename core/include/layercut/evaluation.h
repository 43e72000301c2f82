// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation as the Language Model Evaluation Harness does it: MMLU (k-shot, the default `mmlu` task) and
// BoolQ (0-shot) scored by summed continuation log-likelihoods, and the held-out language-model loss.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "layercut/model_session.h"
#include "layercut/progress.h"

namespace lc {

/** One multiple-choice question as a benchmark file gives it. */
struct ChoiceQuestion
{
    std::string subject;  // MMLU subject, e.g. "abstract_algebra"; empty for BoolQ
    int64_t index = 0;    // 0-based row in its file (MMLU: in its subject's test file)
    std::string question;
    std::string passage;               // BoolQ only
    std::vector<std::string> choices;  // MMLU: the four options; BoolQ: empty (the choices are no / yes)
    int64_t answer = 0;                // index into the task's choices
};

/** MMLU as dev (few-shot pool) and test questions per subject, subjects in alphabetical order. */
struct MmluData
{
    std::map<std::string, std::vector<ChoiceQuestion>> dev, test;
};

/**
 * Reads MMLU from the original release (a folder holding data/dev/SUBJECT_dev.csv and data/test/SUBJECT_test.csv, or
 * that data/ folder itself; CSV without header: question, A, B, C, D, answer letter) or from JSON Lines
 * rows like cais/mmlu's (`question`, `subject`, `choices`, `answer` as 0-3 or a letter). A JSON Lines file
 * has no dev split: the first `shots` rows of each subject serve as its few-shot examples and are not
 * scored. Throws lc::Error naming the file and line for malformed rows.
 */
MmluData readMmlu(const std::filesystem::path &path, int64_t shots);

/** BoolQ JSON Lines: the original (`question`, `passage`, `answer` true/false) or super_glue (`label` 0/1). */
std::vector<ChoiceQuestion> readBoolq(const std::filesystem::path &path);

/** "high_school_us_history" -> "high school us history", as lm-evaluation-harness writes it. */
std::string mmluSubjectText(const std::string &subject);
/** The harness's category of an MMLU subject: "stem", "humanities", "social_sciences" or "other". */
std::string mmluCategory(const std::string &subject);

/** The description line and the k solved examples every question of a subject shares. */
std::string mmluFewShotPrefix(const std::string &subject, const std::vector<ChoiceQuestion> &shots);
/** The question part: "{question}\nA. ..\nB. ..\nC. ..\nD. ..\nAnswer:". */
std::string mmluQuestionText(const ChoiceQuestion &q);
/** "{passage}\nQuestion: {question}?\nAnswer:". */
std::string boolqQuestionText(const ChoiceQuestion &q);
/** k solved BoolQ examples, each "{question text} yes|no" followed by the harness's "\n\n"; empty for k = 0. */
std::string boolqFewShotPrefix(const std::vector<ChoiceQuestion> &shots);
/** The continuations scored: " A", " B", " C", " D" and " no", " yes". */
const std::vector<std::string> &mmluContinuations();
const std::vector<std::string> &boolqContinuations();

struct EvalOptions
{
    std::filesystem::path mmlu;            // folder or .jsonl; empty: skip
    std::filesystem::path boolq;           // .jsonl; empty: skip
    std::filesystem::path validationData;  // text for the held-out loss; empty: skip
    std::filesystem::path gsm8k;           // GSM8K test .jsonl; empty: skip
    std::filesystem::path gsm8kTrain;      // where its few-shot examples come from (first k rows); empty: the test
                                           // file's first k rows, then not scored
    int64_t gsm8kShots = 5;                // the harness's num_fewshot for gsm8k
    int64_t maxNewTokens = 256;            // generation's limit per question (the harness's max_gen_toks)
    int64_t generationBatch = 32;          // questions decoded together
    int64_t shots = 5;                     // MMLU few-shot examples (the first k dev rows, as the harness)
    int64_t boolqShots = 0;                // BoolQ few-shot examples: the file's first k rows, then not scored
    int64_t limit = 0;                     // questions per MMLU subject and of BoolQ (0: all), like --limit
    int64_t maxLength = 0;                 // context window; 0: the model's max_position_embeddings
    int64_t batchTokens = 16384;           // tokens per forward pass
    bool reusePrefix = true;               // keys and values of a subject's few-shot prefix computed once
    int64_t lossSequences = 64;            // held-out loss: documents, each cut at lossLength tokens
    int64_t lossLength = 2048;
    /** Left out of the loss sample besides ModelSession::trainedDocuments() (a sweep's healing data). */
    std::shared_ptr<const DocumentIds> excludeDocuments;
};

struct QuestionResult
{
    std::string subject;
    int64_t index = 0;
    std::vector<double> loglikelihoods;  // one per choice, in the harness's choice order
    int64_t prediction = 0;              // argmax of the log-likelihoods
    int64_t answer = 0;
};

struct Tally
{
    int64_t correct = 0, total = 0;
    double accuracy() const { return total > 0 ? static_cast<double>(correct) / static_cast<double>(total) : 0.0; }
};

struct TaskResult
{
    Tally overall;                          // micro-average over all questions
    std::map<std::string, Tally> subjects;  // MMLU
    std::map<std::string, Tally> categories;
    double majorityBaseline = 0.0;  // accuracy of always answering the most common answer
    std::vector<QuestionResult> questions;
};

/** One generated answer, scored as the harness's gsm8k task scores it (gsm8k.h). */
struct GeneratedAnswer
{
    int64_t index = 0;               // 0-based row in the test file
    std::string generated;           // the continuation, cut before its stop string
    std::string prediction;          // strict-match: the "#### number", or "[invalid]"
    std::string flexiblePrediction;  // flexible-extract: the last number, or "[invalid]"
    std::string answer;              // the reference solution's number, normalised
    bool correct = false;            // strict-match exact match
    bool flexibleCorrect = false;
    int64_t generatedTokens = 0;
    std::string finish;  // "stop", "eos" or "length"
};

struct GenerativeResult
{
    Tally strict, flexible;  // exact match under each filter, over every question
    int64_t shots = 0;
    std::vector<GeneratedAnswer> questions;
    int64_t promptTokens = 0, generatedTokens = 0;
    int64_t truncatedPrompts = 0;  // prompts cut from the left to fit the context window with the new tokens
    double seconds = 0.0;          // generation alone
};

struct EvalResult
{
    std::optional<TaskResult> mmlu, boolq;
    std::optional<GenerativeResult> gsm8k;
    std::optional<LossResult> loss;
    double normalizedLoss = 0.0;      // loss / ln V: 1.0 is uniform guessing (Gromov et al.'s plots)
    std::filesystem::path lossData;   // the file the loss sample came from
    int64_t lossDocumentsInFile = 0;  // its documents
    int64_t lossExcludedTrained = 0;  // of those, left out because the model was trained on them
    int64_t tokensComputed = 0;       // tokens run through the model (prefix reuse makes this small)
    double seconds = 0.0;
};

/**
 * Evaluates the model as it is now (pruned, healed) on what `options` names. Progress per batch; throws
 * lc::Cancelled when `stop` fires and lc::Error for bad files (naming them).
 */
EvalResult evaluateModel(ModelSession &session, const EvalOptions &options, const ProgressFn &progress = {},
                         std::stop_token stop = {});

}  // namespace lc
