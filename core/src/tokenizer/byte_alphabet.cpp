// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/byte_alphabet.h"

namespace lc {

std::string utf8Of(uint32_t cp)
{
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s += static_cast<char>(0xE0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        s += static_cast<char>(0xF0 | (cp >> 18));
        s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

ByteAlphabet::ByteAlphabet()
{
    m_codepointToByte.fill(-1);
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        const uint32_t cp = printable ? static_cast<uint32_t>(b) : next++;
        m_byteToChar[b] = utf8Of(cp);
        m_codepointToByte[cp] = static_cast<int16_t>(b);
    }
}

const ByteAlphabet &ByteAlphabet::instance()
{
    static const ByteAlphabet alphabet;
    return alphabet;
}

std::string ByteAlphabet::spell(std::string_view text) const
{
    std::string out;
    out.reserve(text.size() * 2);
    for (const unsigned char c : text)
        out += m_byteToChar[c];
    return out;
}

std::optional<uint8_t> ByteAlphabet::byteOf(std::string_view ch) const
{
    uint32_t cp = 0;
    const auto *p = reinterpret_cast<const unsigned char *>(ch.data());
    if (ch.size() == 1 && p[0] < 0x80)
        cp = p[0];
    else if (ch.size() == 2 && (p[0] >> 5) == 0x6)
        cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    else
        return std::nullopt;
    if (cp >= m_codepointToByte.size() || m_codepointToByte[cp] < 0)
        return std::nullopt;
    return static_cast<uint8_t>(m_codepointToByte[cp]);
}

}  // namespace lc
