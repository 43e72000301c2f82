// SPDX-License-Identifier: GPL-3.0-or-later
// lm-evaluation-harness's gsm8k task (lm_eval/tasks/gsm8k/gsm8k.yaml, version 3): prompts, stop strings,
// the strict-match and flexible-extract regex filters (lm_eval/filters/extraction.py: findall, the
// chosen match, its first non-empty group, stripped; "[invalid]" when none) and exact_match's
// regexes_to_ignore and ignore_case. Python's and ECMAScript's regexes agree on these patterns:
// leftmost match, alternatives tried in order.
#include "layercut/gsm8k.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace lc {
namespace {

constexpr const char *kInvalid = "[invalid]";

/** Python's str.strip(): ASCII whitespace at both ends. */
std::string stripped(const std::string &s)
{
    const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    const auto first = std::find_if_not(s.begin(), s.end(), space);
    const auto last = std::find_if_not(s.rbegin(), s.rend(), space).base();
    return first < last ? std::string(first, last) : std::string();
}

/** The first non-empty group of a match (the whole match when the pattern has no groups), stripped. */
std::string chosenGroup(const std::smatch &m)
{
    if (m.size() == 1)
        return stripped(m.str(0));
    for (size_t g = 1; g < m.size(); ++g)
        if (m[g].matched && m[g].length() > 0)
            return stripped(m.str(g));
    return {};
}

}  // namespace

std::string gsm8kQuestionText(const MathProblem &p)
{
    return "Question: " + p.question + "\nAnswer:";
}

std::string gsm8kFewShotPrefix(const std::vector<MathProblem> &shots)
{
    std::string prefix;
    for (const MathProblem &p : shots)
        prefix += gsm8kQuestionText(p) + " " + p.answer + "\n\n";
    return prefix;
}

const std::vector<std::string> &gsm8kStopStrings()
{
    static const std::vector<std::string> stops = {"Question:", "</s>", "<|im_end|>", "\n\n"};
    return stops;
}

ExtractedAnswer extractGsm8kAnswer(const std::string &generated)
{
    static const std::regex strict("#### (-?[0-9.,]+)");
    static const std::regex flexible("(-?[$0-9.,]{2,})|(-?[0-9]+)");
    ExtractedAnswer out{kInvalid, kInvalid};
    std::smatch m;
    if (std::regex_search(generated, m, strict))  // take_first of findall
        out.strict = chosenGroup(m);
    std::string last;
    bool any = false;
    for (auto it = std::sregex_iterator(generated.begin(), generated.end(), flexible); it != std::sregex_iterator();
         ++it) {  // group_select -1: the last match
        last = chosenGroup(*it);
        any = true;
    }
    if (any)
        out.flexible = last;
    return out;
}

std::string normalizeGsm8kAnswer(const std::string &text)
{
    std::string s;
    for (const char c : text)  // "," and "\$"
        if (c != ',' && c != '$')
            s += c;
    if (const size_t mark = s.rfind("#### "); mark != std::string::npos)  // "(?s).*#### ": up to the last one
        s.erase(0, mark + 5);
    // "\.$": Python's $ matches at the end and before a final newline
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    else if (s.size() >= 2 && s[s.size() - 1] == '\n' && s[s.size() - 2] == '.')
        s.erase(s.size() - 2, 1);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool gsm8kCorrect(const std::string &prediction, const std::string &referenceSolution)
{
    return normalizeGsm8kAnswer(prediction) == normalizeGsm8kAnswer(referenceSolution);
}

}  // namespace lc
