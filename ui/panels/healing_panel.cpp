// SPDX-License-Identifier: GPL-3.0-or-later
// The healing form. It only describes a run: MainWindow starts it on the compute thread. Values shown
// come from HealingConfig's defaults (through app_settings.h) or the last run's choices.
#include "panels/healing_panel.h"

#include <algorithm>
#include <iterator>
#include <limits>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include "format.h"
#include "settings/app_settings.h"
#include "widgets/scientific_spin_box.h"

namespace {

const char *const kMethodKeys[] = {"qlora", "lora", "partial", "full", "blocks"};

QString methodKey(HealingPanel::Method method)
{
    return QString::fromLatin1(kMethodKeys[static_cast<int>(method)]);
}

HealingPanel::Method methodFromKey(const QString &key)
{
    for (int i = 0; i < static_cast<int>(std::size(kMethodKeys)); ++i)
        if (key == QLatin1String(kMethodKeys[i]))
            return static_cast<HealingPanel::Method>(i);
    return HealingPanel::Method::QLora;
}

int clampInt(int64_t value)
{
    return static_cast<int>(std::clamp<int64_t>(value, 0, std::numeric_limits<int>::max()));
}

}  // namespace

HealingPanel::HealingPanel(QWidget *parent) : QWidget(parent)
{
    // The form scrolls; the buttons and the status stay in view below it.
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    auto spin = [this](int min, int max, const QString &tip) {  // values come from setConfig() below
        auto *s = new QSpinBox(this);
        s->setRange(min, max);
        s->setToolTip(tip);
        s->setGroupSeparatorShown(true);
        return s;
    };
    auto newForm = [](QGroupBox *box) {
        auto *form = new QFormLayout(box);
        form->setLabelAlignment(Qt::AlignRight);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        return form;
    };

    m_hintLabel = new QLabel(this);
    m_hintLabel->setWordWrap(true);
    m_hintLabel->setTextFormat(Qt::RichText);
    connect(m_hintLabel, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("apply"))
            applyHint();
        else if (link == QLatin1String("defaults"))
            setConfig(lc::HealingConfig{});
    });
    layout->addWidget(m_hintLabel);

    // What trains.
    m_methodBox = new QGroupBox(tr("Method"), this);
    QFormLayout *form = newForm(m_methodBox);
    m_method = new QComboBox(this);
    m_method->addItem(tr("QLoRA: LoRA on an NF4-quantised base"));
    m_method->addItem(tr("LoRA on the dense base"));
    m_method->addItem(tr("Last k blocks, final norm and lm_head"));
    m_method->addItem(tr("Full fine-tuning"));
    m_method->addItem(tr("Inserted blocks only (knowledge injection)"));
    m_method->setItemData(0,
                          tr("The paper's healing: the frozen base in 4-bit NF4 (double quantisation), trainable "
                             "low-rank adapters"),
                          Qt::ToolTipRole);
    m_method->setItemData(1,
                          tr("Low-rank adapters on the base in its compute precision: more memory, no "
                             "quantisation error"),
                          Qt::ToolTipRole);
    m_method->setItemData(2,
                          tr("Fine-tune the last k kept blocks, the final norm and lm_head; everything else stays "
                             "frozen"),
                          Qt::ToolTipRole);
    m_method->setItemData(3, tr("Train every weight, embeddings included: needs the most memory"), Qt::ToolTipRole);
    m_method->setItemData(4,
                          tr("Train only the new blocks, at full rank, with everything else frozen: those inserted "
                             "on the layer strip (right-click a layer), else those an expansion inserted (the model "
                             "folder's layercut.json lists them, as layercut-cli expand writes it)"),
                          Qt::ToolTipRole);
    form->addRow(tr("Train:"), m_method);
    m_targets = new QComboBox(this);
    m_targets->addItem(tr("FFN projections (gate, up, down), as in the paper"), QStringLiteral("ffn"));
    m_targets->addItem(tr("All linear layers (q, k, v, o, gate, up, down)"), QStringLiteral("all"));
    m_targets->setToolTip(tr("The projections that get LoRA adapters"));
    form->addRow(tr("Adapt:"), m_targets);
    m_rank = spin(1, 4096, tr("LoRA rank r: the adapters' inner dimension"));
    form->addRow(tr("Rank r:"), m_rank);
    m_alpha = new QDoubleSpinBox(this);
    m_alpha->setRange(0.01, 100000);
    m_alpha->setDecimals(2);
    m_alpha->setToolTip(tr("LoRA alpha; the update is scaled by alpha / r. Follows the rank (alpha = r) until "
                           "you change it"));
    form->addRow(tr("Alpha:"), m_alpha);
    m_dropout = new QDoubleSpinBox(this);
    m_dropout->setRange(0, 0.9);
    m_dropout->setDecimals(2);
    m_dropout->setSingleStep(0.01);
    m_dropout->setToolTip(tr("Dropout on the input of each LoRA branch"));
    form->addRow(tr("Dropout:"), m_dropout);
    m_lastLayers = spin(1, 1024, tr("How many of the last kept blocks train"));
    form->addRow(tr("Last k blocks:"), m_lastLayers);
    layout->addWidget(m_methodBox);

    // How it trains.
    m_trainingBox = new QGroupBox(tr("Optimisation"), this);
    form = newForm(m_trainingBox);
    m_learningRate = new ScientificSpinBox(this);
    m_learningRate->setRange(1e-8, 1.0);
    m_learningRate->setToolTip(tr("Peak learning rate of AdamW, reached after the warmup"));
    form->addRow(tr("Learning rate:"), m_learningRate);
    // The minimum, -1, is "automatic" (an unset HealingConfig::warmupSteps), so 0 stays a choice: no warmup.
    m_warmup = spin(-1, 1'000'000,
                    tr("Steps of linear warmup from 0. Automatic: 2% of the steps, at least 1 (the paper: 100 of "
                       "5000); it follows the steps when they change"));
    m_warmup->setSpecialValueText(tr("auto (2% of steps)"));
    form->addRow(tr("Warmup steps:"), m_warmup);
    m_schedule = new QComboBox(this);
    m_schedule->addItem(tr("Cosine to 0"), QStringLiteral("cosine"));
    m_schedule->addItem(tr("Constant"), QStringLiteral("constant"));
    form->addRow(tr("Schedule:"), m_schedule);
    m_steps = spin(1, 10'000'000, tr("Optimizer steps"));
    form->addRow(tr("Steps:"), m_steps);
    m_batch = spin(1, 65536, tr("Sequences per optimizer step (global batch)"));
    form->addRow(tr("Batch:"), m_batch);
    auto *microRow = new QHBoxLayout;
    m_microBatch =
        spin(1, 65536, tr("Sequences per forward pass; the batch accumulates over batch / micro-batch passes"));
    m_accumulation = new QLabel(this);
    microRow->addWidget(m_microBatch, 1);
    microRow->addWidget(m_accumulation);
    form->addRow(tr("Micro-batch:"), microRow);
    m_sequenceLength =
        spin(8, 1'048'576, tr("Tokens per training sequence; documents are packed into blocks of this length"));
    form->addRow(tr("Sequence length:"), m_sequenceLength);
    m_maxGradNorm = new QDoubleSpinBox(this);
    m_maxGradNorm->setRange(0, 1000);
    m_maxGradNorm->setDecimals(2);
    m_maxGradNorm->setSingleStep(0.1);
    m_maxGradNorm->setSpecialValueText(tr("off"));
    m_maxGradNorm->setToolTip(tr("Clip the gradient's global norm to this; 0 turns clipping off"));
    form->addRow(tr("Gradient clipping:"), m_maxGradNorm);
    m_checkpointing = new QCheckBox(tr("Activation checkpointing"), this);
    m_checkpointing->setToolTip(tr("Recompute each block in the backward pass: less memory, about a third slower"));
    form->addRow(m_checkpointing);
    m_evalEvery = spin(0, 10'000'000, tr("Steps between validation losses"));
    m_evalEvery->setSpecialValueText(tr("at the end"));
    form->addRow(tr("Validate every:"), m_evalEvery);
    m_checkpointEvery =
        spin(0, 10'000'000, tr("Steps between checkpoints written to the output folder; a run can resume from them"));
    m_checkpointEvery->setSpecialValueText(tr("at the end"));
    form->addRow(tr("Checkpoint every:"), m_checkpointEvery);
    layout->addWidget(m_trainingBox);

    // Data and outputs.
    m_dataBox = new QGroupBox(tr("Data and output"), this);
    form = newForm(m_dataBox);
    auto pathRow = [this, form](QLineEdit *&edit, const QString &label, const QString &value, bool folder,
                                const QString &title) {
        edit = new QLineEdit(value, this);
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::textEdited, this, &HealingPanel::dataPathsChanged);
        auto *browse = new QPushButton(tr("Browse…"), this);
        QLineEdit *target = edit;
        connect(browse, &QPushButton::clicked, this, [this, target, folder, title] {
            const QString start = target->text().isEmpty() ? m_defaultData : target->text();
            const QString chosen =
                folder ? QFileDialog::getExistingDirectory(this, title, start)
                       : QFileDialog::getOpenFileName(this, title, start,
                                                      tr("Datasets (*.txt *.jsonl *.json *.gz);;All files (*)"));
            if (!chosen.isEmpty()) {
                target->setText(QDir::toNativeSeparators(chosen));
                emit dataPathsChanged();
            }
        });
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(browse);
        form->addRow(label, row);
    };
    pathRow(m_trainData, tr("Training data:"), settings::healingTrainData.value(), false, tr("Choose Training Data"));
    pathRow(m_validationData, tr("Validation data:"), settings::healingValidationData.value(), false,
            tr("Choose Validation Data"));
    m_validationData->setPlaceholderText(tr("a held-out tail of the training data"));
    pathRow(m_outputDir, tr("Output folder:"), settings::healingOutputDir.value(), true, tr("Choose Output Folder"));
    m_outputDir->setPlaceholderText(tr("none: keep the result in memory only"));
    m_outputDir->setToolTip(tr("Adapters, loss.csv, healing.json and checkpoints are written here"));
    layout->addWidget(m_dataBox);
    layout->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(9, 0, 9, 0);
    m_start = new QPushButton(tr("Start Healing"), this);
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setCheckable(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    connect(m_start, &QPushButton::clicked, this, &HealingPanel::startRequested);
    connect(m_pause, &QPushButton::clicked, this, &HealingPanel::pauseRequested);
    connect(m_cancel, &QPushButton::clicked, this, &HealingPanel::cancelRequested);
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    outer->addLayout(buttons);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setContentsMargins(9, 0, 9, 6);
    outer->addWidget(m_status);

    // Remembered choices over HealingConfig's defaults.
    lc::HealingConfig remembered;
    remembered.rank = settings::healingRank.value();
    const double alpha = settings::healingAlpha.value();
    remembered.alpha = alpha > 0 ? alpha : static_cast<double>(remembered.rank);
    remembered.dropout = settings::healingDropout.value();
    remembered.learningRate = settings::healingLearningRate.value();
    if (const qint64 warmup = settings::healingWarmupSteps.value(); warmup >= 0)
        remembered.warmupSteps = warmup;
    remembered.schedule = settings::healingSchedule.value() == QLatin1String("constant") ? lc::LrSchedule::Constant
                                                                                         : lc::LrSchedule::Cosine;
    remembered.steps = settings::healingSteps.value();
    remembered.batchSize = settings::healingBatch.value();
    remembered.microBatchSize = settings::healingMicroBatch.value();
    remembered.sequenceLength = settings::healingSequenceLength.value();
    remembered.maxGradNorm = settings::healingMaxGradNorm.value();
    remembered.activationCheckpointing = settings::healingCheckpointing.value();
    remembered.evalEvery = settings::healingEvalEvery.value();
    remembered.checkpointEvery = settings::healingCheckpointEvery.value();
    remembered.trainLastLayers = settings::healingLastLayers.value();
    if (settings::healingTargets.value() == QLatin1String("all"))
        remembered.targetModules = lc::allLinearModules();
    remembered.trainData = settings::healingTrainData.value().toStdString();
    remembered.validationData = settings::healingValidationData.value().toStdString();
    remembered.outputDir = settings::healingOutputDir.value().toStdString();
    setConfig(remembered);
    setMethod(methodFromKey(settings::healingMethod.value()));
    m_alphaFollowsRank = alpha <= 0;

    connect(m_method, &QComboBox::currentIndexChanged, this, &HealingPanel::updateEnabled);
    connect(m_rank, &QSpinBox::valueChanged, this, [this](int rank) {
        if (m_alphaFollowsRank) {
            const QSignalBlocker blocker(m_alpha);
            m_alpha->setValue(rank);
        }
    });
    connect(m_alpha, &QDoubleSpinBox::valueChanged, this, [this](double alpha) {
        // Typing the rank's value back makes alpha follow the rank again.
        m_alphaFollowsRank = alpha == m_rank->value();
    });
    connect(m_batch, &QSpinBox::valueChanged, this, &HealingPanel::updateAccumulation);
    connect(m_microBatch, &QSpinBox::valueChanged, this, &HealingPanel::updateAccumulation);
    updateHint();
    // Names for tests and scripts that drive the form.
    const std::pair<QWidget *, const char *> names[] = {{m_method, "method"},
                                                        {m_targets, "targets"},
                                                        {m_rank, "rank"},
                                                        {m_alpha, "alpha"},
                                                        {m_dropout, "dropout"},
                                                        {m_lastLayers, "lastLayers"},
                                                        {m_learningRate, "learningRate"},
                                                        {m_warmup, "warmupSteps"},
                                                        {m_schedule, "schedule"},
                                                        {m_steps, "steps"},
                                                        {m_batch, "batch"},
                                                        {m_microBatch, "microBatch"},
                                                        {m_sequenceLength, "sequenceLength"},
                                                        {m_maxGradNorm, "maxGradNorm"},
                                                        {m_checkpointing, "activationCheckpointing"},
                                                        {m_evalEvery, "evalEvery"},
                                                        {m_checkpointEvery, "checkpointEvery"},
                                                        {m_trainData, "trainData"},
                                                        {m_validationData, "validationData"},
                                                        {m_outputDir, "outputDir"},
                                                        {m_start, "start"},
                                                        {m_pause, "pause"},
                                                        {m_cancel, "cancel"},
                                                        {m_hintLabel, "hint"},
                                                        {m_status, "status"}};
    for (const auto &[widget, name] : names)
        widget->setObjectName(QLatin1String(name));
    setRunning(false, false);
}

HealingPanel::Method HealingPanel::method() const
{
    return static_cast<Method>(m_method->currentIndex());
}

void HealingPanel::setMethod(Method method)
{
    m_method->setCurrentIndex(static_cast<int>(method));
    updateEnabled();
}

lc::HealingConfig HealingPanel::config() const
{
    lc::HealingConfig c = m_base;
    switch (method()) {
    case Method::QLora: c.method = lc::HealingMethod::Lora, c.quantization = lc::BaseQuantization::Nf4; break;
    case Method::Lora: c.method = lc::HealingMethod::Lora, c.quantization = lc::BaseQuantization::None; break;
    case Method::Partial:
        c.method = lc::HealingMethod::PartialLayers, c.quantization = lc::BaseQuantization::None;
        break;
    case Method::Full: c.method = lc::HealingMethod::Full, c.quantization = lc::BaseQuantization::None; break;
    case Method::Blocks: c.method = lc::HealingMethod::Blocks, c.quantization = lc::BaseQuantization::None; break;
    }
    c.targetModules =
        m_targets->currentData().toString() == QLatin1String("all") ? lc::allLinearModules() : lc::ffnModules();
    c.rank = m_rank->value();
    c.alpha = m_alpha->value();
    c.dropout = m_dropout->value();
    c.trainLastLayers = m_lastLayers->value();
    c.learningRate = m_learningRate->value();
    c.warmupSteps = m_warmup->value() < 0 ? std::nullopt : std::optional<int64_t>(m_warmup->value());
    c.schedule = m_schedule->currentData().toString() == QLatin1String("constant") ? lc::LrSchedule::Constant
                                                                                   : lc::LrSchedule::Cosine;
    c.steps = m_steps->value();
    c.batchSize = m_batch->value();
    c.microBatchSize = m_microBatch->value();
    c.sequenceLength = m_sequenceLength->value();
    c.maxGradNorm = m_maxGradNorm->value();
    c.activationCheckpointing = m_checkpointing->isChecked();
    c.evalEvery = m_evalEvery->value();
    c.checkpointEvery = m_checkpointEvery->value();
    const QString train = m_trainData->text().trimmed();
    c.trainData = QDir::fromNativeSeparators(train.isEmpty() ? m_defaultData : train).toStdString();
    c.validationData = QDir::fromNativeSeparators(m_validationData->text().trimmed()).toStdString();
    c.outputDir = QDir::fromNativeSeparators(m_outputDir->text().trimmed()).toStdString();
    return c;
}

void HealingPanel::setConfig(const lc::HealingConfig &config)
{
    m_base = config;
    if (config.method == lc::HealingMethod::Lora)
        m_method->setCurrentIndex(
            static_cast<int>(config.quantization == lc::BaseQuantization::Nf4 ? Method::QLora : Method::Lora));
    else
        m_method->setCurrentIndex(static_cast<int>(config.method == lc::HealingMethod::Full     ? Method::Full
                                                   : config.method == lc::HealingMethod::Blocks ? Method::Blocks
                                                                                                : Method::Partial));
    const bool allLinear = config.targetModules.size() > lc::ffnModules().size();
    m_targets->setCurrentIndex(allLinear ? 1 : 0);
    {
        const QSignalBlocker blocker(m_alpha);  // setting the rank must not overwrite the alpha given
        m_rank->setValue(clampInt(config.rank));
        m_alpha->setValue(config.alpha);
    }
    m_alphaFollowsRank = config.alpha == static_cast<double>(config.rank);
    m_dropout->setValue(config.dropout);
    m_lastLayers->setValue(clampInt(config.trainLastLayers));
    m_learningRate->setValue(config.learningRate);
    m_warmup->setValue(config.warmupSteps ? clampInt(*config.warmupSteps) : m_warmup->minimum());
    m_schedule->setCurrentIndex(config.schedule == lc::LrSchedule::Constant ? 1 : 0);
    m_steps->setValue(clampInt(config.steps));
    m_batch->setValue(clampInt(config.batchSize));
    m_microBatch->setValue(clampInt(config.microBatchSize));
    m_sequenceLength->setValue(clampInt(config.sequenceLength));
    m_maxGradNorm->setValue(config.maxGradNorm);
    m_checkpointing->setChecked(config.activationCheckpointing);
    m_evalEvery->setValue(clampInt(config.evalEvery));
    m_checkpointEvery->setValue(clampInt(config.checkpointEvery));
    // Paths stay as they are unless the config names them (the defaults name none).
    if (!config.trainData.empty())
        m_trainData->setText(QDir::toNativeSeparators(QString::fromStdString(config.trainData.string())));
    if (!config.validationData.empty())
        m_validationData->setText(QDir::toNativeSeparators(QString::fromStdString(config.validationData.string())));
    if (!config.outputDir.empty())
        m_outputDir->setText(QDir::toNativeSeparators(QString::fromStdString(config.outputDir.string())));
    updateEnabled();
    updateAccumulation();
}

void HealingPanel::setModel(const lc::ModelInfo &info)
{
    if (info.config.numLayers > 0)
        m_lastLayers->setMaximum(clampInt(info.config.numLayers));
    m_hint = info.config.numLayers > 0 ? lc::paperHealingHint(info.config) : std::nullopt;
    updateHint();
}

QString HealingPanel::trainData() const
{
    return QDir::fromNativeSeparators(m_trainData->text().trimmed());
}

void HealingPanel::setTrainData(const QString &path)
{
    m_trainData->setText(QDir::toNativeSeparators(path));
}

QString HealingPanel::validationData() const
{
    return QDir::fromNativeSeparators(m_validationData->text().trimmed());
}

void HealingPanel::setValidationData(const QString &path)
{
    m_validationData->setText(QDir::toNativeSeparators(path));
}

void HealingPanel::setDefaultDataFile(const QString &path)
{
    m_defaultData = path;
    m_trainData->setPlaceholderText(path.isEmpty() ? tr("text, JSON Lines or C4 .json.gz")
                                                   : tr("the analysis data: %1").arg(QDir::toNativeSeparators(path)));
}

void HealingPanel::updateHint()
{
    if (m_hint) {
        // The core's sentence is English (it names the model); the label is built from its numbers.
        QStringList parts;
        if (m_hint->rank)
            parts << tr("LoRA rank %1").arg(*m_hint->rank);
        if (m_hint->learningRate)
            parts << tr("peak learning rate %1").arg(format::significant(*m_hint->learningRate));
        if (m_hint->sequenceLength)
            parts << tr("%1-token sequences").arg(*m_hint->sequenceLength);
        m_hintLabel->setText(tr("Gromov et al. healed a model like this one with %1. <a href=\"apply\">Apply</a>")
                                 .arg(parts.join(tr(", "))));
        m_hintLabel->setToolTip(QString::fromStdString(m_hint->text));
    } else {
        const lc::HealingConfig paper;
        m_hintLabel->setText(tr("Defaults follow Gromov et al.: QLoRA of rank %1 on the FFN projections, %2 steps of "
                                "%3 × %4 tokens. <a href=\"defaults\">Reset to these</a>")
                                 .arg(paper.rank)
                                 .arg(QLocale().toString(static_cast<qlonglong>(paper.steps)))
                                 .arg(paper.batchSize)
                                 .arg(paper.sequenceLength));
        m_hintLabel->setToolTip(QString());
    }
}

QString HealingPanel::hintText() const
{
    return m_hint ? QString::fromStdString(m_hint->text) : QString();
}

void HealingPanel::applyHint()
{
    if (!m_hint || m_running)
        return;
    if (m_hint->rank)
        m_rank->setValue(clampInt(*m_hint->rank));
    if (m_hint->learningRate)
        m_learningRate->setValue(*m_hint->learningRate);
    if (m_hint->sequenceLength)
        m_sequenceLength->setValue(clampInt(*m_hint->sequenceLength));
}

void HealingPanel::updateEnabled()
{
    const Method m = method();
    const bool lora = m == Method::QLora || m == Method::Lora;
    const bool editable = !m_running;
    for (QWidget *w : std::initializer_list<QWidget *>{m_targets, m_rank, m_alpha, m_dropout})
        w->setEnabled(editable && lora);
    m_lastLayers->setEnabled(editable && m == Method::Partial);
    m_method->setEnabled(editable);
    m_trainingBox->setEnabled(editable);
    m_dataBox->setEnabled(editable);
    m_hintLabel->setEnabled(editable);
}

bool HealingPanel::isFieldEnabled(const QString &field) const
{
    const auto *w = findChild<QWidget *>(field);
    return w && w->isEnabled();
}

void HealingPanel::updateAccumulation()
{
    const int batch = m_batch->value(), micro = m_microBatch->value();
    if (batch % micro != 0) {
        m_accumulation->setText(tr("<span style=\"color:#c0392b\">must divide the batch</span>"));
    } else {
        m_accumulation->setText(tr("× %n pass(es)", nullptr, batch / micro));
    }
}

void HealingPanel::setStartEnabled(bool enabled)
{
    m_startEnabled = enabled;
    setRunning(m_running, m_pause->isChecked());
}

void HealingPanel::setRunning(bool running, bool paused)
{
    m_running = running;
    m_start->setEnabled(!running && m_startEnabled);
    m_pause->setEnabled(running);
    m_pause->setChecked(running && paused);
    m_pause->setText(running && paused ? tr("Resume") : tr("Pause"));
    m_cancel->setEnabled(running);
    updateEnabled();
}

void HealingPanel::setStatus(const QString &text)
{
    m_status->setText(text);
}

void HealingPanel::rememberSettings() const
{
    const lc::HealingConfig c = config();
    settings::healingMethod.setValue(methodKey(method()));
    settings::healingTargets.setValue(m_targets->currentData().toString());
    settings::healingRank.setValue(c.rank);
    settings::healingAlpha.setValue(m_alphaFollowsRank ? 0.0 : c.alpha);
    settings::healingDropout.setValue(c.dropout);
    settings::healingLearningRate.setValue(c.learningRate);
    settings::healingWarmupSteps.setValue(c.warmupSteps.value_or(-1));
    settings::healingSchedule.setValue(m_schedule->currentData().toString());
    settings::healingSteps.setValue(c.steps);
    settings::healingBatch.setValue(c.batchSize);
    settings::healingMicroBatch.setValue(c.microBatchSize);
    settings::healingSequenceLength.setValue(c.sequenceLength);
    settings::healingMaxGradNorm.setValue(c.maxGradNorm);
    settings::healingCheckpointing.setValue(c.activationCheckpointing);
    settings::healingEvalEvery.setValue(c.evalEvery);
    settings::healingCheckpointEvery.setValue(c.checkpointEvery);
    settings::healingLastLayers.setValue(c.trainLastLayers);
    settings::healingTrainData.setValue(QDir::fromNativeSeparators(m_trainData->text().trimmed()));
    settings::healingValidationData.setValue(QDir::fromNativeSeparators(m_validationData->text().trimmed()));
    settings::healingOutputDir.setValue(QDir::fromNativeSeparators(m_outputDir->text().trimmed()));
}
