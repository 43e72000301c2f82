// SPDX-License-Identifier: GPL-3.0-or-later
// Typed settings: each key is declared once, with its type and default, where the app can see it.
#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QStringList>

#include "layercut/healing.h"

template <typename T>
class Setting
{
public:
    constexpr Setting(const char *key, T fallback = T()) : m_key(key), m_fallback(std::move(fallback)) {}

    T value() const { return QSettings().value(m_key, QVariant::fromValue(m_fallback)).template value<T>(); }
    void setValue(const T &v) const { QSettings().setValue(m_key, QVariant::fromValue(v)); }

private:
    const char *m_key;
    T m_fallback;
};

namespace settings {

inline const Setting<QStringList> recentModels{"model/recent"};
inline const Setting<QString> lastModelDir{"model/lastDir"};
inline const Setting<QString> device{"model/device", QStringLiteral("cpu")};
inline const Setting<QString> dtype{"model/dtype"};  // empty: automatic
inline const Setting<bool> nf4{"model/nf4", false};  // load the linear weights as NF4
// The most memory (GB) a job may plan for on its device; 0: the device's free memory alone.
inline const Setting<double> memoryBudgetGB{"model/memoryBudgetGB", 0.0};
inline const Setting<QString> analysisData{"analysis/data"};
inline const Setting<int> analysisSamples{"analysis/samples", 200};
inline const Setting<int> analysisMaxLength{"analysis/maxLength", 1024};
inline const Setting<int> analysisBatch{"analysis/batch", 4};
// Healing: defaults are HealingConfig's (Gromov et al.'s setup), so they are stated once, in the core.
inline const lc::HealingConfig kHealingDefaults;
inline const Setting<QString> healingMethod{"healing/method",
                                            QStringLiteral("qlora")};  // qlora, lora, partial, full, blocks
inline const Setting<QString> healingTargets{"healing/targets", QStringLiteral("ffn")};  // ffn, all
inline const Setting<qint64> healingRank{"healing/rank", kHealingDefaults.rank};
inline const Setting<double> healingAlpha{"healing/alpha", 0.0};  // 0: follows the rank (alpha = r)
inline const Setting<double> healingDropout{"healing/dropout", kHealingDefaults.dropout};
inline const Setting<double> healingLearningRate{"healing/learningRate", kHealingDefaults.learningRate};
// -1: automatic (2% of the steps). A key of its own: "healing/warmupSteps" held the old fixed default of 100,
// saved with every run whether chosen or not, and would keep short runs from ever leaving the warmup.
inline const Setting<qint64> healingWarmupSteps{"healing/warmup", -1};
inline const Setting<QString> healingSchedule{"healing/schedule", QStringLiteral("cosine")};  // cosine, constant
inline const Setting<qint64> healingSteps{"healing/steps", kHealingDefaults.steps};
inline const Setting<qint64> healingBatch{"healing/batch", kHealingDefaults.batchSize};
inline const Setting<qint64> healingMicroBatch{"healing/microBatch", kHealingDefaults.microBatchSize};
inline const Setting<qint64> healingSequenceLength{"healing/sequenceLength", kHealingDefaults.sequenceLength};
inline const Setting<double> healingMaxGradNorm{"healing/maxGradNorm", kHealingDefaults.maxGradNorm};
inline const Setting<bool> healingCheckpointing{"healing/activationCheckpointing",
                                                kHealingDefaults.activationCheckpointing};
inline const Setting<qint64> healingEvalEvery{"healing/evalEvery", kHealingDefaults.evalEvery};
inline const Setting<qint64> healingCheckpointEvery{"healing/checkpointEvery", kHealingDefaults.checkpointEvery};
inline const Setting<qint64> healingLastLayers{"healing/lastLayers", kHealingDefaults.trainLastLayers};
inline const Setting<QString> healingTrainData{"healing/trainData"};  // empty: the analysis data
inline const Setting<QString> healingValidationData{"healing/validationData"};
inline const Setting<QString> healingOutputDir{"healing/outputDir"};
inline const Setting<double> lossSmoothing{"healing/chartSmoothing", 0.6};
inline const Setting<bool> lossLogScale{"healing/chartLogScale", false};
inline const Setting<QString> evaluationMmlu{"evaluation/mmlu"};                      // folder or .jsonl; empty: skip
inline const Setting<QString> evaluationBoolq{"evaluation/boolq"};                    // .jsonl; empty: skip
inline const Setting<QString> evaluationValidationData{"evaluation/validationData"};  // empty: the analysis data
inline const Setting<int> evaluationShots{"evaluation/shots", 5};
inline const Setting<int> evaluationBoolqShots{"evaluation/boolqShots", 0};
inline const Setting<QString> evaluationGsm8k{"evaluation/gsm8k"};            // .jsonl; empty: skip
inline const Setting<QString> evaluationGsm8kTrain{"evaluation/gsm8kTrain"};  // empty: the test file's first rows
inline const Setting<int> evaluationGsm8kShots{"evaluation/gsm8kShots", 5};
inline const Setting<int> evaluationMaxNewTokens{"evaluation/maxNewTokens", 256};
inline const Setting<int> evaluationLimit{"evaluation/limit", 0};  // questions per subject; 0: all
inline const Setting<QString> sweepFractions{"evaluation/sweepFractions", QStringLiteral("0, 0.1, 0.2, 0.3, 0.4, 0.5")};
inline const Setting<QStringList> sweepStrategies{"evaluation/sweepStrategies",
                                                  {QStringLiteral("similarity"), QStringLiteral("deepest")}};
inline const Setting<int> sweepHealSteps{"evaluation/sweepHealSteps", 0};     // 0: no healing
inline const Setting<QString> sweepResultFile{"evaluation/sweepResultFile"};  // empty: named after the model
inline const Setting<int> probeSteps{"evaluation/probeSteps", 0};  // importance scan's insertion probe; 0: off
inline const Setting<QString> probeInit{"evaluation/probeInit", QStringLiteral("average")};
inline const Setting<QString> probeData{"evaluation/probeData"};  // the injection corpus
inline const Setting<QString> probeMmlu{"evaluation/probeMmlu"};  // questions on the injected facts
inline const Setting<QString> probeBoolq{"evaluation/probeBoolq"};
inline const Setting<QByteArray> windowGeometry{"window/geometry"};
inline const Setting<QByteArray> windowState{"window/state"};  // docks and toolbar
inline const Setting<QStringList> recentProjects{"project/recent"};
inline const Setting<QString> lastProjectDir{"project/lastDir"};
inline const Setting<QString> lastExportDir{"export/lastDir"};  // where the last export (model, chart, data) went
inline const Setting<bool> firstLaunchDone{"app/firstLaunchDone", false};  // the demo opens until then
inline const Setting<QString> language{"interface/language"};              // empty: the system's; "en", "zh_CN"

constexpr int kMaxRecentFiles = 8;  // per recent list (models, projects)

}  // namespace settings
