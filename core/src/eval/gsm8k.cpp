// SPDX-License-Identifier: GPL-3.0-or-later
// lm-evaluation-harness's gsm8k task (lm_eval/tasks/gsm8k/gsm8k.yaml, version 3): prompts, stop strings,
// the strict-match and flexible-extract regex filters (lm_eval/filters/extraction.py: findall, the
// chosen match, its first non-empty group, stripped; "[invalid]" when none) and exact_match's
// regexes_to_ignore and ignore_case. The two patterns are matched by scanners that do what Python's re
// does with them (leftmost, greedy, alternatives in order).
#include "layercut/gsm8k.h"

#include <algorithm>
#include <cctype>

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

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

/** Length of the run of characters from `at` that `inClass` accepts. */
template <typename F>
size_t runLength(const std::string &s, size_t at, F inClass)
{
    size_t n = 0;
    while (at + n < s.size() && inClass(s[at + n]))
        ++n;
    return n;
}

/**
 * The first match of "#### (-?[0-9.,]+)", its group; empty when none. A scanner, not std::regex: libstdc++'s
 * regex recurses once per character matched, and a model can generate a long run of digits.
 */
std::string strictMatch(const std::string &s)
{
    const auto number = [](char c) { return isDigit(c) || c == '.' || c == ','; };
    for (size_t at = s.find("#### "); at != std::string::npos; at = s.find("#### ", at + 1)) {
        const size_t first = at + 5;
        const size_t sign = first < s.size() && s[first] == '-' ? 1 : 0;
        if (const size_t run = runLength(s, first + sign, number); run > 0)
            return s.substr(first, sign + run);
    }
    return {};
}

/**
 * The last match of findall("(-?[$0-9.,]{2,})|(-?[0-9]+)"), as Python's leftmost, greedy, first-alternative
 * matching finds them one after another; empty when none.
 */
std::string lastFlexibleMatch(const std::string &s)
{
    const auto amount = [](char c) { return isDigit(c) || c == '$' || c == '.' || c == ','; };
    std::string last;
    for (size_t at = 0; at < s.size();) {
        const size_t sign = s[at] == '-' ? 1 : 0;
        size_t length = 0;
        if (const size_t run = runLength(s, at + sign, amount); run >= 2)
            length = sign + run;  // the first alternative, "-" taken when it can be
        else if (const size_t digits = runLength(s, at + sign, isDigit); digits > 0)
            length = sign + digits;  // the second
        if (length == 0) {
            ++at;
            continue;
        }
        last = s.substr(at, length);
        at += length;
    }
    return last;
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
    ExtractedAnswer out{kInvalid, kInvalid};
    if (const std::string strict = stripped(strictMatch(generated)); !strict.empty())
        out.strict = strict;
    if (const std::string flexible = stripped(lastFlexibleMatch(generated)); !flexible.empty())
        out.flexible = flexible;
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
