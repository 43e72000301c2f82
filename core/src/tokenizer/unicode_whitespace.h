// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string_view>

namespace lc {

/** Unicode's White_Space property (Rust's char::is_whitespace, which `tokenizers` uses). */
bool isUnicodeWhitespace(char32_t c);
/** Bytes of white space at the start / the end of `text` (valid UTF-8). */
size_t leadingWhitespaceBytes(std::string_view text);
size_t trailingWhitespaceBytes(std::string_view text);

}  // namespace lc
