// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/bpe_model.h"

#include <functional>
#include <queue>

#include <nlohmann/json.hpp>

#include "tokenizer/byte_alphabet.h"
#include "tokenizer/tokenizer_json_reader.h"

namespace lc {

BpeModel::BpeModel(const nlohmann::json &model, const TokenizerJsonReader &r) : m_source(r.source)
{
    if (r.text(model, "type", "model", "") != "BPE")
        r.fail("model type '" + r.text(model, "type", "model", "?") + "' is not BPE");
    for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (!r.text(model, key, "model", "").empty())
            r.fail(std::string("BPE \"") + key + "\" is not supported");
    if (model.contains("dropout") && model["dropout"].is_number() && model["dropout"].get<double>() > 0)
        r.fail("BPE dropout is not supported");

    if (!model.contains("vocab") || !model["vocab"].is_object())
        r.fail("BPE model has no \"vocab\" object");
    for (auto it = model["vocab"].begin(); it != model["vocab"].end(); ++it)
        m_vocab[it.key()] = r.id(it.value(), "vocab entry '" + it.key() + "'");

    // Merges: tokenizers >= 0.20 writes [["a", "b"], ...]; older files "a b". Rank = position.
    if (model.contains("merges") && model["merges"].is_array()) {
        int32_t rank = 0;
        for (const auto &m : model["merges"]) {
            std::string left, right;
            if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
                left = m[0].get<std::string>();
                right = m[1].get<std::string>();
            } else if (m.is_string()) {
                const std::string s = m.get<std::string>();
                const size_t space = s.find(' ', 1);
                if (space == std::string::npos)
                    r.fail("merge '" + s + "' is not two tokens separated by a space");
                left = s.substr(0, space);
                right = s.substr(space + 1);
            } else {
                r.fail("merges must be a list of pairs or of \"a b\" strings");
            }
            // As Hugging Face tokenizers: both parts and their merge must be tokens ("Token out of vocabulary").
            int32_t ids[3];
            int k = 0;
            for (const std::string &part : {left, right, left + right}) {
                const auto it = m_vocab.find(part);
                if (it == m_vocab.end())
                    r.fail("merge " + std::to_string(rank) + " ('" + left + "' '" + right + "'): '" + part +
                           "' is not in the vocabulary");
                ids[k++] = it->second;
            }
            const uint64_t key = (uint64_t(uint32_t(ids[0])) << 32) | uint32_t(ids[1]);
            m_merges.emplace(key, Merge{rank++, ids[2]});  // a repeated pair keeps its first (lowest) rank
        }
    }
    m_ignoreMerges = r.flag(model, "ignore_merges", "model", false);
    m_byteFallback = r.flag(model, "byte_fallback", "model", false);
    m_fuseUnknown = r.flag(model, "fuse_unk", "model", false);
    if (const std::string unk = r.text(model, "unk_token", "model", ""); !unk.empty())
        m_unk = tokenId(unk);
}

std::optional<int32_t> BpeModel::tokenId(const std::string &token) const
{
    const auto it = m_vocab.find(token);
    return it == m_vocab.end() ? std::nullopt : std::optional<int32_t>(it->second);
}

void BpeModel::encodeWord(std::string_view word, std::vector<int32_t> &out) const
{
    if (word.empty())
        return;
    const bool cached = word.size() <= kCachedWordBytes;
    if (cached) {
        const std::shared_lock lock(m_cacheMutex);
        const auto it = m_cache.find(word);
        if (it != m_cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> ids;
    const auto whole = m_ignoreMerges ? tokenId(std::string(word)) : std::nullopt;
    ids = whole ? std::vector<int32_t>{*whole} : mergeWord(word);
    out.insert(out.end(), ids.begin(), ids.end());
    if (!cached)
        return;
    const std::unique_lock lock(m_cacheMutex);
    if (m_cache.size() > 200'000)
        m_cache.clear();
    m_cache.emplace(std::string(word), std::move(ids));
}

std::vector<int32_t> BpeModel::mergeWord(std::string_view word) const
{
    // The word's symbols form a linked list and the pairs wait in a min-heap by (rank, position), so a word
    // of n characters takes O(n log n), not O(n²): a 200 KB word without a space (base64, minified code, or
    // any text under a sentencepiece-style tokenizer, which has no pre-tokenizer) is one word. A heap entry
    // whose pair has changed since it was pushed is skipped when it comes up.
    struct Symbol
    {
        int32_t id;
        int64_t prev, next;  // neighbours in the list, -1 at the ends
        bool alive = true;
    };
    std::vector<Symbol> symbols;
    const auto add = [&symbols](int32_t id) {
        const auto index = static_cast<int64_t>(symbols.size());
        symbols.push_back({id, index - 1, -1});
        if (index > 0)
            symbols[static_cast<size_t>(index - 1)].next = index;
    };
    bool pendingUnknown = false;  // an unknown character waits, to be fused with the next (fuse_unk)
    for (size_t i = 0; i < word.size();) {
        const size_t n = std::min(utf8SequenceLength(static_cast<unsigned char>(word[i])), word.size() - i);
        const std::string character(word.substr(i, n));
        i += n;
        if (const auto id = tokenId(character)) {
            if (pendingUnknown)
                add(*m_unk);
            pendingUnknown = false;
            add(*id);
            continue;
        }
        if (m_byteFallback) {
            std::vector<int32_t> bytes;
            for (const unsigned char c : character) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", c);
                if (const auto id = tokenId(name))
                    bytes.push_back(*id);
            }
            if (bytes.size() == character.size()) {
                if (pendingUnknown)
                    add(*m_unk);
                pendingUnknown = false;
                for (const int32_t id : bytes)
                    add(id);
                continue;
            }
        }
        if (!m_unk)
            throw Error("'" + m_source + "': character '" + character +
                        "' is not in the vocabulary and there is no unk_token");
        if (pendingUnknown && !m_fuseUnknown)
            add(*m_unk);
        pendingUnknown = true;
    }
    if (pendingUnknown)
        add(*m_unk);

    using Candidate = std::pair<int32_t, int64_t>;  // (rank, left symbol's index); smallest first
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    const auto mergeOf = [&](int64_t left) -> const Merge * {
        const Symbol &a = symbols[static_cast<size_t>(left)];
        if (a.next < 0)
            return nullptr;
        const uint64_t key = (uint64_t(uint32_t(a.id)) << 32) | uint32_t(symbols[static_cast<size_t>(a.next)].id);
        const auto it = m_merges.find(key);
        return it == m_merges.end() ? nullptr : &it->second;
    };
    const auto offer = [&](int64_t left) {
        if (left >= 0)
            if (const Merge *merge = mergeOf(left))
                heap.emplace(merge->rank, left);
    };
    for (int64_t i = 0; i + 1 < static_cast<int64_t>(symbols.size()); ++i)
        offer(i);
    while (!heap.empty()) {
        const auto [rank, left] = heap.top();
        heap.pop();
        Symbol &a = symbols[static_cast<size_t>(left)];
        const Merge *merge = a.alive ? mergeOf(left) : nullptr;
        if (!merge || merge->rank != rank)
            continue;  // merged away, or its right neighbour changed since
        Symbol &b = symbols[static_cast<size_t>(a.next)];
        a.id = merge->id;
        b.alive = false;
        a.next = b.next;
        if (b.next >= 0)
            symbols[static_cast<size_t>(b.next)].prev = left;
        offer(a.prev);
        offer(left);
    }
    std::vector<int32_t> ids;
    for (int64_t i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[static_cast<size_t>(i)].next)
        ids.push_back(symbols[static_cast<size_t>(i)].id);
    return ids;
}

}  // namespace lc
