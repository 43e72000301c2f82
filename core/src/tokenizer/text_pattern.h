// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

struct pcre2_real_code_8;

namespace lc {

struct TokenizerJsonReader;

/**
 * A tokenizer.json pattern, `{"Regex": ...}` or `{"String": ...}`, as the Split pre-tokenizer and the Replace
 * normalizer and decoder use it. PCRE2 in UTF + UCP mode gives the Unicode classes (\p{L}, \p{N}, \s), the
 * case-insensitive group and the negative lookahead that the Llama 3 and Qwen2 patterns need.
 */
class TextPattern
{
public:
    /**
     * `literal` treats `pattern` as plain text (the {"String": ...} form). Throws lc::Error naming `source` and
     * `what` (e.g. "the Split pattern") when it does not compile.
     */
    TextPattern(const std::string &pattern, bool literal, const std::string &source,
                const std::string &what = "a pattern");
    ~TextPattern();
    TextPattern(const TextPattern &) = delete;
    TextPattern &operator=(const TextPattern &) = delete;

    /** Reads `node` (an object with "Regex" or "String"); `where` names it in errors. */
    static std::unique_ptr<TextPattern> fromJson(const nlohmann::json &node, const TokenizerJsonReader &reader,
                                                 const std::string &where);

    /** A stretch of the text, [begin, end) in bytes, and whether the pattern matched it. */
    struct Span
    {
        size_t begin = 0, end = 0;
        bool match = false;
    };
    /**
     * The text cut into matches and the stretches between them, left to right, as `tokenizers`' find_matches
     * does (an empty match still cuts; an empty text is one empty non-match). Linear in the text's length,
     * thread-safe; throws lc::Error when the text is not UTF-8 or the regex runs into a limit.
     */
    std::vector<Span> spans(std::string_view text) const;
    /** `text` with every non-empty match replaced by `content`. */
    std::string replaceAll(std::string_view text, const std::string &content) const;

private:
    pcre2_real_code_8 *m_code = nullptr;
    bool m_empty = false;  // an empty String pattern matches nothing
    std::string m_source;  // the tokenizer file, for errors
};

}  // namespace lc
