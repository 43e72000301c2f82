// SPDX-License-Identifier: GPL-3.0-or-later
// An evaluation and a language-model loss as JSON, in one shape wherever they are written: `layercut-cli
// eval`'s result file and summary, `prune`'s loss check, and a project's evaluation and quick check.
#pragma once

#include <nlohmann/json.hpp>

#include "layercut/evaluation.h"
#include "layercut/model_session.h"

namespace lc {

/** {"loss", "perplexity", "tokens", "sequences"}; the perplexity is null without tokens. */
nlohmann::ordered_json lossToJson(const LossResult &loss);
/** The inverse (the perplexity follows from the loss); "sequences" may be left out. */
LossResult lossFromJson(const nlohmann::json &json);

/**
 * {"mmlu": TASK, "boolq": TASK, "loss": {lossToJson's keys, "normalized", "data", "documents_in_file",
 * "excluded_trained_documents"}, "tokens_computed", "seconds"}, each task only when measured. A TASK is
 * {"accuracy", "correct", "total", "majority_baseline"}; MMLU's also has the accuracy per subject and per
 * category ("subjects", "categories") and their [correct, total] ("subject_counts", "category_counts").
 * With `questions`, each task lists its questions: {"subject" (MMLU), "index", "loglikelihoods",
 * "prediction", "answer"}.
 */
nlohmann::ordered_json evalResultToJson(const EvalResult &result, bool questions = true);
/**
 * The inverse. Also reads what earlier versions wrote: `eval` files without the counts (tallied again
 * from their questions) and projects of format 1 ({"overall": [correct, total], "subjects": {name:
 * [correct, total]}}, the loss's context beside it). Throws nlohmann::json::exception for what does not fit.
 */
EvalResult evalResultFromJson(const nlohmann::json &json);

}  // namespace lc
