// SPDX-License-Identifier: GPL-3.0-or-later
// The evaluation and sweep form. It only describes the work: MainWindow starts it on the compute thread.
// Benchmark files and choices are remembered between sessions through app_settings.h.
#include "panels/evaluation_panel.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>

#include "layercut/error.h"
#include "settings/app_settings.h"

namespace {

std::filesystem::path toPath(const QString &text)
{
    return QDir::fromNativeSeparators(text.trimmed()).toStdString();
}

}  // namespace

EvaluationPanel::EvaluationPanel(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    auto newForm = [](QGroupBox *box) {
        auto *form = new QFormLayout(box);
        form->setLabelAlignment(Qt::AlignRight);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        return form;
    };
    // A path field with its browse buttons: a folder, a file to open, or a file to save.
    enum class Browse { OpenFile, Folder, SaveFile };
    auto pathRow = [this](QFormLayout *form, QLineEdit *&edit, const QString &label, const QString &value,
                          QList<Browse> kinds, const QString &title, const QString &filter) {
        edit = new QLineEdit(value, this);
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::textEdited, this, &EvaluationPanel::dataPathsChanged);
        auto *row = new QHBoxLayout;
        row->addWidget(edit, 1);
        for (const Browse kind : kinds) {
            auto *button = new QPushButton(
                kinds.size() > 1 ? (kind == Browse::Folder ? tr("Folder…") : tr("File…")) : tr("Browse…"), this);
            QLineEdit *target = edit;
            connect(button, &QPushButton::clicked, this, [this, target, kind, title, filter] {
                const QString start = target->text().isEmpty() ? m_defaultData : target->text();
                QString chosen;
                switch (kind) {
                case Browse::Folder: chosen = QFileDialog::getExistingDirectory(this, title, start); break;
                case Browse::OpenFile: chosen = QFileDialog::getOpenFileName(this, title, start, filter); break;
                case Browse::SaveFile: chosen = QFileDialog::getSaveFileName(this, title, start, filter); break;
                }
                if (!chosen.isEmpty()) {
                    target->setText(QDir::toNativeSeparators(chosen));
                    emit dataPathsChanged();
                }
            });
            row->addWidget(button);
        }
        form->addRow(label, row);
    };

    // What to measure.
    auto *benchBox = new QGroupBox(tr("Benchmarks"), this);
    QFormLayout *form = newForm(benchBox);
    pathRow(form, m_mmlu, tr("MMLU:"), settings::evaluationMmlu.value(), {Browse::Folder, Browse::OpenFile},
            tr("Choose MMLU"), tr("JSON Lines (*.jsonl *.json);;All files (*)"));
    m_mmlu->setPlaceholderText(tr("none: skip MMLU"));
    m_mmlu->setToolTip(tr("The MMLU release folder (data/dev and data/test CSV files) or a JSON Lines file like "
                          "cais/mmlu's"));
    pathRow(form, m_boolq, tr("BoolQ:"), settings::evaluationBoolq.value(), {Browse::OpenFile}, tr("Choose BoolQ"),
            tr("JSON Lines (*.jsonl *.json);;All files (*)"));
    m_boolq->setPlaceholderText(tr("none: skip BoolQ"));
    m_boolq->setToolTip(tr("BoolQ questions as JSON Lines (question, passage, answer or label)"));
    pathRow(form, m_gsm8k, tr("GSM8K:"), settings::evaluationGsm8k.value(), {Browse::OpenFile}, tr("Choose GSM8K"),
            tr("JSON Lines (*.jsonl *.json);;All files (*)"));
    m_gsm8k->setPlaceholderText(tr("none: skip GSM8K"));
    m_gsm8k->setToolTip(tr("GSM8K problems as JSON Lines (question, answer): the model solves each by greedy "
                           "generation and the final number must match, as lm-evaluation-harness scores it"));
    pathRow(form, m_gsm8kTrain, tr("GSM8K examples:"), settings::evaluationGsm8kTrain.value(), {Browse::OpenFile},
            tr("Choose GSM8K Examples"), tr("JSON Lines (*.jsonl *.json);;All files (*)"));
    m_gsm8kTrain->setPlaceholderText(tr("the GSM8K file's first rows"));
    m_gsm8kTrain->setToolTip(tr("Solved problems whose first rows are the few-shot examples (GSM8K's train.jsonl, "
                                "as the harness takes them); empty: the GSM8K file's first rows, then not scored"));
    // GSM8K's release keeps train.jsonl beside test.jsonl: the harness's examples, filled in where none are set.
    connect(m_gsm8k, &QLineEdit::textChanged, this, [this](const QString &text) {
        const QFileInfo test(QDir::fromNativeSeparators(text.trimmed()));
        const QString train = test.dir().filePath(QStringLiteral("train.jsonl"));
        if (m_gsm8kTrain->text().trimmed().isEmpty() && test.fileName() == QLatin1String("test.jsonl") &&
            QFileInfo::exists(train))
            m_gsm8kTrain->setText(QDir::toNativeSeparators(train));
    });
    pathRow(form, m_validation, tr("Loss data:"), settings::evaluationValidationData.value(), {Browse::OpenFile},
            tr("Choose Validation Text"), tr("Datasets (*.txt *.jsonl *.json *.gz);;All files (*)"));
    m_validation->setPlaceholderText(tr("the analysis data"));
    m_validation->setToolTip(tr("Text for the held-out loss, also shown divided by ln V (1.0 is uniform guessing)"));
    m_shots = new QSpinBox(this);
    m_shots->setRange(0, 25);
    m_shots->setValue(settings::evaluationShots.value());
    m_shots->setToolTip(tr("Solved MMLU examples before each question (the harness's default is 5)"));
    form->addRow(tr("MMLU shots:"), m_shots);
    m_boolqShots = new QSpinBox(this);
    m_boolqShots->setRange(0, 25);
    m_boolqShots->setValue(settings::evaluationBoolqShots.value());
    m_boolqShots->setToolTip(tr("Solved BoolQ examples before each question, taken from the file's first rows "
                                "and then not scored (the harness's default is 0)"));
    form->addRow(tr("BoolQ shots:"), m_boolqShots);
    m_gsm8kShots = new QSpinBox(this);
    m_gsm8kShots->setRange(0, 25);
    m_gsm8kShots->setValue(settings::evaluationGsm8kShots.value());
    m_gsm8kShots->setToolTip(tr("Solved GSM8K problems before each question (the harness's default is 5)"));
    form->addRow(tr("GSM8K shots:"), m_gsm8kShots);
    m_maxNewTokens = new QSpinBox(this);
    m_maxNewTokens->setRange(1, 4096);
    m_maxNewTokens->setValue(settings::evaluationMaxNewTokens.value());
    m_maxNewTokens->setToolTip(tr("Tokens the model may write per GSM8K answer at most (the harness's default is "
                                  "256); it stops earlier at \"Question:\", a blank line or its end-of-text token"));
    form->addRow(tr("GSM8K answer tokens:"), m_maxNewTokens);
    m_limit = new QSpinBox(this);
    m_limit->setRange(0, 1000000);
    m_limit->setSpecialValueText(tr("all"));
    m_limit->setValue(settings::evaluationLimit.value());
    m_limit->setToolTip(tr("Questions per MMLU subject, of BoolQ and of GSM8K; all when 0"));
    form->addRow(tr("Limit per subject:"), m_limit);
    m_evaluate = new QPushButton(tr("Evaluate Model"), this);
    m_evaluate->setToolTip(tr("Evaluate the model as it is now: pruned and healed as the other docks left it"));
    connect(m_evaluate, &QPushButton::clicked, this, &EvaluationPanel::evaluateRequested);
    form->addRow(m_evaluate);
    layout->addWidget(benchBox);

    // The sweep: the same evaluation at every fraction and strategy.
    m_sweepBox = new QGroupBox(tr("Sweep"), this);
    form = newForm(m_sweepBox);
    m_fractions = new QLineEdit(settings::sweepFractions.value(), this);
    m_fractions->setToolTip(tr("Fractions of the layers to drop, separated by commas"));
    form->addRow(tr("Fractions:"), m_fractions);
    auto *strategyColumn = new QVBoxLayout;
    m_similarity = new QCheckBox(tr("Most similar block"), this);
    m_similarity->setToolTip(tr("Drop the block of smallest angular distance, measured on the analysis data"));
    m_deepest = new QCheckBox(tr("Deepest before the last"), this);
    m_deepest->setToolTip(tr("The paper's heuristic: drop the layers just before the last one"));
    m_reverse = new QCheckBox(tr("Last layers"), this);
    m_reverse->setToolTip(tr("Drop the last layers"));
    strategyColumn->addWidget(m_similarity);
    strategyColumn->addWidget(m_deepest);
    strategyColumn->addWidget(m_reverse);
    form->addRow(tr("Strategies:"), strategyColumn);
    setStrategies(settings::sweepStrategies.value());
    m_healSteps = new QSpinBox(this);
    m_healSteps->setRange(0, 1000000);
    m_healSteps->setSpecialValueText(tr("no healing"));
    m_healSteps->setValue(settings::sweepHealSteps.value());
    m_healSteps->setToolTip(tr("Heal each pruned model for this many steps with the Healing dock's settings and "
                               "evaluate it again"));
    form->addRow(tr("Heal steps per point:"), m_healSteps);
    pathRow(form, m_resultFile, tr("Result file:"), settings::sweepResultFile.value(), {Browse::SaveFile},
            tr("Choose Result File"), tr("JSON (*.json)"));
    m_resultFile->setToolTip(tr("Written after every point; a file of an interrupted sweep with the same settings is "
                                "resumed"));
    m_sweep = new QPushButton(tr("Run Sweep"), this);
    m_sweep->setToolTip(tr("Evaluate the model at every fraction and strategy, unhealed and healed"));
    connect(m_sweep, &QPushButton::clicked, this, &EvaluationPanel::sweepRequested);
    form->addRow(m_sweep);
    layout->addWidget(m_sweepBox);

    // Llama SLayer's probe of both kinds: drop each layer; insert a block after each layer and inject facts.
    m_importanceBox = new QGroupBox(tr("Per-Layer Importance"), this);
    form = newForm(m_importanceBox);
    m_probeSteps = new QSpinBox(this);
    m_probeSteps->setRange(0, 1000000);
    m_probeSteps->setSpecialValueText(tr("off: only drop layers"));
    m_probeSteps->setValue(settings::probeSteps.value());
    m_probeSteps->setToolTip(tr("Also insert a new block after each layer, train only it for this many steps on the "
                                "new facts (with the Healing dock's settings) and ask the questions about them"));
    form->addRow(tr("Injection steps per layer:"), m_probeSteps);
    m_probeInit = new QComboBox(this);
    m_probeInit->addItem(tr("Averaged with the next layer"), QStringLiteral("average"));
    m_probeInit->addItem(tr("Copied"), QStringLiteral("copy"));
    m_probeInit->setCurrentIndex(std::max(0, m_probeInit->findData(settings::probeInit.value())));
    m_probeInit->setToolTip(tr("How each new block starts (Llama SLayer averages, LLaMA Pro copies); either way it "
                               "is the identity until trained"));
    form->addRow(tr("New block:"), m_probeInit);
    const QString datasets = tr("Datasets (*.txt *.jsonl *.json *.gz);;All files (*)");
    const QString jsonLines = tr("JSON Lines (*.jsonl *.json);;All files (*)");
    pathRow(form, m_probeData, tr("New facts:"), settings::probeData.value(), {Browse::OpenFile},
            tr("Choose the Text to Inject"), datasets);
    m_probeData->setToolTip(tr("Text about facts the model has not seen: what each new block is trained on"));
    pathRow(form, m_probeMmlu, tr("MMLU on them:"), settings::probeMmlu.value(), {Browse::Folder, Browse::OpenFile},
            tr("Choose MMLU on the New Facts"), jsonLines);
    m_probeMmlu->setToolTip(tr("MMLU-format questions about the new facts, asked with the shots and limit above"));
    pathRow(form, m_probeBoolq, tr("BoolQ on them:"), settings::probeBoolq.value(), {Browse::OpenFile},
            tr("Choose BoolQ on the New Facts"), jsonLines);
    m_probeBoolq->setToolTip(tr("BoolQ-format questions about the new facts"));
    const auto probeFieldsEnabled = [this] {
        for (QWidget *w : {static_cast<QWidget *>(m_probeInit), static_cast<QWidget *>(m_probeData),
                           static_cast<QWidget *>(m_probeMmlu), static_cast<QWidget *>(m_probeBoolq)})
            w->setEnabled(m_probeSteps->value() > 0);
    };
    connect(m_probeSteps, &QSpinBox::valueChanged, this, probeFieldsEnabled);
    probeFieldsEnabled();
    m_importance = new QPushButton(tr("Per-Layer Importance"), this);
    m_importance->setToolTip(tr("Drop each layer alone and measure what it costs; with injection steps, also insert "
                                "and train a block after each layer and measure what it learnt"));
    connect(m_importance, &QPushButton::clicked, this, &EvaluationPanel::importanceRequested);
    form->addRow(m_importance);
    layout->addWidget(m_importanceBox);
    layout->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setContentsMargins(6, 0, 6, 6);
    outer->addWidget(m_status);
    setModelName(QString());
    setStartEnabled(false);
}

lc::EvalOptions EvaluationPanel::evalOptions() const
{
    lc::EvalOptions o;
    o.mmlu = toPath(m_mmlu->text());
    o.boolq = toPath(m_boolq->text());
    o.gsm8k = toPath(m_gsm8k->text());
    o.gsm8kTrain = o.gsm8k.empty() ? std::filesystem::path() : toPath(m_gsm8kTrain->text());
    o.gsm8kShots = m_gsm8kShots->value();
    o.maxNewTokens = m_maxNewTokens->value();
    o.validationData = toPath(m_validation->text().trimmed().isEmpty() ? m_defaultData : m_validation->text());
    o.shots = m_shots->value();
    o.boolqShots = m_boolqShots->value();
    o.limit = m_limit->value();
    return o;
}

std::vector<double> EvaluationPanel::parseFractions(const QString &text)
{
    std::vector<double> out;
    const QStringList parts = text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        bool ok = false;
        double f = part.toDouble(&ok);
        if (!ok)
            f = QLocale().toDouble(part, &ok);  // "0,25" where the locale writes decimals so
        if (!ok || f < 0 || f >= 1)
            throw lc::Error("'" + part.toStdString() + "' is not a fraction in [0, 1)");
        out.push_back(f);
    }
    if (out.empty())
        throw lc::Error("no fraction given");
    return out;
}

lc::SweepOptions EvaluationPanel::sweepOptions(bool perLayer) const
{
    lc::SweepOptions o;
    o.eval = evalOptions();
    o.perLayer = perLayer;
    o.resultFile = toPath(resultFile(perLayer));
    if (perLayer) {
        o.injection = injectionProbe();
        return o;
    }
    o.fractions = parseFractions(m_fractions->text());
    o.strategies.clear();
    if (m_similarity->isChecked())
        o.strategies.push_back(lc::PruneStrategy::Similarity);
    if (m_deepest->isChecked())
        o.strategies.push_back(lc::PruneStrategy::Deepest);
    if (m_reverse->isChecked())
        o.strategies.push_back(lc::PruneStrategy::Reverse);
    if (o.strategies.empty())
        throw lc::Error("no strategy chosen");
    o.healSteps = m_healSteps->value();
    return o;
}

void EvaluationPanel::setDefaultDataFile(const QString &path)
{
    m_defaultData = path;
    m_validation->setPlaceholderText(path.isEmpty() ? tr("none: skip the loss")
                                                    : tr("the analysis data: %1").arg(QFileInfo(path).fileName()));
}

void EvaluationPanel::setModelName(const QString &name)
{
    m_modelName = name;
    m_resultFile->setPlaceholderText(QDir::toNativeSeparators(resultFile(false)));
}

QString EvaluationPanel::resultFile(bool perLayer) const
{
    const QString chosen = QDir::fromNativeSeparators(m_resultFile->text().trimmed());
    if (chosen.isEmpty()) {
        const QString model = m_modelName.isEmpty() ? QStringLiteral("model") : m_modelName;
        return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/sweeps/") + model +
               (perLayer ? QStringLiteral("-importance.json") : QStringLiteral("-sweep.json"));
    }
    if (!perLayer)
        return chosen;
    // The importance scan has other settings than the sweep, so it cannot share (resume) its file.
    const QFileInfo info(chosen);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral("-importance.json"));
}

void EvaluationPanel::setStartEnabled(bool enabled)
{
    m_evaluate->setEnabled(enabled);
    m_sweep->setEnabled(enabled);
    m_importance->setEnabled(enabled);
}

void EvaluationPanel::setStatus(const QString &text)
{
    m_status->setText(text);
}

QString EvaluationPanel::status() const
{
    return m_status->text();
}

void EvaluationPanel::rememberSettings() const
{
    settings::evaluationMmlu.setValue(m_mmlu->text().trimmed());
    settings::evaluationBoolq.setValue(m_boolq->text().trimmed());
    settings::evaluationValidationData.setValue(m_validation->text().trimmed());
    settings::evaluationGsm8k.setValue(m_gsm8k->text().trimmed());
    settings::evaluationGsm8kTrain.setValue(m_gsm8kTrain->text().trimmed());
    settings::evaluationGsm8kShots.setValue(m_gsm8kShots->value());
    settings::evaluationMaxNewTokens.setValue(m_maxNewTokens->value());
    settings::evaluationShots.setValue(m_shots->value());
    settings::evaluationBoolqShots.setValue(m_boolqShots->value());
    settings::evaluationLimit.setValue(m_limit->value());
    settings::sweepFractions.setValue(m_fractions->text());
    settings::sweepStrategies.setValue(strategies());
    settings::sweepHealSteps.setValue(m_healSteps->value());
    settings::sweepResultFile.setValue(m_resultFile->text().trimmed());
    settings::probeSteps.setValue(m_probeSteps->value());
    settings::probeInit.setValue(m_probeInit->currentData().toString());
    settings::probeData.setValue(m_probeData->text().trimmed());
    settings::probeMmlu.setValue(m_probeMmlu->text().trimmed());
    settings::probeBoolq.setValue(m_probeBoolq->text().trimmed());
}

void EvaluationPanel::setInjectionProbe(const lc::InjectionProbe &probe)
{
    m_probeSteps->setValue(static_cast<int>(probe.steps));
    m_probeInit->setCurrentIndex(
        std::max(0, m_probeInit->findData(QString::fromStdString(lc::blockInitName(probe.init)))));
    m_probeData->setText(QDir::toNativeSeparators(QString::fromStdString(probe.trainData.string())));
    m_probeMmlu->setText(QDir::toNativeSeparators(QString::fromStdString(probe.mmlu.string())));
    m_probeBoolq->setText(QDir::toNativeSeparators(QString::fromStdString(probe.boolq.string())));
}

lc::InjectionProbe EvaluationPanel::injectionProbe() const
{
    lc::InjectionProbe p;
    p.steps = m_probeSteps->value();
    p.init = lc::parseBlockInit(m_probeInit->currentData().toString().toStdString());
    p.trainData = toPath(m_probeData->text());
    p.mmlu = toPath(m_probeMmlu->text());
    p.boolq = toPath(m_probeBoolq->text());
    return p;
}

void EvaluationPanel::setMmlu(const QString &path)
{
    m_mmlu->setText(QDir::toNativeSeparators(path));
}
void EvaluationPanel::setBoolq(const QString &path)
{
    m_boolq->setText(QDir::toNativeSeparators(path));
}
void EvaluationPanel::setValidationData(const QString &path)
{
    m_validation->setText(QDir::toNativeSeparators(path));
}
void EvaluationPanel::setGsm8k(const QString &path, const QString &examples)
{
    const QSignalBlocker block(m_gsm8k);  // as the project has them: no examples filled in
    m_gsm8k->setText(QDir::toNativeSeparators(path));
    m_gsm8kTrain->setText(QDir::toNativeSeparators(examples));
}
QString EvaluationPanel::mmlu() const
{
    return QDir::fromNativeSeparators(m_mmlu->text().trimmed());
}
QString EvaluationPanel::boolq() const
{
    return QDir::fromNativeSeparators(m_boolq->text().trimmed());
}
QString EvaluationPanel::validationData() const
{
    return QDir::fromNativeSeparators(m_validation->text().trimmed());
}
QString EvaluationPanel::gsm8k() const
{
    return QDir::fromNativeSeparators(m_gsm8k->text().trimmed());
}
QString EvaluationPanel::gsm8kTrain() const
{
    return QDir::fromNativeSeparators(m_gsm8kTrain->text().trimmed());
}
void EvaluationPanel::setShots(int shots)
{
    m_shots->setValue(shots);
}
void EvaluationPanel::setLimit(int limit)
{
    m_limit->setValue(limit);
}
void EvaluationPanel::setGsm8kShots(int shots)
{
    m_gsm8kShots->setValue(shots);
}
void EvaluationPanel::setMaxNewTokens(int tokens)
{
    m_maxNewTokens->setValue(tokens);
}
void EvaluationPanel::setFractions(const QString &text)
{
    m_fractions->setText(text);
}
void EvaluationPanel::setHealSteps(int steps)
{
    m_healSteps->setValue(steps);
}
void EvaluationPanel::setResultFile(const QString &path)
{
    m_resultFile->setText(QDir::toNativeSeparators(path));
}

void EvaluationPanel::setStrategies(const QStringList &names)
{
    m_similarity->setChecked(names.contains(QLatin1String("similarity")));
    m_deepest->setChecked(names.contains(QLatin1String("deepest")));
    m_reverse->setChecked(names.contains(QLatin1String("reverse")));
}

QStringList EvaluationPanel::strategies() const
{
    QStringList names;
    if (m_similarity->isChecked())
        names << QStringLiteral("similarity");
    if (m_deepest->isChecked())
        names << QStringLiteral("deepest");
    if (m_reverse->isChecked())
        names << QStringLiteral("reverse");
    return names;
}
