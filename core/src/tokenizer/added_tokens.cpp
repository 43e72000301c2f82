// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/added_tokens.h"

#include <cctype>

namespace lc {
namespace {

bool isWordChar(unsigned char c)
{
    return std::isalnum(c) || c == '_' || c >= 0x80;
}

uint64_t edgeKey(int32_t node, unsigned char byte, bool normalized)
{
    return (uint64_t(uint32_t(node)) << 9) | (uint64_t(normalized) << 8) | byte;
}

}  // namespace

void AddedTokens::add(const AddedToken &token)
{
    int32_t node = 0;
    for (const unsigned char c : token.content) {
        const auto [it, inserted] =
            m_edges.emplace(edgeKey(node, c, token.normalized), static_cast<int32_t>(m_tokenAt.size()));
        if (inserted)
            m_tokenAt.push_back(-1);
        node = it->second;
    }
    if (m_tokenAt[static_cast<size_t>(node)] < 0) {  // a repeated content keeps its first entry
        m_tokenAt[static_cast<size_t>(node)] = static_cast<int32_t>(m_tokens.size());
        ++m_count[token.normalized];
    }
    m_tokens.push_back(token);
}

int32_t AddedTokens::child(int32_t node, unsigned char byte, bool normalized) const
{
    const auto it = m_edges.find(edgeKey(node, byte, normalized));
    return it == m_edges.end() ? -1 : it->second;
}

std::vector<AddedTokens::Piece> AddedTokens::split(std::string_view text, bool normalized) const
{
    std::vector<Piece> pieces;
    if (!any(normalized)) {
        pieces.push_back({0, text.size()});
        return pieces;
    }
    size_t stretchStart = 0, pos = 0;
    while (pos < text.size()) {
        // The longest token starting at pos whose single_word condition holds.
        const AddedToken *hit = nullptr;
        size_t hitEnd = 0;
        for (int32_t node = 0, i = 0; pos + i < text.size(); ++i) {
            node = child(node, static_cast<unsigned char>(text[pos + i]), normalized);
            if (node < 0)
                break;
            const int32_t index = m_tokenAt[static_cast<size_t>(node)];
            if (index < 0)
                continue;
            const AddedToken &token = m_tokens[static_cast<size_t>(index)];
            const size_t end = pos + i + 1;
            if (token.singleWord && ((pos > 0 && isWordChar(static_cast<unsigned char>(text[pos - 1]))) ||
                                     (end < text.size() && isWordChar(static_cast<unsigned char>(text[end])))))
                continue;
            hit = &token;
            hitEnd = end;
        }
        if (!hit) {
            ++pos;
            continue;
        }
        size_t stretchEnd = pos, next = hitEnd;
        if (hit->lstrip)
            while (stretchEnd > stretchStart && std::isspace(static_cast<unsigned char>(text[stretchEnd - 1])))
                --stretchEnd;
        if (hit->rstrip)
            while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next])))
                ++next;
        if (stretchEnd > stretchStart)
            pieces.push_back({stretchStart, stretchEnd});
        pieces.push_back({pos, hitEnd, hit->id});
        stretchStart = pos = next;
    }
    if (stretchStart < text.size())
        pieces.push_back({stretchStart, text.size()});
    return pieces;
}

}  // namespace lc
