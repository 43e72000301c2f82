// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lc {

/**
 * GPT-2's bytes_to_unicode(): byte-level BPE spells every byte as one printable character. Printable bytes
 * stand for themselves; the other 68 are U+0100 onwards, in byte order.
 */
class ByteAlphabet
{
public:
    static const ByteAlphabet &instance();

    /** Every byte of `text` spelled as its character. */
    std::string spell(std::string_view text) const;
    /** The byte a character (one UTF-8 sequence) spells, if it is one of the 256. */
    std::optional<uint8_t> byteOf(std::string_view character) const;

private:
    ByteAlphabet();
    std::array<std::string, 256> m_byteToChar;
    std::array<int16_t, 0x144> m_codepointToByte{};  // the characters are below U+0144; -1 where none
};

/** The length of the UTF-8 sequence that `lead` starts (1 for a stray continuation byte). */
inline size_t utf8SequenceLength(unsigned char lead)
{
    return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
}

/** UTF-8 for a code point. */
std::string utf8Of(uint32_t codepoint);

}  // namespace lc
