// SPDX-License-Identifier: GPL-3.0-or-later
// Training data as fixed-length blocks: documents tokenised in a seeded order and concatenated, each
// followed by EOS where the tokenizer has one (as transformers' group_texts examples do), then cut into
// blocks. Blocks straddle document boundaries; every token is a target.
#pragma once

#include <cstdint>
#include <stop_token>
#include <vector>

#include "layercut/text_dataset.h"

namespace lc {

struct PackedBlocks
{
    int64_t length = 0;           // tokens per block
    std::vector<int64_t> tokens;  // count() × length
    int64_t documents = 0;        // documents read into the blocks
    int64_t consumed = 0;         // entries of `order` read (the documents these blocks were made from)
    int64_t count() const { return length > 0 ? static_cast<int64_t>(tokens.size()) / length : 0; }
    const int64_t *block(int64_t i) const { return tokens.data() + i * length; }
};

/**
 * Packs documents[order[0]], documents[order[1]], ... into blocks of `length` tokens until `maxBlocks`
 * are full (0: all). A final remainder shorter than a block is dropped, unless no block is full: then
 * it becomes one shorter block (when it has at least 2 tokens), so tiny validation sets still count.
 * Without a tokenizer only `input_ids` documents can be read (lc::Error otherwise), and no EOS is added.
 * Reports Stage::Tokenizing: entries of `order` read of all of them (all of them once the blocks are full);
 * throws lc::Cancelled within one document of `stop` firing.
 */
PackedBlocks packDocuments(const std::vector<Document> &documents, const std::vector<size_t> &order,
                           const Tokenizer *tokenizer, int64_t length, int64_t maxBlocks, bool keepShortRemainder,
                           const ProgressFn &progress = {}, std::stop_token stop = {});

/** 0..n-1 shuffled by a seeded Mersenne Twister: the same on every run and machine. */
std::vector<size_t> seededPermutation(size_t n, uint64_t seed);

}  // namespace lc
