// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/memory_fit.h"

#include <algorithm>

#include <QStringList>

#include "format.h"

lc::MemorySetup MemoryFit::loadedSetup(const lc::ModelInfo &info, int64_t keptLayers)
{
    lc::MemorySetup s;
    s.dtype =
        info.computeDtype.empty() ? lc::acceleratorDType(info.checkpointDtype) : lc::parseDType(info.computeDtype);
    s.nf4 = info.weightStorage == "nf4";
    s.layers = std::clamp<int64_t>(keptLayers, 1, std::max<int64_t>(1, info.config.numLayers));
    return s;
}

QString MemoryFit::change(lc::MemoryJob job, const lc::MemorySetup &from, const lc::MemoryProposal &proposal)
{
    const lc::MemorySetup &to = proposal.setup;
    QStringList parts;
    if (to.sequences != from.sequences)
        parts << tr("Batch %1 in the Analysis dock").arg(to.sequences);
    if (to.batchTokens != from.batchTokens)  // no field in the window: the command line has it
        parts << tr("%1 tokens per pass (layercut-cli eval --batch-tokens %1)").arg(to.batchTokens);
    if (to.healing.microBatchSize != from.healing.microBatchSize)
        parts << tr("Micro-batch %1 in the Healing dock").arg(to.healing.microBatchSize);
    if (to.healing.activationCheckpointing != from.healing.activationCheckpointing)
        parts << tr("Activation checkpointing in the Healing dock");
    if (to.healing.quantization != from.healing.quantization)
        parts << tr("QLoRA as the Healing dock's method");
    if (to.nf4 != from.nf4)
        parts << tr("NF4 weights in the toolbar (the model loads again)");
    if (to.stream != from.stream)  // the window holds every block; the command line reads one at a time
        parts << (job == lc::MemoryJob::Distances
                      ? tr("layercut-cli distances --stream (one block at a time from the checkpoint)")
                      : QString::fromStdString(proposal.change));
    return parts.join(tr(", and "));
}

QString MemoryFit::question(const lc::ModelInfo &info, lc::MemoryJob job, const lc::MemorySetup &setup,
                            std::optional<int64_t> usable)
{
    if (!usable)
        return {};
    lc::MemoryEstimate need;
    std::vector<lc::MemoryProposal> proposals;
    try {
        need = lc::estimateMemory(info.config, job, setup);
        if (need.total() <= *usable)
            return {};
        proposals = lc::memoryProposals(info.config, job, setup, *usable);
    } catch (const std::exception &) {
        return {};  // a config without usable sizes: nothing to say
    }
    const auto bytes = [](int64_t n) { return format::bytes(static_cast<quint64>(std::max<int64_t>(0, n))); };
    const QString what = job == lc::MemoryJob::Distances    ? tr("Measuring distances")
                         : job == lc::MemoryJob::Evaluation ? tr("The evaluation")
                                                            : tr("Healing");
    QString parts = tr("weights %1, activations %2").arg(bytes(need.weights), bytes(need.activations));
    if (need.training > 0)
        parts = tr("%1, training state %2").arg(parts, bytes(need.training));
    const QString device = QString::fromStdString(info.device.empty() ? std::string("cpu") : info.device);
    QString text = tr("%1 needs about %2 on %3 (%4), which has %5 for LayerCut.")
                       .arg(what, bytes(need.total()), device, parts, bytes(*usable));
    if (proposals.empty()) {
        text += QStringLiteral("\n\n") +
                tr("No smaller batch, NF4 weights or streaming would fit it: a device with more memory would.");
    } else {
        text += QStringLiteral("\n\n") + tr("What would fit:");
        for (const lc::MemoryProposal &p : proposals)
            text += QStringLiteral("\n• ") + tr("%1 (about %2)").arg(change(job, setup, p), bytes(p.estimate.total()));
    }
    return text + QStringLiteral("\n\n") + tr("Start anyway?");
}
