// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/unicode_whitespace.h"

#include <algorithm>

#include "tokenizer/byte_alphabet.h"

namespace lc {
namespace {

char32_t decodeAt(std::string_view text, size_t i, size_t n)
{
    const auto *p = reinterpret_cast<const unsigned char *>(text.data() + i);
    if (n == 1)
        return p[0];
    char32_t cp = p[0] & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k)
        cp = (cp << 6) | (p[k] & 0x3F);
    return cp;
}

}  // namespace

bool isUnicodeWhitespace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

size_t leadingWhitespaceBytes(std::string_view text)
{
    size_t i = 0;
    while (i < text.size()) {
        const size_t n = std::min(utf8SequenceLength(static_cast<unsigned char>(text[i])), text.size() - i);
        if (!isUnicodeWhitespace(decodeAt(text, i, n)))
            break;
        i += n;
    }
    return i;
}

size_t trailingWhitespaceBytes(std::string_view text)
{
    size_t end = text.size();
    while (end > 0) {
        size_t start = end - 1;
        while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
            --start;
        if (!isUnicodeWhitespace(decodeAt(text, start, end - start)))
            break;
        end = start;
    }
    return text.size() - end;
}

}  // namespace lc
