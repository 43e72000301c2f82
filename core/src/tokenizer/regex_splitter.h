// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct pcre2_real_code_8;

namespace lc {

/**
 * One `Split` pre-tokenizer step with behaviour "Isolated": every regex match becomes a piece, and so does
 * every stretch between matches. PCRE2 in UTF + UCP mode gives the Unicode classes (\p{L}, \p{N}, \s),
 * the case-insensitive group and the negative lookahead that the Llama 3 and Qwen2 patterns need.
 */
class RegexSplitter
{
public:
    /** `literal` treats `pattern` as plain text (tokenizer.json's {"String": ...} patterns). Throws lc::Error. */
    RegexSplitter(const std::string &pattern, bool literal, const std::string &source);
    ~RegexSplitter();
    RegexSplitter(const RegexSplitter &) = delete;
    RegexSplitter &operator=(const RegexSplitter &) = delete;

    /** Appends the pieces of `text` to `out`, in time linear in its length. Thread-safe; throws lc::Error. */
    void split(std::string_view text, std::vector<std::string> &out) const;

private:
    pcre2_real_code_8 *m_code = nullptr;
    std::string m_source;  // the tokenizer file, for errors
};

}  // namespace lc
