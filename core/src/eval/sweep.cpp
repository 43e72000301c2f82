// SPDX-License-Identifier: GPL-3.0-or-later
// The sweep: for each strategy and fraction, prune (in memory), evaluate, optionally heal and evaluate
// again, reloading the checkpoint after each healing run; every point is saved as it comes, so a sweep
// can be cancelled and resumed. The per-layer scan drops each layer alone and, with an injection probe, inserts
// a block after each layer and trains it on new facts.
#include "layercut/sweep.h"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "layercut/atomic_file.h"
#include "layercut/error.h"
#include "layercut/file_stamp.h"
#include "layercut/healing_json.h"
#include "layercut/json_file.h"
#include "layercut/layer_distances.h"
#include "layercut/model_export.h"
#include "layercut/model_session.h"
#include "layercut/plan_choice.h"

namespace lc {
namespace {

namespace fs = std::filesystem;

struct Task
{
    PruneStrategy strategy = PruneStrategy::Similarity;
    double fraction = 0.0;
    PrunePlan plan;                      // empty until known: a similarity plan needs the distances
    int64_t count = 0;                   // layers to drop
    std::optional<int64_t> insertAfter;  // the injection probe: a block inserted after this layer and trained
};

/**
 * The training each point runs, if any: healing for healSteps (a sweep's healed points), or for the injection
 * probe its steps on its corpus, training only the inserted block.
 */
std::optional<HealingConfig> pointTraining(const SweepOptions &o)
{
    HealingConfig h = o.healing;
    if (o.perLayer && o.injection.enabled()) {
        h.steps = o.injection.steps;
        h.method = HealingMethod::Blocks;
        h.trainBlocks.clear();  // the inserted block
        h.trainData = o.injection.trainData;
    } else if (!o.perLayer && o.healSteps > 0) {
        h.steps = o.healSteps;
    } else {
        return std::nullopt;
    }
    h.outputDir.clear();
    h.resumeFrom.clear();
    h.evalEvery = 0;
    return h;
}

/** The evaluation of the injected facts: the probe's questions, asked as the sweep asks its own. */
EvalOptions injectedEval(const SweepOptions &o)
{
    EvalOptions e = o.eval;
    e.mmlu = o.injection.mmlu;
    e.boolq = o.injection.boolq;
    e.validationData.clear();
    e.gsm8k.clear();
    e.gsm8kTrain.clear();
    return e;
}

/** A data file's identity in the resume key: its path, and its size and time when it is a file. */
std::string dataStamp(const fs::path &path)
{
    if (path.empty())
        return "";
    std::error_code ec;
    return fs::is_regular_file(path, ec) ? fileStamp(fs::absolute(path).lexically_normal())
                                         : fs::absolute(path).lexically_normal().string();
}

/**
 * What must match for an existing result file to be resumed: the model (its config and weight files, not
 * just its folder's name), how it runs, and every setting that changes a point's numbers.
 */
nlohmann::ordered_json settingsJson(const SweepOptions &o, const ModelInfo &model)
{
    nlohmann::ordered_json s = sweepSettingsToJson(o);
    s["model"] = model.folder.string();
    char stamp[20];
    std::snprintf(stamp, sizeof stamp, "%016llx",
                  static_cast<unsigned long long>(stableHash(modelFolderStamp(model.folder))));
    s["model_files"] = stamp;
    s["dtype"] = model.computeDtype;
    s["weights"] = model.weightStorage.empty() ? "dense" : model.weightStorage;
    s["context_length"] = o.eval.maxLength;
    s["loss_samples"] = o.eval.lossSequences;
    s["loss_length"] = o.eval.lossLength;
    const std::optional<HealingConfig> training = pointTraining(o);
    s["data_files"] = {dataStamp(o.eval.mmlu), dataStamp(o.eval.boolq), dataStamp(o.eval.validationData),
                       dataStamp(o.distanceData), training ? dataStamp(training->trainData) : ""};
    if (o.perLayer && o.injection.enabled()) {
        s["data_files"].push_back(dataStamp(o.injection.mmlu));
        s["data_files"].push_back(dataStamp(o.injection.boolq));
    }
    if (!o.eval.gsm8k.empty()) {  // only then, so that files of sweeps without GSM8K stay resumable
        s["data_files"].push_back(dataStamp(o.eval.gsm8k));
        s["data_files"].push_back(o.eval.gsm8kTrain.empty() ? "" : dataStamp(o.eval.gsm8kTrain));
        s["max_new_tokens"] = o.eval.maxNewTokens;
    }
    if (!o.perLayer &&
        std::find(o.strategies.begin(), o.strategies.end(), PruneStrategy::Similarity) != o.strategies.end()) {
        s["distance_samples"] = o.distanceOptions.samples;
        s["distance_max_length"] = o.distanceOptions.maxLength;
        s["distance_seed"] = o.distanceOptions.seed;
    }
    if (training) {
        nlohmann::ordered_json c = healingConfigKey(*training);
        c.erase("activation_checkpointing");  // memory, not numbers
        if (o.perLayer)
            c.erase("steps");  // the probe's are inject_steps; heal_steps stays the sweep's own (0)
        for (auto &[key, value] : c.items())
            s["heal_" + key] = value;
        s["heal_data"] = training->trainData.string();
    }
    return s;
}

/** "heal_batch_size: 16 in the file, 8 now" for the first setting that differs, or empty when they match. */
std::string firstDifference(const nlohmann::json &stored, const nlohmann::ordered_json &now)
{
    for (auto it = now.begin(); it != now.end(); ++it) {  // in the order written, the most telling first
        const bool has = stored.is_object() && stored.contains(it.key());
        if (!has || stored[it.key()] != nlohmann::json::parse(it.value().dump()))
            return it.key() + ": " + (has ? jsonText(stored[it.key()]) : std::string("not recorded")) +
                   " in the file, " + jsonText(it.value()) + " now";
    }
    if (stored.is_object())
        for (auto it = stored.begin(); it != stored.end(); ++it)
            if (!now.contains(it.key()))
                return it.key() + ": " + jsonText(it.value()) + " in the file, not set now";
    return "";
}

bool samePoint(const SweepPoint &p, const Task &t, bool healed)
{
    // The dropped layers too: the importance scan's points share strategy and fraction. A plan not chosen
    // yet is the one the file recorded: the settings that choose it are part of the resume key.
    return p.strategy == t.strategy && std::abs(p.fraction - t.fraction) < 1e-9 && p.healed == healed &&
           p.insertedAfter == t.insertAfter && (t.plan.kept.empty() || p.dropped == t.plan.dropped());
}

}  // namespace

SweepResult runSweep(ModelSession &session, const SweepOptions &o,
                     const std::function<void(const SweepPoint &)> &pointDone, const ProgressFn &progress,
                     std::stop_token stop)
{
    if (!session.isLoaded())
        throw Error("no model is loaded");
    if (isHealed(session))
        throw Error("the model in memory was healed; reload it before a sweep");
    if (!o.perLayer && o.fractions.empty())
        throw Error("the sweep needs at least one fraction");
    if (!o.perLayer && std::find(o.strategies.begin(), o.strategies.end(), PruneStrategy::Single) != o.strategies.end())
        throw Error("the single-layer strategy is the per-layer importance scan, not a strategy for fractions");
    for (const double f : o.fractions)
        if (!(f >= 0 && f < 1))
            throw Error("prune fractions must lie in [0, 1), not " + std::to_string(f));
    if (o.eval.mmlu.empty() && o.eval.boolq.empty() && o.eval.gsm8k.empty() && o.eval.validationData.empty())
        throw Error("the sweep has nothing to measure: give MMLU, BoolQ, GSM8K or validation data");
    if (o.healSteps > 0 && o.healing.trainData.empty())
        throw Error("healing during the sweep needs training data");
    if (o.injection.enabled()) {
        if (!o.perLayer)
            throw Error("the injection probe is part of the per-layer importance scan");
        if (o.injection.trainData.empty())
            throw Error("the injection probe needs a corpus of the facts to inject");
        if (o.injection.mmlu.empty() && o.injection.boolq.empty())
            throw Error("the injection probe needs MMLU or BoolQ questions about the injected facts");
    }
    const std::optional<HealingConfig> training = pointTraining(o);
    if (training)
        training->validate();  // as each point trains, checked before the first point rather than at it
    const ModelInfo info = session.info();
    const int64_t L = info.config.numLayers;
    LoadOptions reload{info.device, parseDType(info.computeDtype)};
    reload.nf4 = info.weightStorage == "nf4";

    SweepResult result;
    result.layers = L;
    result.settings = settingsJson(o, info);
    if (!o.resultFile.empty() && fs::exists(o.resultFile)) {
        const nlohmann::json old = readJsonFile(o.resultFile);
        const nlohmann::ordered_json now = result.settings;
        std::string difference = firstDifference(old.value("settings", nlohmann::json()), now);
        if (difference.empty() && old.value("layers", int64_t{0}) != L)
            difference = "layers: " + std::to_string(old.value("layers", int64_t{0})) + " in the file, " +
                         std::to_string(L) + " now";
        if (!difference.empty())
            throw Error("'" + o.resultFile.string() + "' holds a sweep measured with other settings (" + difference +
                        "); run with the same settings to resume it, or choose another result file");
        result = sweepFromJson(old, o.resultFile.string());
        result.settings = now;
        result.cancelled = false;
    }

    // The tasks, in the order the chart fills: each strategy's fractions, or every single layer.
    std::vector<Task> tasks;
    if (o.perLayer) {
        tasks.push_back({PruneStrategy::Single, 0.0, PrunePlan::keepAll(L)});
        for (int64_t i = 0; i < L; ++i)
            tasks.push_back({PruneStrategy::Single, 1.0 / static_cast<double>(L), PrunePlan::dropList(L, {i})});
        // The second kind after the first: removal points are quick, each insertion point trains.
        if (o.injection.enabled())
            for (int64_t i = 0; i < L; ++i)
                tasks.push_back({PruneStrategy::Single, 0.0, PrunePlan::keepAll(L), 0, i});
    } else {
        for (const PruneStrategy s : o.strategies) {
            for (const double f : o.fractions) {
                Task t{s, f, {}, f == 0 ? 0 : layersForFraction(L, f)};
                // Similarity plans wait for the distances, which are measured only if a point needs them.
                if (t.count == 0)
                    t.plan = PrunePlan::keepAll(L);
                else if (s != PruneStrategy::Similarity)
                    t.plan = PrunePlan::forCount(L, t.count, s, nullptr);
                tasks.push_back(std::move(t));
            }
        }
    }

    const auto stored = [&](const Task &t, bool healed) -> const SweepPoint * {
        const auto it = std::find_if(result.points.begin(), result.points.end(),
                                     [&](const SweepPoint &p) { return samePoint(p, t, healed); });
        return it == result.points.end() ? nullptr : &*it;
    };
    const auto done = [&](const Task &t, bool healed) { return stored(t, healed) != nullptr; };
    const auto save = [&] {
        if (!o.resultFile.empty())
            writeFileAtomically(o.resultFile, sweepToJson(result, o).dump(1) + "\n");
    };
    const auto record = [&](const SweepPoint &p) {
        result.points.push_back(p);
        save();
        if (pointDone)
            pointDone(p);
    };
    // The same model measured the same way gives the same numbers: a plan another strategy's point has
    // measured (the unpruned model always) is recorded under this task without measuring it again.
    const auto copyMeasured = [&](const Task &t, bool healed) {
        const auto same = std::find_if(result.points.begin(), result.points.end(), [&](const SweepPoint &p) {
            return p.healed == healed && p.dropped == t.plan.dropped() && p.insertedAfter == t.insertAfter;
        });
        if (same == result.points.end())
            return false;
        SweepPoint p = *same;
        p.copiedFrom = same->copiedFrom.value_or(same->strategy);
        p.strategy = t.strategy;
        p.fraction = t.fraction;
        p.seconds = 0.0;
        record(p);
        return true;
    };
    std::optional<LayerDistances> distances = o.distances;
    if (distances && distances->numLayers != L)
        throw Error("the distances given to the sweep are of a model with " + std::to_string(distances->numLayers) +
                    " layers; '" + info.folder.string() + "' has " + std::to_string(L));
    // A similarity task's layers: those its point in the file dropped, or chosen from the distances (the same
    // measurement as prune's and heal's, so a point drops what they would drop).
    const auto choosePlan = [&](Task &t) {
        if (!t.plan.kept.empty())
            return;
        for (const bool healed : {false, true})
            if (const SweepPoint *p = stored(t, healed)) {
                t.plan = p->dropped.empty() ? PrunePlan::keepAll(L) : PrunePlan::dropList(L, p->dropped);
                return;
            }
        if (!distances)
            distances = measurePlanDistances(info.folder, {o.distanceData, o.distanceOptions, 8, o.distancesCache},
                                             reload, &session, progress, stop);
        t.plan = PrunePlan::forCount(L, t.count, t.strategy, &*distances);
    };
    using Clock = std::chrono::steady_clock;
    // `begin`: when the point's work began (a probe point's includes its training).
    const auto measure = [&](const Task &t, bool healed, const EvalOptions &eval,
                             Clock::time_point begin = Clock::now()) {
        const EvalResult e = evaluateModel(session, eval, progress, stop);
        SweepPoint p;
        p.strategy = t.strategy;
        p.fraction = t.fraction;
        p.dropped = t.plan.dropped();
        p.healed = healed;
        p.insertedAfter = t.insertAfter;
        // What the probe injects is asked of the whole model (the base line) and of every probe point.
        if (o.perLayer && o.injection.enabled() && (t.insertAfter || p.dropped.empty())) {
            const EvalResult injected = evaluateModel(session, injectedEval(o), progress, stop);
            if (injected.mmlu)
                p.injectedMmlu = injected.mmlu->overall.accuracy();
            if (injected.boolq)
                p.injectedBoolq = injected.boolq->overall.accuracy();
        }
        if (e.mmlu)
            p.mmlu = e.mmlu->overall.accuracy();
        if (e.boolq) {
            p.boolq = e.boolq->overall.accuracy();
            result.boolqMajority = e.boolq->majorityBaseline;
        }
        if (e.gsm8k) {
            p.gsm8k = e.gsm8k->strict.accuracy();
            p.gsm8kFlexible = e.gsm8k->flexible.accuracy();
        }
        if (e.loss) {
            p.loss = e.loss->loss;
            p.normalizedLoss = e.normalizedLoss;
        }
        p.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
        record(p);
    };

    try {
        const bool wantHealed = o.healSteps > 0 && !o.perLayer;  // healed points (the probe's train unhealed)
        const bool allDone = std::all_of(tasks.begin(), tasks.end(), [&](const Task &t) {
            return done(t, false) && (!wantHealed || done(t, true));
        });
        // With healing, every point's loss leaves out what the healing runs train on, healed or not: the
        // unhealed and healed losses are then measured on the same documents.
        EvalOptions eval = o.eval;
        if (!allDone && training && !o.eval.validationData.empty())
            eval.excludeDocuments =
                std::make_shared<const DocumentIds>(healingTrainingDocuments(session, *training, progress, stop));
        int64_t index = 0;
        for (Task &t : tasks) {
            ++index;
            if (progress)
                progress({Stage::Sweep, index - 1, static_cast<int64_t>(tasks.size()), 0});
            throwIfStopped(stop);
            if (done(t, false) && (!wantHealed || done(t, true)))
                continue;
            choosePlan(t);
            if (t.insertAfter) {
                // A new block after the layer, the identity until trained; then only it trains.
                const Clock::time_point begin = Clock::now();
                session.applyBlockPlan(BlockPlan::of(t.plan).withInsertions({*t.insertAfter}, o.injection.init));
                if (healModel(session, *training, {}, stop).cancelled)
                    throw Cancelled();
                measure(t, false, eval, begin);
                session.load(info.folder, reload, {}, stop);  // the next point starts from the checkpoint again
                continue;
            }
            if (!done(t, false) && !copyMeasured(t, false)) {
                session.applyPrunePlan(t.plan);
                measure(t, false, eval);
            }
            if (!wantHealed || done(t, true) || copyMeasured(t, true))
                continue;
            session.applyPrunePlan(t.plan);
            const HealingResult healed = healModel(session, *training, {}, stop);
            if (healed.cancelled)
                throw Cancelled();
            measure(t, true, eval);
            // Healing changed the weights in memory: the next point starts from the checkpoint again.
            session.load(info.folder, reload, {}, stop);
        }
    } catch (const Cancelled &) {
        result.cancelled = true;
        if (isHealed(session) || !session.isLoaded())
            session.load(info.folder, reload);
        save();
    }
    if (session.isLoaded())
        session.applyPrunePlan(PrunePlan::keepAll(L));
    return result;
}

}  // namespace lc
