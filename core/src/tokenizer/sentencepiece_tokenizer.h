// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>

#include "layercut/tokenizer.h"
#include "tokenizer/tokenizer_config.h"

struct lc_spm;

namespace lc {

/**
 * A sentencepiece `tokenizer.model` (Llama 2, Mistral) through the liblayercut_spm.so plugin.
 * BOS/EOS follow tokenizer_config.json, with LlamaTokenizer's defaults (add BOS, no EOS).
 */
class SentencePieceTokenizer final : public Tokenizer
{
public:
    /** `note` ends kind(): why the folder's tokenizer.json, if any, was not used. */
    SentencePieceTokenizer(const std::filesystem::path &model, const SpecialTokenRules &rules, std::string note = {});
    ~SentencePieceTokenizer() override;

    std::vector<int32_t> encode(std::string_view text, bool addSpecial) const override;
    std::string decode(const std::vector<int32_t> &ids) const override;
    int64_t vocabSize() const override;
    std::optional<int32_t> bosId() const override { return m_bos; }
    std::optional<int32_t> eosId() const override { return m_eos; }
    std::string kind() const override { return "sentencepiece (tokenizer.model" + m_note + ")"; }

private:
    std::filesystem::path m_path;
    std::string m_note;
    lc_spm *m_handle = nullptr;
    std::optional<int32_t> m_bos, m_eos;
    bool m_addBos = true, m_addEos = false;
};

}  // namespace lc
