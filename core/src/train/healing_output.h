// SPDX-License-Identifier: GPL-3.0-or-later
// A healing run's output folder: what a run writes there, how to tell that it holds another run, and
// removing that run's files (and nothing else) when the new one replaces it. Torch-free.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "layercut/healing.h"

namespace lc {

/** The files a run writes at the top of its output folder (checkpoints/ holds the rest). */
const std::vector<std::string> &healingRunFiles();

/** "step-000200": the checkpoint folder of `step`, under the output folder's checkpoints/. */
std::string checkpointName(int64_t step);

/** The checkpoint folders of a run (step-NNNNNN, and the .step-NNNNNN.layercut-tmp-… of a killed write), sorted. */
std::vector<std::filesystem::path> checkpointFolders(const std::filesystem::path &outputDir);

/** Removes what an earlier run wrote into `outputDir`: its checkpoints and the files of healingRunFiles(). */
void removeEarlierRun(const std::filesystem::path &outputDir);

/**
 * healing.json: the run's settings and result in their one shape (healingResultFromJson reads it back),
 * beside which model and layers it ran on and how long it trained (`seconds`). Atomic.
 */
void writeHealingSummary(const std::filesystem::path &outputDir, const std::filesystem::path &model,
                         const PrunePlan &plan, const HealingConfig &config, const HealingResult &result,
                         double seconds);

}  // namespace lc
