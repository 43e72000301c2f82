// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the tokenizer harnesses do with a tokenizer that loaded: encode texts of many scripts and the fuzzed
// bytes themselves (often invalid UTF-8), and decode the ids again.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_target.h"
#include "layercut/error.h"
#include "layercut/tokenizer.h"

namespace lc::fuzz {

/**
 * Encodes and decodes with `tokenizer`, read from the file `tokenizerFile` ("tokenizer.json", "tokenizer.model").
 * encode() may refuse a text (bytes that are not UTF-8, a character a malformed vocabulary cannot spell) but
 * only with an lc::Error that names that file.
 */
inline void exerciseTokenizer(const lc::Tokenizer &tokenizer, const std::string &tokenizerFile, const uint8_t *data,
                              size_t size)
{
    static const char *const kTexts[] = {
        "",
        "Hello world! 12345 don't",
        "  leading and trailing spaces  \n\n\ttabs",
        "Ünïcödé, 中文字符, 日本語のテキスト, 한국어, العربية, עברית, русский, emoji "
        "😀👍🏽",
        "<s></s><|endoftext|><|im_start|>user\n",
        "a\xcc\x81 e\xcc\x81 (combining marks) \xef\xbc\xa1 (fullwidth)",
    };
    const auto check = [&](std::string_view text) {
        try {
            for (const bool special : {false, true}) {
                const auto ids = tokenizer.encode(text, special);
                for (const int32_t id : ids)
                    if (id < 0 || id >= tokenizer.vocabSize())
                        finding("an id outside the vocabulary: " + std::to_string(id));
                (void)tokenizer.decode(ids);
            }
        } catch (const lc::Error &e) {
            if (std::string_view(e.what()).find(tokenizerFile) == std::string_view::npos)
                finding("an encode() error that does not name '" + tokenizerFile + "': " + e.what());
        }
    };
    for (const char *text : kTexts)
        check(text);
    // The fuzzed bytes as text too, bounded so one input cannot take seconds (linear time is tested separately
    // on megabytes).
    check(std::string_view(reinterpret_cast<const char *>(data), std::min<size_t>(size, 4096)));
}

}  // namespace lc::fuzz
