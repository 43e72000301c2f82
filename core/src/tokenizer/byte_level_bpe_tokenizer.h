// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "layercut/tokenizer.h"
#include "tokenizer/tokenizer_config.h"

namespace lc {

class RegexSplitter;

/**
 * Hugging Face `tokenizer.json` byte-level BPE (GPT-2 family: Llama 3, Qwen2/2.5/3), as `tokenizers` runs
 * it: added tokens split first (leftmost-longest), then the normalizer (none or NFC), the pre-tokenizer
 * (regex Split "Isolated" and/or ByteLevel), BPE by merge rank (ties leftmost), and the post-processor
 * template for special tokens.
 */
class ByteLevelBpeTokenizer final : public Tokenizer
{
public:
    /** Throws lc::Error naming `tokenizerJson` for anything it cannot run exactly. */
    ByteLevelBpeTokenizer(const std::filesystem::path &tokenizerJson, const SpecialTokenRules &rules);
    ~ByteLevelBpeTokenizer() override;

    std::vector<int32_t> encode(std::string_view text, bool addSpecial) const override;
    std::string decode(const std::vector<int32_t> &ids) const override;
    int64_t vocabSize() const override { return static_cast<int64_t>(m_idToToken.size()); }
    std::optional<int32_t> bosId() const override { return m_bos; }
    std::optional<int32_t> eosId() const override { return m_eos; }
    std::string kind() const override { return "byte-level BPE"; }

    /** True when `tokenizerJson` describes a byte-level BPE this class runs. */
    static bool isByteLevelBpe(const std::filesystem::path &tokenizerJson);

private:
    struct AddedToken
    {
        std::string content;
        int32_t id = 0;
        bool lstrip = false, rstrip = false, singleWord = false;
    };
    /** Reads the model, added tokens, normalizer, pre-tokenizer and post-processor of tokenizer.json. */
    void readParts(const nlohmann::json &j, const std::string &source);
    void encodeSegment(std::string_view text, std::vector<int32_t> &out) const;
    void encodeWord(const std::string &word, std::vector<int32_t> &out) const;
    /** The word's characters after every BPE merge, in order (O(n log n) in the word's length). */
    std::vector<std::string> mergeSymbols(const std::string &word) const;
    // Longer words are not cached: a 10 MB line must not stay in memory as a cache key.
    static constexpr size_t kCachedWordBytes = 4096;
    std::optional<int32_t> tokenId(const std::string &token) const;

    std::filesystem::path m_path;
    std::vector<AddedToken> m_added;  // longest first, for leftmost-longest matching
    bool m_nfc = false;
    std::vector<std::unique_ptr<RegexSplitter>> m_splitters;  // applied in sequence
    bool m_addPrefixSpace = false;
    std::unordered_map<std::string, int32_t> m_vocab;
    std::vector<std::string> m_idToToken;
    std::unordered_map<std::string, int32_t> m_mergeRank;  // key: left + '\xff' + right
    bool m_ignoreMerges = false;
    bool m_byteFallback = false;
    std::optional<int32_t> m_unk;
    std::vector<int32_t> m_prefix, m_suffix;  // added around the ids by encode(..., true)
    std::optional<int32_t> m_bos, m_eos;

    mutable std::mutex m_cacheMutex;  // word -> ids; BPE of a word is pure, so cache it
    mutable std::unordered_map<std::string, std::vector<int32_t>> m_cache;
};

}  // namespace lc
