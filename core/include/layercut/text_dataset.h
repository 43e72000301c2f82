// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include "layercut/progress.h"

namespace lc {

class DocumentIds;
class Tokenizer;

/** One document of a dataset: its text, or token ids given directly (`input_ids` in JSON Lines). */
using Document = std::variant<std::string, std::vector<int64_t>>;

/**
 * Reads the documents of `path`:
 *  - plain text: one document per line, or, when the file has blank lines, blank-line-separated blocks;
 *  - JSON Lines (.jsonl, .json): one object per line with a `text` string or an `input_ids` list;
 *  - gzip-compressed JSON Lines (.gz), as C4 ships it (c4-validation.00000-of-00008.json.gz).
 * Throws lc::Error naming the file (and line) for unreadable files and malformed lines, and for data that
 * is not text: invalid UTF-8, or control bytes beyond a small share (a binary file chosen by mistake).
 * Reports Stage::ReadingData: bytes of the file read (compressed bytes for .gz) of its size; throws
 * lc::Cancelled within 64 KiB of `stop` firing.
 */
std::vector<Document> readDocuments(const std::filesystem::path &path, const ProgressFn &progress = {},
                                    std::stop_token stop = {});

struct DatasetOptions
{
    int64_t samples = 0;       // documents to keep; 0 keeps all
    int64_t maxLength = 2048;  // tokens per sequence (longer documents are truncated)
    uint64_t seed = 0;         // which documents are sampled when there are more than `samples`
    bool addSpecial = true;    // BOS/EOS as the tokenizer config says
    int64_t vocabSize = 0;     // token ids given directly (input_ids) must lie below it, the model's; 0: unchecked
};

/** Token sequences ready for the model, with counts of what was skipped. */
struct TokenizedDataset
{
    std::vector<std::vector<int64_t>> sequences;
    int64_t documents = 0;     // documents in the file
    int64_t excluded = 0;      // documents left out because a model was trained on them
    int64_t skippedEmpty = 0;  // documents with no token (excluding special tokens), skipped
    int64_t truncated = 0;     // documents cut at maxLength
    int64_t tokens = 0;        // tokens in `sequences`
};

/**
 * Tokenises `documents` (ids pass through), skipping those shorter than one token. When `samples` is set
 * and smaller than the number of documents, a seeded random choice of documents is taken, in file order.
 * `tokenizer` may be null when every document is given as ids; a text document then throws lc::Error.
 * Reports Stage::Tokenizing: documents taken of those it will take (`samples`, or all); throws lc::Cancelled
 * within one document of `stop` firing.
 */
TokenizedDataset tokenizeDocuments(const std::vector<Document> &documents, const Tokenizer *tokenizer,
                                   const DatasetOptions &options, const ProgressFn &progress = {},
                                   std::stop_token stop = {});

/**
 * readDocuments() then tokenizeDocuments() with errors that name `path`: text without a tokenizer, or no
 * document with a token. Documents in `exclude` (those a model was trained on) are left out before
 * sampling, and counted in `excluded`. Progress and stop as those two functions.
 */
TokenizedDataset readTokenized(const std::filesystem::path &path, const Tokenizer *tokenizer,
                               const DatasetOptions &options, const DocumentIds *exclude = nullptr,
                               const ProgressFn &progress = {}, std::stop_token stop = {});

/** A held-out slice for quick checks (the loss before and after pruning). */
struct HeldOutDocuments
{
    std::vector<Document> documents;
    bool disjoint = false;  // none of them is among those the analysis sampled (barring empty ones)
};

/**
 * Up to `count` documents the analysis with `analysis` options does not use: the tail of the same seeded
 * order whose head the analysis takes, at most (documents − samples) of them, in file order. When the
 * analysis uses every document, there is nothing held out: the last `count` documents are returned with
 * disjoint = false.
 */
HeldOutDocuments heldOutDocuments(const std::vector<Document> &documents, const DatasetOptions &analysis,
                                  int64_t count);

}  // namespace lc
