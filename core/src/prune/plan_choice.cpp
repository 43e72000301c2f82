// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/plan_choice.h"

#include "layercut/analysis_cache.h"
#include "layercut/error.h"
#include "layercut/healing.h"
#include "layercut/json_file.h"
#include "layercut/model_config.h"

namespace lc {
namespace {

/** Whether `session` holds `model` as the checkpoint has it (dense, not healed): distances on it are the plan's. */
bool holdsDenseCheckpoint(const ModelSession *session, const std::filesystem::path &model)
{
    if (!session || !session->isLoaded() || session->info().weightStorage == "nf4" || isHealed(*session))
        return false;
    std::error_code ec;
    return std::filesystem::equivalent(session->info().folder, model, ec);
}

}  // namespace

int PlanRequest::ways() const
{
    return block.has_value() + !layers.empty() + (count > 0) + (fraction > 0);
}

bool PlanRequest::measuresDistances() const
{
    return (count > 0 || fraction > 0) && strategy == PruneStrategy::Similarity && distancesFile.empty();
}

LayerDistances measurePlanDistances(const std::filesystem::path &model, const PlanSample &sample,
                                    const LoadOptions &load, ModelSession *loaded, const ProgressFn &progress,
                                    std::stop_token stop)
{
    if (sample.data.empty())
        throw Error("the similarity strategy needs data to measure distances on (or a distances file)");
    // The cache's key names the dtype the measurement runs in: the session's, or the one load() would choose.
    std::filesystem::path cached;
    if (!sample.cacheDir.empty()) {
        LoadOptions options = load;
        options.nf4 = false;
        const std::string dtype = holdsDenseCheckpoint(loaded, model)
                                      ? loaded->info().computeDtype
                                      : dtypeName(ModelSession::computeDType(ModelSession::inspect(model), options));
        cached = distancesCachePath(sample.cacheDir, model, sample.data, sample.options, dtype, "");
        if (auto distances = loadCachedDistances(cached))
            return *std::move(distances);
    }
    ModelSession dense;
    ModelSession *session = loaded;
    if (!holdsDenseCheckpoint(loaded, model)) {
        LoadOptions options = load;
        options.nf4 = false;
        try {
            dense.load(model, options, progress, stop);
        } catch (const Error &) {
            throw;
        } catch (const std::exception &e) {
            if (std::string(e.what()).find("out of memory") == std::string::npos)
                throw;
            throw Error("the similarity strategy measures distances on the unquantised weights, and '" +
                        model.string() + "' does not fit on " + options.device +
                        " unquantised: measure them where it fits "
                        "(layercut-cli distances MODEL --data FILE --out distances.json) and pass that file instead");
        }
        session = &dense;
    }
    DatasetOptions options = sample.options;
    options.vocabSize = session->info().config.vocabSize;
    const TokenizedDataset data = readTokenized(sample.data, session->tokenizer(), options, nullptr, progress, stop);
    LayerDistances distances =
        computeLayerDistances(*session, data.sequences, {.batchSize = sample.batchSize}, progress, stop);
    if (!cached.empty()) {
        try {
            saveCachedDistances(cached, distances);
        } catch (const Error &) {
            // An unwritable cache only costs the next run its shortcut.
        }
    }
    return distances;
}

ChosenPlan choosePrunePlan(const PlanRequest &r, const std::filesystem::path &model, const LoadOptions &load,
                           ModelSession *loaded, const ProgressFn &progress, std::stop_token stop)
{
    if (r.ways() != 1)
        throw Error("give exactly one of --drop, --layers, --n and --fraction");
    const int64_t L = loaded && loaded->isLoaded() ? loaded->info().config.numLayers
                                                   : ModelConfig::fromFile(model / "config.json").numLayers;
    ChosenPlan chosen;
    if (r.block) {
        chosen.plan = PrunePlan::dropBlock(L, r.block->first, r.block->second);
        return chosen;
    }
    if (!r.layers.empty()) {
        chosen.plan = PrunePlan::dropList(L, r.layers);
        return chosen;
    }
    const int64_t count = r.count > 0 ? r.count : layersForFraction(L, r.fraction);
    std::optional<LayerDistances> distances;
    if (r.strategy == PruneStrategy::Similarity) {
        chosen.metric = DistanceMetric::Angular;
        if (!r.distancesFile.empty()) {
            distances = distancesFromJson(readJsonFile(r.distancesFile), r.distancesFile.string());
            if (distances->numLayers != L)
                throw Error("'" + r.distancesFile.string() + "' holds distances of a model with " +
                            std::to_string(distances->numLayers) + " layers; '" + model.string() + "' has " +
                            std::to_string(L));
        } else {
            distances = measurePlanDistances(model, r.sample, load, loaded, progress, stop);
        }
    }
    chosen.plan = PrunePlan::forCount(L, count, r.strategy, distances ? &*distances : nullptr);
    return chosen;
}

}  // namespace lc
