// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>

#include <QWidget>

#include "jobs/metatypes.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class ScientificSpinBox;

/**
 * The settings of a healing run (method, LoRA shape, optimisation, data and outputs) with Start, Pause and
 * Cancel, and the paper's advice for the loaded model when it has any. Settings that the chosen method
 * does not use are disabled. Defaults are HealingConfig's; the last run's choices are remembered.
 */
class HealingPanel final : public QWidget
{
    Q_OBJECT

public:
    /** The methods offered, in the order of the method box. */
    enum class Method { QLora, Lora, Partial, Full, Blocks };
    Q_ENUM(Method)

    explicit HealingPanel(QWidget *parent = nullptr);

    /** The run the form describes. An empty training data field means the default data file. */
    lc::HealingConfig config() const;
    /** Shows `config` in the form (what it cannot show, such as the seed, is kept for config()). */
    void setConfig(const lc::HealingConfig &config);
    /** Adapts the form to the model: the number of blocks, the paper's settings for it. */
    void setModel(const lc::ModelInfo &info);
    /** The data fields as typed (an empty training field stays empty here, unlike in config()). */
    QString trainData() const;
    void setTrainData(const QString &path);
    QString validationData() const;
    void setValidationData(const QString &path);
    /** The training data used when the field is left empty (the analysis panel's data file). */
    void setDefaultDataFile(const QString &path);
    /** Whether a run may start now (a model is loaded and the compute thread is idle). */
    void setStartEnabled(bool enabled);
    /** While running the form is locked; Pause shows Resume while paused. */
    void setRunning(bool running, bool paused);
    void setStatus(const QString &text);
    /** Stores the current choices as the defaults of the next session. */
    void rememberSettings() const;

    Method method() const;
    void setMethod(Method method);
    /** The paper's advice for the loaded model as the core words it (English; the label shows it translated), or empty. */
    QString hintText() const;
    /** Takes the hint's rank, learning rate and sequence length into the form. */
    void applyHint();
    /** Whether the field named `field` (its object name: "rank", "alpha", "lastLayers", …) is enabled. */
    bool isFieldEnabled(const QString &field) const;

signals:
    void startRequested();
    void pauseRequested(bool paused);
    void cancelRequested();
    void dataPathsChanged();  // the training or validation data path was edited

private:
    void updateEnabled();
    void updateHint();
    void updateAccumulation();

    lc::HealingConfig m_base;  // carries what the form does not show
    std::optional<lc::HealingHint> m_hint;
    QString m_defaultData;
    bool m_running = false, m_startEnabled = false, m_alphaFollowsRank = true;

    QComboBox *m_method = nullptr, *m_targets = nullptr, *m_schedule = nullptr;
    QSpinBox *m_rank = nullptr, *m_warmup = nullptr, *m_steps = nullptr, *m_batch = nullptr, *m_microBatch = nullptr,
             *m_sequenceLength = nullptr, *m_evalEvery = nullptr, *m_checkpointEvery = nullptr, *m_lastLayers = nullptr;
    QDoubleSpinBox *m_alpha = nullptr, *m_dropout = nullptr, *m_maxGradNorm = nullptr;
    ScientificSpinBox *m_learningRate = nullptr;
    QCheckBox *m_checkpointing = nullptr;
    QLineEdit *m_trainData = nullptr, *m_validationData = nullptr, *m_outputDir = nullptr;
    QLabel *m_hintLabel = nullptr, *m_accumulation = nullptr, *m_status = nullptr;
    QGroupBox *m_methodBox = nullptr, *m_trainingBox = nullptr, *m_dataBox = nullptr;
    QPushButton *m_start = nullptr, *m_pause = nullptr, *m_cancel = nullptr;
};
