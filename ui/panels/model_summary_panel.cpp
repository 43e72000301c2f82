// SPDX-License-Identifier: GPL-3.0-or-later
#include "panels/model_summary_panel.h"

#include <algorithm>

#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include "format.h"
#include "layercut/device_memory.h"
#include "layercut/memory_plan.h"

ModelSummaryPanel::ModelSummaryPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_folder = new QLabel(this);
    m_folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_folder->setWordWrap(true);
    layout->addWidget(m_title);
    layout->addWidget(m_folder);

    auto *box = new QGroupBox(tr("Model"), this);
    m_form = new QFormLayout(box);
    m_form->setLabelAlignment(Qt::AlignRight);
    addField("family", tr("Family"), m_form);
    addField("architecture", tr("Architecture"), m_form);
    addField("layers", tr("Layers"), m_form);
    addField("hidden", tr("Hidden size"), m_form);
    addField("intermediate", tr("Intermediate size"), m_form);
    addField("heads", tr("Attention heads"), m_form);
    addField("kvHeads", tr("Key/value heads"), m_form);
    addField("headDim", tr("Head dimension"), m_form);
    addField("vocab", tr("Vocabulary"), m_form);
    addField("parameters", tr("Parameters"), m_form);
    addField("perLayer", tr("Parameters per layer"), m_form);
    addField("rope", tr("RoPE"), m_form);
    addField("tied", tr("Tied embeddings"), m_form);
    addField("window", tr("Sliding window"), m_form);
    addField("features", tr("Block features"), m_form);
    addField("checkpoint", tr("Checkpoint"), m_form);
    addField("tokenizer", tr("Tokenizer"), m_form);
    addField("device", tr("Running on"), m_form);
    layout->addWidget(box);

    // What each job needs on a GPU, estimated from the config before it starts (memory_plan.h).
    auto *memory = new QGroupBox(tr("GPU Memory Needed (Estimate)"), this);
    m_memoryForm = new QFormLayout(memory);
    m_memoryForm->setLabelAlignment(Qt::AlignRight);
    addField("memWeights", tr("Weights"), m_memoryForm);
    addField("memDistances", tr("Distances"), m_memoryForm);
    addField("memEvaluation", tr("Evaluation"), m_memoryForm);
    addField("memHealing", tr("Healing"), m_memoryForm);
    addField("memFree", tr("Free now"), m_memoryForm);
    m_fields["memFree"]->setWordWrap(true);
    layout->addWidget(memory);
    layout->addStretch(1);
}

void ModelSummaryPanel::addField(const QString &key, const QString &label, QFormLayout *form)
{
    auto *value = new QLabel(this);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(label + QLatin1Char(':'), value);
    m_fields.insert(key, value);
}

QString ModelSummaryPanel::fieldText(const QString &field) const
{
    return m_fields.value(field) ? m_fields.value(field)->text() : QString();
}

void ModelSummaryPanel::showInfo(const lc::ModelInfo &info)
{
    const lc::ModelConfig &c = info.config;
    const QLocale locale;
    m_title->setText(QString::fromStdString(info.folder.filename().string()));
    m_folder->setText(QString::fromStdString(info.folder.string()));
    m_fields["family"]->setText(QString::fromStdString(info.family));
    m_fields["architecture"]->setText(QString::fromStdString(info.architecture));
    m_fields["layers"]->setText(locale.toString(c.numLayers));
    m_fields["hidden"]->setText(locale.toString(c.hiddenSize));
    m_fields["intermediate"]->setText(locale.toString(c.intermediateSize));
    m_fields["heads"]->setText(locale.toString(c.numHeads));
    m_fields["kvHeads"]->setText(c.numKvHeads == c.numHeads
                                     ? locale.toString(c.numKvHeads)
                                     : tr("%1 (grouped-query attention)").arg(locale.toString(c.numKvHeads)));
    m_fields["headDim"]->setText(locale.toString(c.headDim));
    m_fields["vocab"]->setText(locale.toString(c.vocabSize));
    m_fields["parameters"]->setText(
        tr("%1 (%2)").arg(format::count(info.parameterCount), locale.toString(info.parameterCount)));
    const double share = info.parameterCount ? 100.0 * c.parametersPerLayer() / info.parameterCount : 0;
    m_fields["perLayer"]->setText(
        tr("%1 (%2% of the model)").arg(format::count(c.parametersPerLayer()), locale.toString(share, 'f', 2)));
    QString rope = tr("θ = %1").arg(locale.toString(c.ropeTheta, 'g', 8));
    if (c.ropeScaling.type == lc::RopeScaling::Type::Linear)
        rope += tr(", linear scaling ×%1").arg(c.ropeScaling.factor);
    else if (c.ropeScaling.type == lc::RopeScaling::Type::Llama3)
        rope += tr(", Llama 3 scaling ×%1").arg(c.ropeScaling.factor);
    else if (c.ropeScaling.type == lc::RopeScaling::Type::LongRope)
        rope += tr(", LongRoPE ×%1 past %2 tokens")
                    .arg(locale.toString(c.ropeScaling.factor), locale.toString(c.ropeScaling.originalMaxPositions));
    if (c.ropeDim() != c.headDim)
        rope += tr(", on %1 of %2 channels per head").arg(locale.toString(c.ropeDim()), locale.toString(c.headDim));
    if (c.hasSlidingRope())
        rope += tr("; sliding layers θ = %1").arg(locale.toString(c.slidingRopeTheta, 'g', 8));
    m_fields["rope"]->setText(rope);
    m_fields["tied"]->setText(c.tieWordEmbeddings ? tr("yes") : tr("no"));
    const auto sliding = std::count(c.slidingLayers.begin(), c.slidingLayers.end(), true);
    m_fields["window"]->setText(
        c.slidingWindow > 0 && sliding > 0
            ? tr("%1 tokens, on %2 of %3 layers")
                  .arg(locale.toString(c.slidingWindow), locale.toString(sliding), locale.toString(c.numLayers))
            : tr("none (full attention)"));
    QStringList features;
    features << (!c.postNorms ? tr("norms before attention and MLP")
                 : c.preNorms ? tr("norms before and after attention and MLP")
                              : tr("norms after attention and MLP"));
    if (c.unitOffsetNorms)
        features << tr("norms scale by 1 + w");
    if (c.qkNorm)
        features << (c.qkNormWhole ? tr("q/k norms over the projection") : tr("q/k norms per head"));
    if (c.qkvBias)
        features << tr("q/k/v biases");
    if (c.fusedProjections)
        features << tr("fused q|k|v and gate|up projections");
    if (c.activation == lc::Activation::GeluTanh)
        features << tr("GeGLU (tanh GELU)");
    if (c.scaledEmbeddings)
        features << tr("embeddings × √hidden");
    if (c.attnLogitSoftcap > 0)
        features << tr("attention soft-capping at %1").arg(locale.toString(c.attnLogitSoftcap));
    if (c.finalLogitSoftcap > 0)
        features << tr("logit soft-capping at %1").arg(locale.toString(c.finalLogitSoftcap));
    if (const auto nope = std::count(c.ropeLayers.begin(), c.ropeLayers.end(), false); nope > 0)
        features << tr("no RoPE on %1 of %2 layers").arg(locale.toString(nope), locale.toString(c.numLayers));
    m_fields["features"]->setText(features.join(tr(", ")));
    m_fields["checkpoint"]->setText(
        tr("%1, %2 in %n file(s)", nullptr, info.shardCount)
            .arg(QString::fromStdString(info.checkpointDtype), format::bytes(info.checkpointBytes)));
    m_fields["tokenizer"]->setText(info.tokenizerKind.empty() ? tr("none")
                                                              : QString::fromStdString(info.tokenizerKind));
    // Over several devices, which blocks each holds.
    QStringList devices;
    for (const lc::DeviceBlocks &d : info.placement)
        devices << (d.blocks == 0 ? tr("%1 (no block)").arg(QString::fromStdString(d.device))
                                  : tr("%1 (blocks %2–%3)")
                                        .arg(QString::fromStdString(d.device))
                                        .arg(d.firstBlock)
                                        .arg(d.firstBlock + d.blocks - 1));
    m_fields["device"]->setText(
        tr("%1, %2").arg(devices.isEmpty() ? QString::fromStdString(info.device) : devices.join(tr(", ")),
                         QString::fromStdString(info.computeDtype)));
    showMemory(info);
}

void ModelSummaryPanel::showMemory(const lc::ModelInfo &info)
{
    // On a GPU as loaded; on the CPU what a GPU would need with the checkpoint's dtype. A model placed over
    // several devices: each one's part, its blocks placed by what each has free (as loading placed them).
    const lc::ModelConfig &c = info.config;
    const bool gpu = info.device.rfind("cuda", 0) == 0;
    lc::MemorySetup s;
    s.dtype = gpu ? lc::parseDType(info.computeDtype) : lc::acceleratorDType(info.checkpointDtype);
    s.nf4 = info.weightStorage == "nf4";
    const QString dtype = QString::fromStdString(lc::dtypeName(s.dtype));
    const std::vector<std::string> devices = lc::deviceList(info.device.empty() ? "cpu" : info.device);
    const std::optional<lc::MemoryRoom> room = lc::memoryRoom(info.device.empty() ? "cpu" : info.device);
    const std::vector<int64_t> shares = room ? room->split() : std::vector<int64_t>(devices.size(), 0);
    // "12.3 GB", or "6.2 GB on cuda:0, 6.1 GB on cuda:1" over several devices.
    const auto perDevice = [&](const std::vector<lc::MemoryEstimate> &parts, int64_t lc::MemoryEstimate::*field) {
        const auto size = [&](const lc::MemoryEstimate &e) {
            return format::bytes(static_cast<quint64>(field ? e.*field : e.total()));
        };
        if (parts.size() < 2)
            return size(parts.front());
        QStringList each;
        for (size_t d = 0; d < parts.size() && d < devices.size(); ++d)
            each << tr("%1 on %2").arg(size(parts[d]), QString::fromStdString(devices[d]));
        return each.join(tr(", "));
    };
    try {
        const auto estimate = [&](lc::MemoryJob job) { return lc::estimateMemoryPerDevice(c, job, s, shares); };
        const std::vector<lc::MemoryEstimate> d = estimate(lc::MemoryJob::Distances);
        const QString weights = perDevice(d, &lc::MemoryEstimate::weights);
        m_fields["memWeights"]->setText(s.nf4 ? tr("%1 (NF4 blocks, the rest %2)").arg(weights, dtype)
                                              : tr("%1 (%2)").arg(weights, dtype));
        m_fields["memDistances"]->setText(tr("%1 for 8 × 2,048 tokens per pass").arg(perDevice(d, nullptr)));
        m_fields["memEvaluation"]->setText(tr("%1 for 16,384 tokens per pass, held-out loss included")
                                               .arg(perDevice(estimate(lc::MemoryJob::Evaluation), nullptr)));
        m_fields["memHealing"]->setText(
            tr("%1 for QLoRA on 1 × 2,048 tokens").arg(perDevice(estimate(lc::MemoryJob::Healing), nullptr)));
    } catch (const std::exception &) {
        for (const char *key : {"memWeights", "memDistances", "memEvaluation", "memHealing"})
            m_fields[key]->setText(tr("unknown"));
    }
    // Measured with this model loaded: its weights, which every estimate counts, already take their share.
    QStringList free;
    for (const std::string &device : devices)
        if (const std::optional<lc::DeviceMemory> m = lc::deviceMemory(device))
            free << tr("%1 of %2 on %3")
                        .arg(format::bytes(static_cast<quint64>(m->freeBytes)),
                             format::bytes(static_cast<quint64>(m->totalBytes)), QString::fromStdString(device));
    m_fields["memFree"]->setText(
        !free.isEmpty()      ? tr("%1, with this model's weights already loaded").arg(free.join(tr(", ")))
        : devices.size() > 1 ? tr("no GPU in use: the estimates are for GPUs with these parts, in %1").arg(dtype)
                             : tr("no GPU in use: the estimates are for a GPU, in %1").arg(dtype));
}
