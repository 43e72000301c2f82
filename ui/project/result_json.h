// SPDX-License-Identifier: GPL-3.0-or-later
// JSON for the results a project keeps that the core has no reader for: a healing run's full settings and
// curves, and an evaluation's tallies. Paths are written as given; the project file makes them relative.
// Readers throw nlohmann::json::exception or lc::Error for what does not fit; the project file names itself.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "layercut/evaluation.h"
#include "layercut/healing.h"

namespace result_json {

/** Every field of `config`, paths as generic strings. */
nlohmann::ordered_json healingConfigToJson(const lc::HealingConfig &config);
/** The inverse; fields left out keep HealingConfig's defaults. */
lc::HealingConfig healingConfigFromJson(const nlohmann::json &json);

/** The steps as rows of numbers under a column list, which keeps long runs compact. */
nlohmann::ordered_json stepsToJson(const std::vector<lc::HealingStep> &steps);
std::vector<lc::HealingStep> stepsFromJson(const nlohmann::json &json);
nlohmann::ordered_json validationToJson(const std::vector<lc::ValidationPoint> &points);
std::vector<lc::ValidationPoint> validationFromJson(const nlohmann::json &json);

/** Counts per subject, category and overall, and the loss: what the table shows, without per-question rows. */
nlohmann::ordered_json evalResultToJson(const lc::EvalResult &result);
lc::EvalResult evalResultFromJson(const nlohmann::json &json);

nlohmann::ordered_json lossToJson(const lc::LossResult &loss);
lc::LossResult lossFromJson(const nlohmann::json &json);

} // namespace result_json
