// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/packed_dataset.h"

#include <numeric>
#include <random>
#include <variant>

#include "layercut/error.h"
#include "layercut/tokenizer.h"

namespace lc {

std::vector<size_t> seededPermutation(size_t n, uint64_t seed)
{
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    // std::shuffle's algorithm is unspecified; Fisher–Yates with our own draws keeps the order portable.
    std::mt19937_64 rng(seed);
    for (size_t i = n; i > 1; --i)
        std::swap(order[i - 1], order[static_cast<size_t>(rng() % i)]);
    return order;
}

PackedBlocks packDocuments(const std::vector<Document> &documents, const std::vector<size_t> &order,
                           const Tokenizer *tokenizer, int64_t length, int64_t maxBlocks, bool keepShortRemainder,
                           const ProgressFn &progress, std::stop_token stop)
{
    PackedBlocks out;
    out.length = length;
    const auto eos = tokenizer ? tokenizer->eosId() : std::nullopt;
    const auto full = [&] { return maxBlocks > 0 && static_cast<int64_t>(out.tokens.size()) >= maxBlocks * length; };
    ThrottledProgress report(progress, Stage::Tokenizing, static_cast<int64_t>(order.size()));
    for (const size_t i : order) {
        if (full())
            break;
        throwIfStopped(stop);
        report(out.consumed, static_cast<int64_t>(out.tokens.size()));
        ++out.consumed;
        std::vector<int64_t> ids;
        if (const auto *text = std::get_if<std::string>(&documents[i])) {
            if (!tokenizer)
                throw Error("text documents need a tokenizer; give documents as input_ids");
            const auto encoded = tokenizer->encode(*text, true);
            ids.assign(encoded.begin(), encoded.end());
        } else {
            ids = std::get<std::vector<int64_t>>(documents[i]);
        }
        if (ids.empty())
            continue;
        if (eos && ids.back() != *eos)
            ids.push_back(*eos);
        out.tokens.insert(out.tokens.end(), ids.begin(), ids.end());
        ++out.documents;
    }
    report.finish(static_cast<int64_t>(out.tokens.size()));
    const auto total = static_cast<int64_t>(out.tokens.size());
    if (total < length && keepShortRemainder && total >= 2) {
        out.length = total;
        return out;
    }
    int64_t blocks = total / length;
    if (maxBlocks > 0)
        blocks = std::min(blocks, maxBlocks);
    out.tokens.resize(static_cast<size_t>(blocks * length));
    return out;
}

}  // namespace lc
