// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace lc {

struct TokenizerJsonReader;

/**
 * tokenizer.json's "decoder": token strings back to text, as `tokenizers`' decode_chain does. Steps:
 * ByteLevel (GPT-2 characters to bytes, invalid UTF-8 as U+FFFD), Replace ("▁" to " "), ByteFallback
 * ("<0xE6>" tokens to bytes), Fuse, Strip (a number of one character from each token's ends), Metaspace,
 * and a Sequence of these. Without a decoder the tokens are joined with spaces, as `tokenizers` does.
 */
class TokenDecoder
{
public:
    /** `node` may be null. Throws lc::Error naming the file for a step it does not run. */
    TokenDecoder(const nlohmann::json &node, const TokenizerJsonReader &reader);
    ~TokenDecoder();
    TokenDecoder(TokenDecoder &&) noexcept;

    std::string decode(std::vector<std::string> tokens) const;

private:
    struct Step;
    void read(const nlohmann::json &node, const TokenizerJsonReader &reader);
    std::vector<Step> m_steps;
};

}  // namespace lc
