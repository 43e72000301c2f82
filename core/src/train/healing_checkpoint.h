// SPDX-License-Identifier: GPL-3.0-or-later
// Healing checkpoints (checkpoints/step-NNNNNN): each a usable PEFT adapter, plus the float32 masters and
// AdamW moments (training_state.safetensors) and the curves so far (trainer_state.json), from which a run
// with the same settings and layers resumes exactly.
#pragma once

#include <filesystem>
#include <vector>

#include "layercut/block_plan.h"
#include "layercut/healing.h"
#include "train/optimizer.h"

namespace lc {

/** Writes the checkpoint of `step` into `dir` (through a temporary sibling, then a rename). */
void writeCheckpoint(const std::filesystem::path &dir, const ModelSession &session,
                     const std::vector<Trainable> &trainables, const HealingConfig &c, const HealingResult &history,
                     int64_t step);

/**
 * Restores trainables, optimizer state and curves from `dir`; returns the step to continue from. Refuses,
 * naming the file, a checkpoint of other layers (`plan`: the blocks that ran, numbered in memory; `blocks`:
 * the same in the checkpoint's terms, with any inserted ones) or other settings.
 */
int64_t resumeCheckpoint(const std::filesystem::path &dir, std::vector<Trainable> &trainables, const HealingConfig &c,
                         const PrunePlan &plan, const BlockPlan &blocks, HealingResult &history);

}  // namespace lc
