// SPDX-License-Identifier: GPL-3.0-or-later
// A healing run's data: the training documents packed into blocks, and a validation sample that never
// holds a document the training blocks read. No torch: the trainer turns the blocks into tensors.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string>

#include "data/packed_dataset.h"
#include "layercut/document_ids.h"
#include "layercut/healing.h"

namespace lc {

struct TrainingData
{
    PackedBlocks train, validation;
    DocumentIds trained;  // the documents the training blocks were cut from
    std::string validationSource;
    int64_t validationDocuments = 0;  // documents the validation blocks were cut from
    int64_t validationExcluded = 0;   // candidates left out because training uses them
};

/**
 * The packed training and validation blocks. The validation sample never holds a document the training
 * blocks were cut from, whatever file it comes from: by default it is the first 5% of the seeded order
 * (at least one document), and any candidate whose content training also reads is left out. Throws
 * lc::Error naming the file for data too short for one block or ids outside the vocabulary. Reports the
 * stages Stage::ReadingData (bytes of each file), Stage::TokenizingTrainingData and
 * Stage::TokenizingValidationData (documents of the seeded order); throws lc::Cancelled within one
 * document of `stop` firing.
 */
TrainingData prepareTrainingData(const HealingConfig &config, const Tokenizer *tokenizer, int64_t vocab,
                                 const ProgressFn &progress, std::stop_token stop = {});

}  // namespace lc
