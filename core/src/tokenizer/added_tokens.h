// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lc {

/** One of tokenizer.json's "added_tokens". */
struct AddedToken
{
    std::string content;
    int32_t id = 0;
    bool lstrip = false, rstrip = false, singleWord = false;
    bool normalized = false;  // matched in the normalised text rather than in the raw text
};

/**
 * The added tokens, found in a text before anything else runs, leftmost-longest as `tokenizers` finds them,
 * through a byte trie: Gemma 3 adds 6,415 tokens, and comparing each at every position of a text would cost
 * thousands of comparisons a byte.
 */
class AddedTokens
{
public:
    void add(const AddedToken &token);
    const std::vector<AddedToken> &all() const { return m_tokens; }
    bool any(bool normalized) const { return m_count[normalized] > 0; }

    /** A stretch of text [begin, end) between added tokens (id < 0), or an added token (its id). */
    struct Piece
    {
        size_t begin = 0, end = 0;
        int32_t id = -1;
    };
    /** `text` cut at the added tokens whose `normalized` flag is `normalized`; lstrip/rstrip eat spaces. */
    std::vector<Piece> split(std::string_view text, bool normalized) const;

private:
    /** The token ending at trie node `node`, or -1; a token's node is where its last byte leads. */
    int32_t child(int32_t node, unsigned char byte, bool normalized) const;

    std::vector<AddedToken> m_tokens;
    std::unordered_map<uint64_t, int32_t> m_edges;  // key: (node << 9) | (normalized << 8) | byte
    std::vector<int32_t> m_tokenAt{-1};             // per node: index into m_tokens, or -1; node 0 is the root
    size_t m_count[2] = {0, 0};
};

}  // namespace lc
