// SPDX-License-Identifier: GPL-3.0-or-later
// Every job the GUI runs, as the layercut-cli command line that does the same: to repeat it on a server,
// in a script, or to write it down beside a result.
//
// Each function takes the options the GUI fills for the job and returns one POSIX-shell line, every word
// quoted where a shell needs it. Options left at the CLI's defaults are left out, except those that say
// what the job is (the method and steps of a run, a sweep's fractions and strategies). A plan is given as
// its layers (--drop START:END for one block, else --layers LIST), so the command drops exactly those,
// however they were chosen. Where a setting that changes the result has no layercut-cli option, the
// function throws lc::Error naming it rather than return a command that does something else.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "layercut/block_plan.h"
#include "layercut/evaluation.h"
#include "layercut/generation.h"
#include "layercut/healing.h"
#include "layercut/model_export.h"
#include "layercut/model_session.h"
#include "layercut/plan_choice.h"
#include "layercut/prune_plan.h"
#include "layercut/sweep.h"

namespace lc {

/** `word` as one POSIX shell word: as it is when no character in it is special to a shell, else in single quotes. */
std::string shellQuote(std::string_view word);

/**
 * `layercut-cli distances`: the analysis of `model` loaded with `load` (device, dtype, NF4) on `sample`
 * (its data file, documents, tokens per document, seed and batch), written to `out`.
 * Gap: DatasetOptions::addSpecial off has no option (throws).
 */
std::string distancesCommand(const std::filesystem::path &model, const LoadOptions &load, const PlanSample &sample,
                             const std::filesystem::path &out);

/**
 * `layercut-cli prune`: `plan` exported from `model` into `target` with `options` (out dtype, shard size,
 * overwrite, metric); with `mergekitYaml`, also the plan as mergekit's passthrough configuration. The
 * layercut.json of the export says "block" or "list" for the plan's method and records no distance: the
 * command names the layers, not how they were chosen. Throws for a plan that drops nothing, and for
 * options only the healed export sets (replaced tensors, healing record, extra files).
 */
std::string pruneCommand(const std::filesystem::path &model, const PrunePlan &plan, const ExportOptions &options,
                         const std::filesystem::path &target, const std::filesystem::path &mergekitYaml = {});

/**
 * `layercut-cli heal`: the run `config` on `model` with `plan`'s layers dropped, on the device and in the
 * dtype of `load` (the CLI loads NF4 itself for QLoRA, so load.nf4 is not needed). With `merge`, also the
 * healed model exported with those options (--merge; it lands in OUTPUT_DIR/merged, so config.outputDir
 * must be set). config.outputDir empty: the command writes nothing, as the run would.
 */
std::string healCommand(const std::filesystem::path &model, const LoadOptions &load, const HealingConfig &config,
                        const PrunePlan &plan, const ExportOptions *merge = nullptr);
/** The same with blocks inserted in memory (--insert-after, --init); one initialisation for all of them. */
std::string healCommand(const std::filesystem::path &model, const LoadOptions &load, const HealingConfig &config,
                        const BlockPlan &plan, const ExportOptions *merge = nullptr);

/**
 * `layercut-cli eval`: `options` on `model` with `plan`'s layers dropped, the result written to `out`. A
 * healed model is evaluated from its merged export (heal --merge, or the GUI's Export Healed Model): pass
 * that folder as `model` and the plan it was exported with already applied (nothing more to drop); the
 * CLI has no option to attach adapters. Gap: EvalOptions::excludeDocuments has no option (throws; the
 * merged export's trained_documents.txt leaves its training documents out already).
 */
std::string evalCommand(const std::filesystem::path &model, const LoadOptions &load, const EvalOptions &options,
                        const PrunePlan &plan, const std::filesystem::path &out);
std::string evalCommand(const std::filesystem::path &model, const LoadOptions &load, const EvalOptions &options,
                        const BlockPlan &plan, const std::filesystem::path &out);

/**
 * `layercut-cli generate`: `prompt` continued greedily by `model` with `plan`'s blocks, with `options`' new
 * tokens, stop strings, batch and window (stopAtEos false: --no-eos).
 */
std::string generateCommand(const std::filesystem::path &model, const LoadOptions &load, const std::string &prompt,
                            const GenerationOptions &options, const BlockPlan &plan);

/**
 * `layercut-cli expand`: `plan`'s blocks written to `target`. Only what expand's options say: new blocks of
 * one initialisation, and the last K originals dropped (anything else throws).
 */
std::string expandCommand(const std::filesystem::path &model, const BlockPlan &plan, const ExportOptions &options,
                          const std::filesystem::path &target);

/**
 * `layercut-cli sweep`: the sweep or importance scan (options.perLayer) `options` on `model`, resumed from
 * and saved to options.resultFile; its healing settings as --heal-* options. Settings without an option
 * throw: no result file, the single-layer strategy in `strategies` (that is --per-layer), a context window
 * (eval.maxLength), excluded documents, addSpecial off. Options that only change the speed are left out
 * (eval.batchTokens, eval.reusePrefix, healing.evalEvery, checkpointEvery, outputDir, resumeFrom).
 */
std::string sweepCommand(const std::filesystem::path &model, const LoadOptions &load, const SweepOptions &options);

}  // namespace lc
