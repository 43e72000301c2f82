// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string_view>

namespace lc {

/**
 * The byte offset of the first invalid UTF-8 sequence in `s`, or npos. Strict, as PCRE2 and Hugging Face
 * tokenizers read text: overlong forms, surrogates and code points past U+10FFFF are invalid.
 */
size_t invalidUtf8At(std::string_view s);

}  // namespace lc
