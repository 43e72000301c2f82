// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include <QWidget>

#include "jobs/metatypes.h"

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

/**
 * The settings of an evaluation (MMLU, BoolQ, GSM8K, held-out loss) with Evaluate Model, of a sweep over prune
 * fractions and strategies with Run Sweep, and of the per-layer importance scan (with its injection probe) with
 * Per-Layer Importance. It only describes the work: MainWindow
 * starts it on the compute thread and adds what other docks own (the analysis data, the healing config).
 */
class EvaluationPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit EvaluationPanel(QWidget *parent = nullptr);

    /** The evaluation the form describes; an empty validation field means the default data file. */
    lc::EvalOptions evalOptions() const;
    /**
     * The sweep the form describes (eval options included; healing and distance data are left to the
     * caller). Throws lc::Error when the fractions cannot be read or no strategy is chosen.
     */
    lc::SweepOptions sweepOptions(bool perLayer) const;
    /** "0, 0.1, 0.25" -> {0, 0.1, 0.25}; commas, semicolons or spaces separate. Throws lc::Error. */
    static std::vector<double> parseFractions(const QString &text);

    /** The validation text used when the field is left empty (the analysis panel's data file). */
    void setDefaultDataFile(const QString &path);
    /** Names the default result files after the model. */
    void setModelName(const QString &name);
    /** Where a sweep (or the importance scan) is written when the result field is empty. */
    QString resultFile(bool perLayer) const;
    /** Whether work may start now (a model is loaded and the compute thread is idle). */
    void setStartEnabled(bool enabled);
    void setStatus(const QString &text);
    QString status() const;
    /** Stores the current choices as the defaults of the next session. */
    void rememberSettings() const;

    // The form's fields, for scripts and tests.
    void setMmlu(const QString &path);
    void setBoolq(const QString &path);
    void setValidationData(const QString &path);
    /** The GSM8K problems and where their few-shot examples come from (empty: the problems' first rows). */
    void setGsm8k(const QString &path, const QString &examples);
    /** The fields as typed (an empty validation field stays empty here). */
    QString mmlu() const;
    QString boolq() const;
    QString validationData() const;
    QString gsm8k() const;
    QString gsm8kTrain() const;
    void setShots(int shots);
    void setLimit(int limit);
    void setGsm8kShots(int shots);
    void setMaxNewTokens(int tokens);
    void setFractions(const QString &text);
    /** Strategy names as the core spells them: "similarity", "deepest", "reverse". */
    void setStrategies(const QStringList &names);
    QStringList strategies() const;
    void setHealSteps(int steps);
    void setResultFile(const QString &path);
    /** The importance scan's injection probe (steps 0: only layers dropped); paths as typed. */
    void setInjectionProbe(const lc::InjectionProbe &probe);
    lc::InjectionProbe injectionProbe() const;

signals:
    void evaluateRequested();
    void sweepRequested();
    void importanceRequested();
    void dataPathsChanged();  // a benchmark or validation data path was edited

private:
    QString m_defaultData, m_modelName;
    QLineEdit *m_mmlu = nullptr, *m_boolq = nullptr, *m_gsm8k = nullptr, *m_gsm8kTrain = nullptr,
              *m_validation = nullptr, *m_fractions = nullptr, *m_resultFile = nullptr;
    QSpinBox *m_shots = nullptr, *m_boolqShots = nullptr, *m_gsm8kShots = nullptr, *m_maxNewTokens = nullptr,
             *m_limit = nullptr, *m_healSteps = nullptr, *m_probeSteps = nullptr;
    QLineEdit *m_probeData = nullptr, *m_probeMmlu = nullptr, *m_probeBoolq = nullptr;
    QComboBox *m_probeInit = nullptr;
    QCheckBox *m_similarity = nullptr, *m_deepest = nullptr, *m_reverse = nullptr;
    QGroupBox *m_sweepBox = nullptr, *m_importanceBox = nullptr;
    QPushButton *m_evaluate = nullptr, *m_sweep = nullptr, *m_importance = nullptr;
    QLabel *m_status = nullptr;
};
