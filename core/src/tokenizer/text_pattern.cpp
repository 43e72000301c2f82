// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/text_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "layercut/error.h"
#include "tokenizer/tokenizer_json_reader.h"

namespace lc {

TextPattern::TextPattern(const std::string &pattern, bool literal, const std::string &source, const std::string &what)
    : m_empty(pattern.empty() && literal), m_source(source)
{
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    // PCRE2_LITERAL allows no other option but UTF (with UCP it refuses to compile).
    const uint32_t options = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP);
    m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &errorCode,
                           &errorOffset, nullptr);
    if (!m_code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof message);
        throw Error("'" + source + "': " + what + "'s regular expression '" + pattern +
                    "' does not compile at offset " + std::to_string(errorOffset) + ": " +
                    reinterpret_cast<const char *>(message));
    }
    pcre2_jit_compile(m_code, PCRE2_JIT_COMPLETE);  // best effort: the interpreter gives the same matches
}

TextPattern::~TextPattern()
{
    pcre2_code_free(m_code);
}

std::unique_ptr<TextPattern> TextPattern::fromJson(const nlohmann::json &node, const TokenizerJsonReader &reader,
                                                   const std::string &where)
{
    if (node.is_object() && node.contains("Regex"))
        return std::make_unique<TextPattern>(reader.text(node, "Regex", where, ""), false, reader.source, where);
    if (node.is_object() && node.contains("String"))
        return std::make_unique<TextPattern>(reader.text(node, "String", where, ""), true, reader.source, where);
    reader.fail(where + " is neither Regex nor String");
}

std::vector<TextPattern::Span> TextPattern::spans(std::string_view text) const
{
    if (text.empty() || m_empty)
        return {{0, text.size(), false}};
    std::vector<Span> out;
    pcre2_match_data *match = pcre2_match_data_create_from_pattern(m_code, nullptr);
    const auto *subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t start = 0;     // where the next search begins
    size_t previous = 0;  // end of the last match
    while (start <= text.size()) {
        // The text's UTF-8 is checked by the first search only: PCRE2 would check the whole rest of it again
        // at every search, which made one long line quadratic (200 KB: 4.8 s).
        const int rc =
            pcre2_match(m_code, subject, text.size(), start, start == 0 ? 0 : PCRE2_NO_UTF_CHECK, match, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            // Invalid UTF-8, or a limit the pattern ran into (catastrophic backtracking): an error, not a
            // silent end of the pieces.
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof message);
            pcre2_match_data_free(match);
            throw Error("'" + m_source + "': a regular expression failed at byte " + std::to_string(start) +
                        " of a text of " + std::to_string(text.size()) +
                        " bytes: " + reinterpret_cast<const char *>(message));
        }
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(match);
        const size_t b = ov[0], e = ov[1];
        if (b > previous)
            out.push_back({previous, b, false});
        out.push_back({b, e, true});
        previous = e;
        if (e > b) {
            start = e;
        } else {
            // An empty match: step over one UTF-8 character so the search moves on.
            size_t next = b + 1;
            while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80)
                ++next;
            start = next;
        }
    }
    pcre2_match_data_free(match);
    if (previous < text.size())
        out.push_back({previous, text.size(), false});
    return out;
}

std::string TextPattern::replaceAll(std::string_view text, const std::string &content) const
{
    std::string out;
    out.reserve(text.size());
    for (const Span &s : spans(text))
        if (s.match && s.end > s.begin)
            out += content;
        else
            out.append(text.substr(s.begin, s.end - s.begin));
    return out;
}

}  // namespace lc
