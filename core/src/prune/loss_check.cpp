// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/loss_check.h"

#include "layercut/document_ids.h"
#include "layercut/error.h"
#include "layercut/file_stamp.h"

namespace lc {

LossCheck::Result LossCheck::run(ModelSession &session, const BlockPlan &plan, const std::filesystem::path &data,
                                 const DatasetOptions &analysis, int64_t lossSamples, int64_t batchSize,
                                 const ProgressFn &progress, std::stop_token stop)
{
    if (!session.isLoaded())
        throw Error("no model is loaded");
    const std::string key = fileStamp(std::filesystem::absolute(data)) + std::to_string(analysis.samples) + ";" +
                            std::to_string(analysis.maxLength) + ";" + std::to_string(analysis.seed) + ";" +
                            std::to_string(lossSamples) + ";" + session.info().folder.string() + ";" +
                            std::to_string(session.trainedDocuments().size()) + ";" + plan.layout().blocksJson().dump();
    const BlockPlan previous = session.blockPlan();
    try {
        if (m_key != key) {
            const HeldOutDocuments held = heldOutDocuments(readDocuments(data, progress, stop), analysis, lossSamples);
            Result fresh;
            fresh.heldOut = held.disjoint;
            const std::vector<Document> documents =
                withoutDocuments(held.documents, &session.trainedDocuments(), fresh.excludedTrained);
            try {
                m_sequences =
                    tokenizeDocuments(documents, session.tokenizer(),
                                      {.maxLength = analysis.maxLength, .vocabSize = session.info().config.vocabSize},
                                      progress, stop)
                        .sequences;
            } catch (const Cancelled &) {
                throw;
            } catch (const Error &e) {
                throw Error("'" + data.string() + "': " + e.what());
            }
            m_key.clear();                          // until the baseline below is measured
            session.applyBlockPlan(plan.layout());  // every block, in memory as the plan will have it
            fresh.before = session.languageModelLoss(m_sequences, batchSize, progress, stop);
            m_baseline = fresh;
            m_key = key;
        }
        session.applyBlockPlan(plan);
        Result r = m_baseline;
        r.after = plan == plan.layout() ? r.before : session.languageModelLoss(m_sequences, batchSize, progress, stop);
        return r;
    } catch (...) {
        session.applyBlockPlan(previous);  // a cancelled or failed check changes nothing
        throw;
    }
}

}  // namespace lc
