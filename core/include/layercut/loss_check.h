// SPDX-License-Identifier: GPL-3.0-or-later
// The quick check after a drop: the held-out loss of the whole model and of the pruned one, as `prune
// --data` prints it and the GUI's Selection dock shows it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "layercut/block_plan.h"
#include "layercut/model_session.h"
#include "layercut/progress.h"
#include "layercut/prune_plan.h"
#include "layercut/text_dataset.h"

namespace lc {

/**
 * Measures the loss before and after a plan on up to `lossSamples` documents of the data that the analysis
 * (its sample options) did not use, leaving out any document the model was trained on. The whole model's
 * loss on them is measured once and reused for every later plan on the same data and settings, so each
 * drop compares against the same baseline; reset() forgets it (after a load or a healing run).
 */
class LossCheck
{
public:
    struct Result
    {
        LossResult before, after;     // the whole model, and the model with the plan applied
        bool heldOut = false;         // none of the documents was among those the analysis sampled
        int64_t excludedTrained = 0;  // documents left out because the model was trained on them
    };

    /**
     * Applies `plan` to `session` and measures; `before` is every block the plan's layout holds (the
     * checkpoint's, and any inserted ones). Throws lc::Cancelled when `stop` fires and lc::Error for bad
     * data; then the session keeps the plan it had before.
     */
    Result run(ModelSession &session, const BlockPlan &plan, const std::filesystem::path &data,
               const DatasetOptions &analysis, int64_t lossSamples, int64_t batchSize, const ProgressFn &progress = {},
               std::stop_token stop = {});
    void reset() { m_key.clear(); }

private:
    std::string m_key;  // what the baseline was measured on; empty: none yet
    std::vector<std::vector<int64_t>> m_sequences;
    Result m_baseline;  // `before`, heldOut and excludedTrained of those sequences
};

}  // namespace lc
