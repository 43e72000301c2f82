// SPDX-License-Identifier: GPL-3.0-or-later
// What every layercut-cli command shares: JSON results on stdout, progress on stderr.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layercut/model_session.h"
#include "layercut/progress.h"

namespace lc::cli {

/** Prints `result` as one JSON document on stdout, indented unless `compact`. */
void printJson(const nlohmann::ordered_json &result, bool compact = false);
/** A progress callback that draws "stage: NN%" on stderr (only when stderr is a terminal, else a line per 10%). */
ProgressFn stderrProgress();
/** The ModelInfo summary that `info` prints and other commands embed. */
nlohmann::ordered_json infoJson(const ModelInfo &info);
/** LoadOptions from --device, --dtype (an empty dtype keeps the default) and --nf4; throws lc::Error. */
LoadOptions loadOptions(const std::string &device, const std::string &dtype, bool nf4 = false);
/** Parses "5,17,3" into integers; throws lc::Error naming `option` and the bad element. */
/** The non-empty parts of a comma-separated option value ("a,,b" gives a and b). */
std::vector<std::string> splitComma(const std::string &text);
std::vector<int64_t> parseIdList(const std::string &text, const std::string &option = "--ids");
/** Parses "5GB", "500MB", "2GiB" or a plain byte count; throws lc::Error naming `option`. */
uint64_t parseByteSize(const std::string &text, const std::string &option);

}  // namespace lc::cli
