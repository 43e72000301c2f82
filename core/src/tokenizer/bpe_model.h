// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace lc {

struct TokenizerJsonReader;

/**
 * tokenizer.json's BPE "model": the vocabulary and the merges by rank, as `tokenizers` runs them on one
 * word. A word starts as its characters; a character outside the vocabulary becomes its "<0xXX>" byte
 * tokens (`byte_fallback`) or the unknown token (consecutive ones fused with `fuse_unk`); then the adjacent
 * pair of lowest rank merges, leftmost on ties, until none is left. `ignore_merges` takes a word that is a
 * token as it is.
 */
class BpeModel
{
public:
    /** Reads `model` (type BPE). Throws lc::Error naming the file. */
    BpeModel(const nlohmann::json &model, const TokenizerJsonReader &reader);

    /** Appends the ids of `word` to `out`. Thread-safe; throws lc::Error when a character has no id. */
    void encodeWord(std::string_view word, std::vector<int32_t> &out) const;

    std::optional<int32_t> tokenId(const std::string &token) const;
    const std::unordered_map<std::string, int32_t> &vocabulary() const { return m_vocab; }

private:
    std::vector<int32_t> mergeWord(std::string_view word) const;

    std::string m_source;  // the tokenizer file, for errors
    std::unordered_map<std::string, int32_t> m_vocab;
    struct Merge
    {
        int32_t rank, id;  // the merge's rank and the id of the token it makes
    };
    std::unordered_map<uint64_t, Merge> m_merges;  // key: left id << 32 | right id
    bool m_ignoreMerges = false, m_byteFallback = false, m_fuseUnknown = false;
    std::optional<int32_t> m_unk;

    // Longer words are not cached: a 10 MB line must not stay in memory as a cache key.
    static constexpr size_t kCachedWordBytes = 4096;
    /** Lets the cache be searched with the string_view of a word, without copying it into a key. */
    struct WordHash
    {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    // word -> ids; BPE of a word is pure, so cache it. Lookups (nearly all calls once the cache is warm)
    // share the lock: an evaluation tokenises on up to 16 threads at once.
    mutable std::shared_mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>, WordHash, std::equal_to<>> m_cache;
};

}  // namespace lc
