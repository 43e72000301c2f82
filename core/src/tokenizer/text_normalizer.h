// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace lc {

struct TokenizerJsonReader;
class TextPattern;

/**
 * tokenizer.json's "normalizer", applied to the text between added tokens before it is pre-tokenized:
 * NFC, NFD, NFKC, NFKD, Prepend (sentencepiece's dummy prefix "▁", on non-empty text only), Replace (" " by
 * "▁" in Llama 2, Mistral and Gemma files), Strip, and a Sequence of these. Anything else is refused by name,
 * since running it approximately would change token ids without a word.
 */
class TextNormalizer
{
public:
    /** `node` may be null (no normalizer). Throws lc::Error naming the file. */
    TextNormalizer(const nlohmann::json &node, const TokenizerJsonReader &reader);
    ~TextNormalizer();
    TextNormalizer(TextNormalizer &&) noexcept;

    /** `text` (valid UTF-8) normalised. */
    std::string apply(std::string text) const;

private:
    struct Step;
    void read(const nlohmann::json &node, const TokenizerJsonReader &reader);
    std::vector<Step> m_steps;
};

}  // namespace lc
