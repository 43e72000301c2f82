// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/regex_splitter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "layercut/error.h"

namespace lc {

RegexSplitter::RegexSplitter(const std::string &pattern, bool literal, const std::string &source) : m_source(source)
{
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    const uint32_t options = PCRE2_UTF | PCRE2_UCP | (literal ? PCRE2_LITERAL : 0);
    m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &errorCode,
                           &errorOffset, nullptr);
    if (!m_code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof message);
        throw Error("'" + source + "': pre-tokenizer regex does not compile at offset " + std::to_string(errorOffset) +
                    ": " + reinterpret_cast<const char *>(message));
    }
    pcre2_jit_compile(m_code, PCRE2_JIT_COMPLETE);  // best effort: the interpreter gives the same matches
}

RegexSplitter::~RegexSplitter()
{
    pcre2_code_free(m_code);
}

void RegexSplitter::split(std::string_view text, std::vector<std::string> &out) const
{
    pcre2_match_data *match = pcre2_match_data_create_from_pattern(m_code, nullptr);
    const auto *subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t start = 0;    // where the next search begins
    size_t emitted = 0;  // end of the last piece emitted
    while (start <= text.size()) {
        // The text's UTF-8 is checked by the first search only: PCRE2 would check the whole rest of it again
        // at every search, which made one long line quadratic (200 KB: 4.8 s).
        const int rc =
            pcre2_match(m_code, subject, text.size(), start, start == 0 ? 0 : PCRE2_NO_UTF_CHECK, match, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            // Invalid UTF-8 (rejected before, when the text was normalised), or a limit the pattern ran into
            // (catastrophic backtracking): an error, not a silent end of the pieces.
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof message);
            pcre2_match_data_free(match);
            throw Error("'" + m_source + "': the pre-tokenizer's regular expression failed at byte " +
                        std::to_string(start) + " of a text of " + std::to_string(text.size()) +
                        " bytes: " + reinterpret_cast<const char *>(message));
        }
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(match);
        const size_t b = ov[0], e = ov[1];
        if (b > emitted) {
            out.emplace_back(text.substr(emitted, b - emitted));
            emitted = b;
        }
        if (e > b) {
            out.emplace_back(text.substr(b, e - b));
            emitted = e;
            start = e;
        } else {
            // An empty match: step over one UTF-8 character so the search moves on.
            size_t next = b + 1;
            while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80)
                ++next;
            start = next;
        }
    }
    if (emitted < text.size())
        out.emplace_back(text.substr(emitted));
    pcre2_match_data_free(match);
}

}  // namespace lc
