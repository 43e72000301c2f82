// SPDX-License-Identifier: GPL-3.0-or-later
// A sweep's result file and its settings as JSON (torch-free).
#include <string_view>

#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/healing_json.h"
#include "layercut/model_export.h"
#include "layercut/sweep.h"

namespace lc {
namespace {

nlohmann::ordered_json optional(const std::optional<double> &v)
{
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

std::optional<double> optionalFrom(const nlohmann::json &j, const char *key)
{
    return j.contains(key) && j[key].is_number() ? std::optional<double>(j[key].get<double>()) : std::nullopt;
}

}  // namespace

nlohmann::ordered_json sweepSettingsToJson(const SweepOptions &o)
{
    nlohmann::ordered_json s;
    s["mmlu"] = o.eval.mmlu.string();
    s["boolq"] = o.eval.boolq.string();
    s["validation_data"] = o.eval.validationData.string();
    s["shots"] = o.eval.shots;
    if (o.eval.boolqShots > 0)
        s["boolq_shots"] = o.eval.boolqShots;
    if (!o.eval.gsm8k.empty()) {
        s["gsm8k"] = o.eval.gsm8k.string();
        s["gsm8k_train"] = o.eval.gsm8kTrain.string();
        s["gsm8k_shots"] = o.eval.gsm8kShots;
    }
    s["limit"] = o.eval.limit;
    s["distance_data"] = o.distanceData.string();
    s["per_layer"] = o.perLayer;
    s["heal_steps"] = o.healSteps;
    if (o.perLayer && o.injection.enabled()) {  // only then, so that earlier scans' files stay resumable
        s["inject_steps"] = o.injection.steps;
        s["inject_init"] = blockInitName(o.injection.init);
        s["inject_data"] = o.injection.trainData.string();
        s["inject_mmlu"] = o.injection.mmlu.string();
        s["inject_boolq"] = o.injection.boolq.string();
    }
    return s;
}

SweepOptions sweepOptionsFromJson(const nlohmann::json &s)
{
    SweepOptions o;
    o.eval.mmlu = s.value("mmlu", std::string());
    o.eval.boolq = s.value("boolq", std::string());
    o.eval.validationData = s.value("validation_data", std::string());
    o.eval.shots = s.value("shots", o.eval.shots);
    o.eval.boolqShots = s.value("boolq_shots", o.eval.boolqShots);
    o.eval.gsm8k = s.value("gsm8k", std::string());
    o.eval.gsm8kTrain = s.value("gsm8k_train", std::string());
    o.eval.gsm8kShots = s.value("gsm8k_shots", o.eval.gsm8kShots);
    o.eval.maxNewTokens = s.value("max_new_tokens", o.eval.maxNewTokens);
    o.eval.limit = s.value("limit", o.eval.limit);
    o.distanceData = s.value("distance_data", std::string());
    o.perLayer = s.value("per_layer", false);
    o.healSteps = s.value("heal_steps", int64_t{0});
    o.injection.steps = s.value("inject_steps", int64_t{0});
    if (s.contains("inject_init"))
        o.injection.init = parseBlockInit(s.at("inject_init").get<std::string>());
    o.injection.trainData = s.value("inject_data", std::string());
    o.injection.mmlu = s.value("inject_mmlu", std::string());
    o.injection.boolq = s.value("inject_boolq", std::string());
    // The rest of the resume key, where runSweep recorded it.
    o.eval.maxLength = s.value("context_length", o.eval.maxLength);
    o.eval.lossSequences = s.value("loss_samples", o.eval.lossSequences);
    o.eval.lossLength = s.value("loss_length", o.eval.lossLength);
    o.distanceOptions.samples = s.value("distance_samples", o.distanceOptions.samples);
    o.distanceOptions.maxLength = s.value("distance_max_length", o.distanceOptions.maxLength);
    o.distanceOptions.seed = s.value("distance_seed", o.distanceOptions.seed);
    nlohmann::json healing = nlohmann::json::object();
    constexpr std::string_view kHeal = "heal_";
    for (const auto &[key, value] : s.items())
        if (key.starts_with(kHeal) && key != "heal_steps" && key != "heal_data")  // the probe's training too
            healing[key.substr(kHeal.size())] = value;
    if (!healing.empty())
        o.healing = healingConfigFromJson(healing);
    o.healing.trainData = s.value("heal_data", std::string());
    return o;
}

nlohmann::ordered_json sweepToJson(const SweepResult &r, const SweepOptions &o)
{
    nlohmann::ordered_json j;
    j["software"] = softwareVersion();
    j["layers"] = r.layers;
    // A result assembled point by point (the GUI's chart) has no recorded settings: title them from `o`.
    j["settings"] = r.settings.is_object() && !r.settings.empty() ? r.settings : sweepSettingsToJson(o);
    j["mmlu_chance"] = r.mmluChance;
    j["boolq_majority"] = optional(r.boolqMajority);
    j["cancelled"] = r.cancelled;
    nlohmann::ordered_json points = nlohmann::ordered_json::array();
    for (const SweepPoint &p : r.points) {
        nlohmann::ordered_json e;
        e["strategy"] = strategyName(p.strategy);
        e["fraction"] = p.fraction;
        e["layers_dropped"] = p.dropped.size();
        e["dropped_layers"] = p.dropped;
        e["healed"] = p.healed;
        e["mmlu"] = optional(p.mmlu);
        e["boolq"] = optional(p.boolq);
        if (p.gsm8k || p.gsm8kFlexible) {
            e["gsm8k"] = optional(p.gsm8k);
            e["gsm8k_flexible"] = optional(p.gsm8kFlexible);
        }
        e["loss"] = optional(p.loss);
        e["normalized_loss"] = optional(p.normalizedLoss);
        if (p.insertedAfter)
            e["inserted_after"] = *p.insertedAfter;
        if (p.injectedMmlu || p.injectedBoolq) {
            e["injected_mmlu"] = optional(p.injectedMmlu);
            e["injected_boolq"] = optional(p.injectedBoolq);
        }
        e["seconds"] = p.seconds;
        if (p.copiedFrom)
            e["copied_from"] = strategyName(*p.copiedFrom);
        points.push_back(e);
    }
    j["points"] = points;
    return j;
}

SweepResult sweepFromJson(const nlohmann::json &j, const std::string &source)
{
    try {
        SweepResult r;
        r.layers = j.at("layers").get<int64_t>();
        r.mmluChance = j.value("mmlu_chance", 0.25);
        r.boolqMajority = optionalFrom(j, "boolq_majority");
        r.cancelled = j.value("cancelled", false);
        for (const auto &e : j.at("points")) {
            SweepPoint p;
            p.strategy = parseStrategy(e.at("strategy").get<std::string>());
            p.fraction = e.at("fraction").get<double>();
            p.dropped = e.at("dropped_layers").get<std::vector<int64_t>>();
            p.healed = e.at("healed").get<bool>();
            p.mmlu = optionalFrom(e, "mmlu");
            p.boolq = optionalFrom(e, "boolq");
            p.gsm8k = optionalFrom(e, "gsm8k");
            p.gsm8kFlexible = optionalFrom(e, "gsm8k_flexible");
            p.loss = optionalFrom(e, "loss");
            p.normalizedLoss = optionalFrom(e, "normalized_loss");
            if (e.contains("inserted_after"))
                p.insertedAfter = e.at("inserted_after").get<int64_t>();
            p.injectedMmlu = optionalFrom(e, "injected_mmlu");
            p.injectedBoolq = optionalFrom(e, "injected_boolq");
            p.seconds = e.value("seconds", 0.0);
            if (e.contains("copied_from"))
                p.copiedFrom = parseStrategy(e.at("copied_from").get<std::string>());
            r.points.push_back(std::move(p));
        }
        return r;
    } catch (const nlohmann::json::exception &e) {
        throw Error("'" + source + "': not a sweep result (" + jsonErrorText(e) + ")");
    } catch (const Error &e) {
        throw Error("'" + source + "': not a sweep result (" + std::string(e.what()) + ")");
    }
}

}  // namespace lc
