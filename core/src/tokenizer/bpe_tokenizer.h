// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "layercut/tokenizer.h"
#include "tokenizer/added_tokens.h"
#include "tokenizer/tokenizer_config.h"

namespace lc {

class BpeModel;
class PreTokenizer;
class TextNormalizer;
class TokenDecoder;

/**
 * A Hugging Face `tokenizer.json` with a BPE model, run as `tokenizers` runs it: added tokens split first
 * (leftmost-longest, in the raw text, then the normalised ones in the normalised text), the normalizer,
 * the pre-tokenizer, BPE, and the post-processor template for special tokens; decoding through the
 * decoder chain. Both kinds real checkpoints ship:
 *   - byte-level BPE (GPT-2 family: Llama 3, Qwen2/2.5/3): a Split regex and ByteLevel;
 *   - sentencepiece-style BPE (Llama 2, Mistral, Gemma): Prepend/Replace normalizers or Metaspace, no
 *     pre-tokenizer or a Split on a string, byte_fallback, and the Replace/ByteFallback/Fuse/Strip decoders.
 */
class BpeTokenizer final : public Tokenizer
{
public:
    /** Throws lc::Error naming `tokenizerJson` for anything it cannot run exactly. */
    BpeTokenizer(const std::filesystem::path &tokenizerJson, const SpecialTokenRules &rules);
    ~BpeTokenizer() override;

    std::vector<int32_t> encode(std::string_view text, bool addSpecial) const override;
    std::string decode(const std::vector<int32_t> &ids) const override;
    int64_t vocabSize() const override { return static_cast<int64_t>(m_idToToken.size()); }
    std::optional<int32_t> bosId() const override { return m_bos; }
    std::optional<int32_t> eosId() const override { return m_eos; }
    std::string kind() const override;

private:
    /** Reads the model, added tokens, normalizer, pre-tokenizer, post-processor and decoder. */
    void readParts(const nlohmann::json &j, const std::string &source);
    /** Reads the post-processor's template: the special tokens around a single sequence. */
    void readTemplate(const nlohmann::json &p, const std::string &source);
    /** Encodes a stretch of raw text between added tokens; `startsText`: it begins the input. */
    void encodeStretch(std::string_view text, bool startsText, std::vector<int32_t> &out) const;
    std::optional<int32_t> tokenId(const std::string &token) const;

    std::filesystem::path m_path;
    std::unique_ptr<BpeModel> m_model;
    AddedTokens m_added;
    std::unique_ptr<TextNormalizer> m_normalizer;
    std::unique_ptr<PreTokenizer> m_preTokenizer;
    std::unique_ptr<TokenDecoder> m_decoder;
    bool m_byteLevel = false;
    std::vector<std::string> m_idToToken;
    std::vector<int32_t> m_prefix, m_suffix;  // added around the ids by encode(..., true)
    std::optional<int32_t> m_bos, m_eos;
};

}  // namespace lc
