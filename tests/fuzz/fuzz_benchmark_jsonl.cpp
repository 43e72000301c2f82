// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark JSON Lines: BoolQ (original and super_glue rows), MMLU (cais/mmlu rows) and GSM8K, chosen by the
// first byte (0xF0 and above: GSM8K, else its parity, as before GSM8K came), with the few-shot count from the
// second; then every prompt built, and for GSM8K every answer extracted and normalised.
#include "benchmark_prompts.h"
#include "fuzz_target.h"
#include "layercut/gsm8k.h"

namespace {

void parseBenchmarkJsonl(const uint8_t *data, size_t size)
{
    if (size < 2)
        return;
    const bool gsm8k = data[0] >= 0xF0, boolq = !gsm8k && data[0] % 2 == 0;
    const size_t shots = data[1] % 6;
    const std::string name = gsm8k ? "gsm8k.jsonl" : boolq ? "boolq.jsonl" : "mmlu.jsonl";
    const auto path = lc::fuzz::writeScratchFile(name, data + 2, size - 2);
    lc::fuzz::expectCleanFailure(name, lc::fuzz::asText(data, size), [&] {
        if (gsm8k) {
            const auto problems = lc::readGsm8k(path);
            const size_t k = std::min(shots, problems.size());
            (void)lc::gsm8kFewShotPrefix({problems.begin(), problems.begin() + static_cast<std::ptrdiff_t>(k)});
            for (const auto &p : problems) {
                (void)lc::gsm8kQuestionText(p);
                const lc::ExtractedAnswer a = lc::extractGsm8kAnswer(p.answer);
                (void)lc::gsm8kCorrect(a.strict, p.answer);
                (void)lc::gsm8kCorrect(a.flexible, p.answer);
            }
        } else if (boolq) {
            const auto questions = lc::readBoolq(path);
            for (const auto &q : questions)
                if (q.answer != 0 && q.answer != 1)
                    lc::fuzz::finding("a BoolQ answer of " + std::to_string(q.answer));
            const size_t k = std::min(shots, questions.size());
            (void)lc::boolqFewShotPrefix({questions.begin(), questions.begin() + static_cast<std::ptrdiff_t>(k)});
            for (const auto &q : questions)
                (void)lc::boolqQuestionText(q);
        } else {
            lc::fuzz::buildMmluPrompts(lc::readMmlu(path, static_cast<int64_t>(shots)), shots);
        }
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(benchmark_jsonl, parseBenchmarkJsonl)
