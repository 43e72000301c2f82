// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/pre_tokenizer.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tokenizer/byte_alphabet.h"
#include "tokenizer/text_pattern.h"
#include "tokenizer/tokenizer_json_reader.h"

namespace lc {
namespace {

// GPT-2's ByteLevel regex, used when the ByteLevel pre-tokenizer has use_regex = true.
const char *kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

enum class Behavior { Isolated, Removed, MergedWithPrevious, MergedWithNext, Contiguous };
enum class PrependScheme { Always, First, Never };

struct Piece
{
    std::string text;
    bool startsText = false;
};

/** `tokenizers`' SplitDelimiterBehavior over the spans of one piece: the kept [begin, end) stretches. */
std::vector<TextPattern::Span> applyBehavior(std::vector<TextPattern::Span> spans, Behavior behavior, bool invert)
{
    if (invert)
        for (auto &s : spans)
            s.match = !s.match;
    std::vector<TextPattern::Span> out;
    switch (behavior) {
    case Behavior::Isolated: return spans;
    case Behavior::Removed:
        for (const auto &s : spans)
            if (!s.match)
                out.push_back(s);
        return out;
    case Behavior::MergedWithPrevious:
    case Behavior::Contiguous: {
        // MergedWithPrevious: a match joins the stretch before it (unless that was a match too).
        // Contiguous: neighbours of the same kind join.
        bool previousMatch = false;
        for (const auto &s : spans) {
            const bool join =
                behavior == Behavior::MergedWithPrevious ? (s.match && !previousMatch) : (s.match == previousMatch);
            if (join && !out.empty())
                out.back().end = s.end;
            else
                out.push_back(s);
            previousMatch = s.match;
        }
        return out;
    }
    case Behavior::MergedWithNext: {
        // A match joins the stretch after it: the same fold, from the right.
        bool previousMatch = false;
        for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
            if (it->match && !previousMatch && !out.empty())
                out.back().begin = it->begin;
            else
                out.push_back(*it);
            previousMatch = it->match;
        }
        std::reverse(out.begin(), out.end());
        return out;
    }
    }
    return out;
}

}  // namespace

struct PreTokenizer::Step
{
    enum class Kind { Split, ByteLevel, Metaspace } kind;
    std::unique_ptr<TextPattern> pattern;  // Split; ByteLevel with use_regex; Metaspace with split
    Behavior behavior = Behavior::Isolated;
    bool invert = false;
    bool addPrefixSpace = false;  // ByteLevel
    std::string replacement;      // Metaspace
    PrependScheme prepend = PrependScheme::Always;

    void run(Piece piece, std::vector<Piece> &out) const;
};

void PreTokenizer::Step::run(Piece piece, std::vector<Piece> &out) const
{
    if (kind == Kind::ByteLevel && addPrefixSpace && piece.text.rfind(' ', 0) != 0)
        piece.text.insert(0, " ");
    if (kind == Kind::Metaspace) {
        std::string replaced;
        for (const char c : piece.text)
            replaced += c == ' ' ? replacement : std::string(1, c);
        piece.text = std::move(replaced);
        const bool add = prepend == PrependScheme::Always || (prepend == PrependScheme::First && piece.startsText);
        if (add && piece.text.rfind(replacement, 0) != 0)
            piece.text.insert(0, replacement);
    }
    std::vector<TextPattern::Span> kept{{0, piece.text.size(), false}};
    if (pattern)
        kept = applyBehavior(pattern->spans(piece.text), behavior, invert);
    for (const auto &s : kept) {
        if (s.end <= s.begin)
            continue;  // `tokenizers` drops empty pieces
        std::string text = piece.text.substr(s.begin, s.end - s.begin);
        if (kind == Kind::ByteLevel)
            text = ByteAlphabet::instance().spell(text);
        out.push_back({std::move(text), piece.startsText && s.begin == 0});
    }
}

PreTokenizer::PreTokenizer(const nlohmann::json &node, const TokenizerJsonReader &reader)
{
    read(node, reader);
}

PreTokenizer::~PreTokenizer() = default;
PreTokenizer::PreTokenizer(PreTokenizer &&) noexcept = default;

void PreTokenizer::read(const nlohmann::json &p, const TokenizerJsonReader &r)
{
    if (p.is_null())
        return;
    const std::string type = r.text(p, "type", "pre_tokenizer", "");
    if (type == "Sequence") {
        for (const auto &child : r.array(p, "pretokenizers", "the Sequence pre_tokenizer"))
            read(child, r);
    } else if (type == "Split") {
        const std::string where = "the Split pre_tokenizer";
        Step step{.kind = Step::Kind::Split};
        const std::string behavior = r.text(p, "behavior", where, "?");
        const std::pair<const char *, Behavior> behaviors[] = {{"Isolated", Behavior::Isolated},
                                                               {"Removed", Behavior::Removed},
                                                               {"MergedWithPrevious", Behavior::MergedWithPrevious},
                                                               {"MergedWithNext", Behavior::MergedWithNext},
                                                               {"Contiguous", Behavior::Contiguous}};
        const auto *found = std::find_if(std::begin(behaviors), std::end(behaviors),
                                         [&](const auto &b) { return behavior == b.first; });
        if (found == std::end(behaviors))
            r.fail("Split behavior '" + behavior + "' is not one of tokenizers' five");
        step.behavior = found->second;
        step.invert = r.flag(p, "invert", where, false);
        step.pattern = TextPattern::fromJson(r.member(p, "pattern", where), r, "the Split pattern");
        m_steps.push_back(std::move(step));
    } else if (type == "ByteLevel") {
        const std::string where = "the ByteLevel pre_tokenizer";
        Step step{.kind = Step::Kind::ByteLevel, .addPrefixSpace = r.flag(p, "add_prefix_space", where, false)};
        if (r.flag(p, "use_regex", where, true))
            step.pattern = std::make_unique<TextPattern>(kGpt2Pattern, false, r.source);
        m_steps.push_back(std::move(step));
        m_byteLevel = true;
    } else if (type == "Metaspace") {
        const std::string where = "the Metaspace pre_tokenizer";
        Step step{.kind = Step::Kind::Metaspace, .replacement = r.text(p, "replacement", where, "\xE2\x96\x81")};
        if (step.replacement.empty())
            r.fail(where + " has an empty replacement");
        // tokenizers < 0.14 wrote add_prefix_space (true: always) instead of prepend_scheme.
        const bool legacyPrefix = r.flag(p, "add_prefix_space", where, true);
        const std::string scheme = r.text(p, "prepend_scheme", where, legacyPrefix ? "always" : "never");
        if (scheme == "always")
            step.prepend = PrependScheme::Always;
        else if (scheme == "first")
            step.prepend = PrependScheme::First;
        else if (scheme == "never")
            step.prepend = PrependScheme::Never;
        else
            r.fail(where + "'s prepend_scheme '" + scheme + "' is not always, first or never");
        if (r.flag(p, "split", where, true)) {
            step.pattern = std::make_unique<TextPattern>(step.replacement, true, r.source);
            step.behavior = Behavior::MergedWithNext;
        }
        m_steps.push_back(std::move(step));
    } else {
        r.fail("pre_tokenizer '" + type + "' is not supported");
    }
}

void PreTokenizer::split(std::string text, bool startsText, std::vector<std::string> &words) const
{
    std::vector<Piece> pieces{{std::move(text), startsText}}, next;
    for (const Step &step : m_steps) {
        next.clear();
        for (auto &piece : pieces)
            step.run(std::move(piece), next);
        pieces.swap(next);
    }
    for (auto &piece : pieces)
        if (!piece.text.empty())
            words.push_back(std::move(piece.text));
}

}  // namespace lc
