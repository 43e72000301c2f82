// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/healing_data.h"

#include <algorithm>

#include "layercut/error.h"
#include "layercut/text_dataset.h"

namespace lc {
namespace {

namespace fs = std::filesystem;

void checkIds(const PackedBlocks &blocks, int64_t vocab, const fs::path &file)
{
    for (const int64_t id : blocks.tokens)
        if (id < 0 || id >= vocab)
            throw Error("'" + file.string() + "': token id " + std::to_string(id) +
                        " is outside the model's vocabulary of " + std::to_string(vocab));
}

/** `order` without the documents in `trained` (duplicates of training documents, or another file's copies). */
std::vector<size_t> untrained(const std::vector<Document> &docs, const std::vector<size_t> &order,
                              const DocumentIds &trained, int64_t &excluded)
{
    std::vector<size_t> kept;
    for (const size_t i : order) {
        if (trained.contains(docs[i]))
            ++excluded;
        else
            kept.push_back(i);
    }
    return kept;
}

}  // namespace

TrainingData prepareTrainingData(const HealingConfig &c, const Tokenizer *tokenizer, int64_t vocab,
                                 const ProgressFn &progress, std::stop_token stop)
{
    // Each stage under its own name, so that a long preparation (a C4 shard read, parsed and tokenised)
    // shows where it is: packDocuments reports Stage::Tokenizing, renamed here.
    const auto renamed = [&](Stage stage) -> ProgressFn {
        if (!progress)
            return {};
        return [&progress, stage](const Progress &p) { progress({stage, p.current, p.total, p.tokens}); };
    };
    TrainingData d;
    const std::vector<Document> docs = readDocuments(c.trainData, progress, stop);
    std::vector<size_t> trainOrder = seededPermutation(docs.size(), c.seed);
    std::vector<size_t> heldOrder;
    if (c.validationData.empty() && docs.size() >= 2) {
        const auto held = static_cast<std::ptrdiff_t>(std::max<size_t>(1, docs.size() / 20));
        heldOrder.assign(trainOrder.begin(), trainOrder.begin() + held);
        trainOrder.erase(trainOrder.begin(), trainOrder.begin() + held);
    }
    d.train = packDocuments(docs, trainOrder, tokenizer, c.sequenceLength, c.steps * c.batchSize, false,
                            renamed(Stage::TokenizingTrainingData), stop);
    if (d.train.count() == 0)
        throw Error("'" + c.trainData.string() + "': " + std::to_string(d.train.tokens.size()) +
                    " tokens are not enough for one training sequence of " + std::to_string(c.sequenceLength) +
                    "; use a shorter sequence length or more data");
    checkIds(d.train, vocab, c.trainData);
    for (int64_t i = 0; i < d.train.consumed; ++i)
        d.trained.add(docs[trainOrder[static_cast<size_t>(i)]]);

    if (!c.validationData.empty()) {
        const std::vector<Document> valDocs = readDocuments(c.validationData, progress, stop);
        const std::vector<size_t> order =
            untrained(valDocs, seededPermutation(valDocs.size(), c.seed + 1), d.trained, d.validationExcluded);
        d.validation = packDocuments(valDocs, order, tokenizer, c.sequenceLength, c.validationSequences, true,
                                     renamed(Stage::TokenizingValidationData), stop);
        d.validationSource = c.validationData.string();
        checkIds(d.validation, vocab, c.validationData);
    } else if (!heldOrder.empty()) {
        const std::vector<size_t> order = untrained(docs, heldOrder, d.trained, d.validationExcluded);
        d.validation = packDocuments(docs, order, tokenizer, c.sequenceLength, c.validationSequences, true,
                                     renamed(Stage::TokenizingValidationData), stop);
        d.validationSource = c.trainData.string();
    }
    d.validationDocuments = d.validation.consumed;
    return d;
}

}  // namespace lc
