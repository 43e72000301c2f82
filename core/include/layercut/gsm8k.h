// SPDX-License-Identifier: GPL-3.0-or-later
// GSM8K as lm-evaluation-harness's `gsm8k` task (version 3) runs it: "Question: {question}\nAnswer:" after
// the first k training problems solved ("Question: …\nAnswer: {answer}"), joined by "\n\n"; greedy
// generation until a stop string; the answer extracted by its two filters (strict "#### number", flexible
// last number) and compared by exact match after its normalisation. Torch-free.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lc {

/** One word problem as GSM8K's JSON Lines give it: the solution ends "#### {number}". */
struct MathProblem
{
    int64_t index = 0;  // 0-based row in its file
    std::string question;
    std::string answer;  // the whole worked solution, as the harness's doc_to_target
};

/** GSM8K JSON Lines (`question`, `answer`). Throws lc::Error naming the file and line for malformed rows. */
std::vector<MathProblem> readGsm8k(const std::filesystem::path &path);

/** "Question: {question}\nAnswer:". */
std::string gsm8kQuestionText(const MathProblem &p);
/** The k solved examples: each "Question: …\nAnswer: {answer}\n\n"; empty for none. */
std::string gsm8kFewShotPrefix(const std::vector<MathProblem> &shots);
/** Where generation stops (the output ends before the first): "Question:", "</s>", "<|im_end|>", "\n\n". */
const std::vector<std::string> &gsm8kStopStrings();

/** What the harness's filters make of one generation: "[invalid]" when nothing matches. */
struct ExtractedAnswer
{
    std::string strict;    // the first "#### (-?[0-9.,]+)" number
    std::string flexible;  // the last match of "(-?[$0-9.,]{2,})|(-?[0-9]+)"
};
ExtractedAnswer extractGsm8kAnswer(const std::string &generated);

/**
 * The exact-match normalisation: "," and "$" removed, everything up to the last "#### " removed, a final
 * "." removed, lower case. Applied to the prediction and the reference solution alike.
 */
std::string normalizeGsm8kAnswer(const std::string &text);

/** True when the normalised prediction equals the normalised reference solution. */
bool gsm8kCorrect(const std::string &prediction, const std::string &referenceSolution);

}  // namespace lc
