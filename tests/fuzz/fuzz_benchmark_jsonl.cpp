// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark JSON Lines: BoolQ (original and super_glue rows) and MMLU (cais/mmlu rows), chosen by the first
// byte, with the few-shot count from the second; then every prompt built.
#include "benchmark_prompts.h"
#include "fuzz_target.h"

namespace {

void parseBenchmarkJsonl(const uint8_t *data, size_t size)
{
    if (size < 2)
        return;
    const bool boolq = data[0] % 2 == 0;
    const size_t shots = data[1] % 6;
    const std::string name = boolq ? "boolq.jsonl" : "mmlu.jsonl";
    const auto path = lc::fuzz::writeScratchFile(name, data + 2, size - 2);
    lc::fuzz::expectCleanFailure(name, lc::fuzz::asText(data, size), [&] {
        if (boolq) {
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
