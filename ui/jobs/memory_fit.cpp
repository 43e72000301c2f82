// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/memory_fit.h"

#include <algorithm>

#include <QStringList>

#include "format.h"
#include "widgets/device_combo_box.h"

lc::MemorySetup MemoryFit::loadedSetup(const lc::ModelInfo &info, int64_t keptLayers)
{
    lc::MemorySetup s;
    s.dtype =
        info.computeDtype.empty() ? lc::acceleratorDType(info.checkpointDtype) : lc::parseDType(info.computeDtype);
    s.nf4 = info.weightStorage == "nf4";
    s.layers = std::clamp<int64_t>(keptLayers, 1, std::max<int64_t>(1, info.config.numLayers));
    return s;
}

QString MemoryFit::change(lc::MemoryJob job, const lc::MemorySetup &from, const lc::MemoryProposal &proposal,
                          const std::vector<std::string> &gpus)
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
    if (proposal.devices.size() > 1 && to.nf4 == from.nf4 && to.stream == from.stream &&
        parts.isEmpty()) {  // the same job on more of the machine's GPUs, as the toolbar offers them when it does
        QStringList devices;
        for (const std::string &d : proposal.devices)
            devices << QString::fromStdString(d);
        const QString list = devices.join(QLatin1Char(','));
        const QList<DeviceComboBox::Choice> choices = DeviceComboBox::choices(gpus);
        const auto offered = std::find_if(choices.begin(), choices.end(),
                                          [&](const DeviceComboBox::Choice &c) { return c.device == list; });
        parts << (offered != choices.end()
                      ? tr("“%1” as the toolbar's device (the model loads again)").arg(offered->label)
                      : tr("the GPUs %1 (layercut-cli %2)")
                            .arg(devices.join(tr(", ")), QString::fromStdString(proposal.change)));
    }
    if (to.nf4 != from.nf4)
        parts << tr("NF4 weights in the toolbar (the model loads again)");
    if (to.stream != from.stream)  // the window holds every block; the command line reads one at a time
        parts << (job == lc::MemoryJob::Distances
                      ? tr("layercut-cli distances --stream (one block at a time from the checkpoint)")
                      : QString::fromStdString(proposal.change));
    return parts.join(tr(", and "));
}

QString MemoryFit::question(const lc::ModelInfo &info, lc::MemoryJob job, const lc::MemorySetup &setup,
                            const std::optional<lc::MemoryRoom> &room)
{
    if (!room)
        return {};
    std::vector<lc::MemoryEstimate> need;
    std::vector<lc::MemoryProposal> proposals;
    try {
        need = lc::estimateMemoryPerDevice(info.config, job, setup, room->split());
        if (lc::fitsMemory(need, room->available))
            return {};
        proposals = lc::memoryProposals(info.config, job, setup, *room);
    } catch (const std::exception &) {
        return {};  // a config without usable sizes: nothing to say
    }
    const auto bytes = [](int64_t n) { return format::bytes(static_cast<quint64>(std::max<int64_t>(0, n))); };
    const QString what = job == lc::MemoryJob::Distances    ? tr("Measuring distances")
                         : job == lc::MemoryJob::Evaluation ? tr("The evaluation")
                                                            : tr("Healing");
    // The machine's GPUs, as far as the room knows them (the job's and the spares), in order.
    std::vector<std::string> gpus = room->devices;
    gpus.insert(gpus.end(), room->spareDevices.begin(), room->spareDevices.end());
    std::sort(gpus.begin(), gpus.end(), [](const std::string &a, const std::string &b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;  // cuda:2 before cuda:10
    });
    if (!std::all_of(gpus.begin(), gpus.end(), [](const std::string &d) { return d.rfind("cuda:", 0) == 0; }))
        gpus.clear();
    QStringList needs, has;
    for (size_t d = 0; d < need.size() && d < room->devices.size(); ++d) {
        QString parts = tr("weights %1, activations %2").arg(bytes(need[d].weights), bytes(need[d].activations));
        if (need[d].training > 0)
            parts = tr("%1, training state %2").arg(parts, bytes(need[d].training));
        needs << tr("%1 on %2 (%3)").arg(bytes(need[d].total()), QString::fromStdString(room->devices[d]), parts);
        has << bytes(room->available[d]);
    }
    QString text = need.size() > 1 ? tr("%1 needs about %2, which have %3 for LayerCut.")
                                         .arg(what, needs.join(tr(" and ")), has.join(tr(" and ")))
                                   : tr("%1 needs about %2, which has %3 for LayerCut.").arg(what, needs[0], has[0]);
    if (proposals.empty()) {
        text += QStringLiteral("\n\n") + tr("No smaller batch, NF4 weights, more GPUs or streaming would fit it: "
                                            "devices with more memory would.");
    } else {
        text += QStringLiteral("\n\n") + tr("What would fit:");
        for (const lc::MemoryProposal &p : proposals) {
            QStringList each;
            for (size_t d = 0; p.perDevice.size() > 1 && d < p.perDevice.size(); ++d)
                each << tr("%1 on %2").arg(bytes(p.perDevice[d].total()), QString::fromStdString(p.devices[d]));
            text += QStringLiteral("\n• ") + tr("%1 (about %2)")
                                                 .arg(change(job, setup, p, gpus),
                                                      each.isEmpty() ? bytes(p.estimate.total()) : each.join(tr(", ")));
        }
    }
    return text + QStringLiteral("\n\n") + tr("Start anyway?");
}
