// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the benchmark harnesses do with questions that were read: build every prompt evaluation would score.

#include <string>

#include "fuzz_target.h"
#include "layercut/evaluation.h"

namespace lc::fuzz {

inline void buildMmluPrompts(const lc::MmluData &mmlu, size_t shots)
{
    for (const auto &[subject, questions] : mmlu.test) {
        const auto dev = mmlu.dev.find(subject);
        std::vector<lc::ChoiceQuestion> examples;
        if (dev != mmlu.dev.end())
            examples.assign(dev->second.begin(), dev->second.begin() + std::min(shots, dev->second.size()));
        const std::string prefix = lc::mmluFewShotPrefix(subject, examples);
        for (const auto &q : questions) {
            if (q.answer < 0 || q.answer >= 4 || q.choices.size() != 4)
                finding("an MMLU question read with answer " + std::to_string(q.answer) + " of " +
                        std::to_string(q.choices.size()) + " choices");
            (void)(prefix + lc::mmluQuestionText(q));
        }
        (void)lc::mmluCategory(subject);
    }
}

}  // namespace lc::fuzz
