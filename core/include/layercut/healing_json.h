// SPDX-License-Identifier: GPL-3.0-or-later
// A healing run as JSON, in one shape wherever it is written: healing.json, a checkpoint's
// trainer_state.json, the layercut.json of adapters and merged exports, and a project's runs.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "layercut/healing.h"

namespace lc {

/**
 * Every setting of `config` under its snake_case name (paths as generic strings, "betas" as a pair), so that
 * it reads back equal. "warmup_steps" is the number the schedule uses and "warmup_automatic" says whether
 * it follows the steps (warmupSteps unset: 2% of them) or was set.
 */
nlohmann::ordered_json healingConfigToJson(const HealingConfig &config);
/**
 * The inverse; a field left out keeps HealingConfig's default. Also reads what earlier versions wrote:
 * "warmup_steps" null (automatic) in projects, or a number without "warmup_automatic" (as set). Throws
 * lc::Error for an unknown method, quantization or schedule, nlohmann::json::exception for a wrong type.
 */
HealingConfig healingConfigFromJson(const nlohmann::json &json);
/**
 * What a run's numbers depend on, in healingConfigToJson's keys: the method and its own settings, the
 * optimisation, the seed; no paths and no monitoring. The double quantization is the one used (false
 * without NF4). A checkpoint records it to be resumed with the same settings, a sweep as part of its resume
 * key; compared, never read back. It must not change: files of earlier versions are compared with it.
 */
nlohmann::ordered_json healingConfigKey(const HealingConfig &config);

/** {"columns": [...], "rows": [[...], ...]}: a row of numbers per step under one list of names (compact). */
nlohmann::ordered_json healingStepsToJson(const std::vector<HealingStep> &steps);
/**
 * The inverse; also reads the rows of [step, train_loss, learning_rate, grad_norm, tokens, seconds] that
 * checkpoints of earlier versions hold. Throws lc::Error for columns it does not know.
 */
std::vector<HealingStep> healingStepsFromJson(const nlohmann::json &json);
/** [[step, loss, tokens], ...]. */
nlohmann::ordered_json validationPointsToJson(const std::vector<ValidationPoint> &points);
std::vector<ValidationPoint> validationPointsFromJson(const nlohmann::json &json);

/**
 * A run's outcome: trainable_parameters, train_tokens, train_documents, validation_data,
 * validation_documents, validation_excluded_trained, steps_done, cancelled, final_train_loss and
 * final_validation_loss (null without any), peak_memory_bytes, adapter, checkpoint, and with `curves`
 * "steps" (healingStepsToJson) and "validation" (validationPointsToJson).
 */
nlohmann::ordered_json healingResultToJson(const HealingResult &result, bool curves = true);
/** The inverse (steps_done, the final losses and the peak memory follow from the curves and are not read). */
HealingResult healingResultFromJson(const nlohmann::json &json);

}  // namespace lc
