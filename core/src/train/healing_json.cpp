// SPDX-License-Identifier: GPL-3.0-or-later
// A healing run's settings, curves and result as JSON (torch-free).
#include "layercut/healing_json.h"

#include <utility>

#include "layercut/error.h"
#include "layercut/json_file.h"

namespace lc {
namespace {

// The order of a step's numbers in a row of "steps.rows".
const std::vector<std::string> &stepColumns()
{
    static const std::vector<std::string> columns = {
        "step",   "total_steps", "train_loss",        "learning_rate", "grad_norm",
        "tokens", "seconds",     "tokens_per_second", "memory_bytes",  "peak_memory_bytes"};
    return columns;
}

// A setting by its JSON key, so that writing and reading cannot drift apart.
template <typename T>
using Field = std::pair<const char *, T HealingConfig::*>;

// In the order written: the method's settings, the optimisation, then data, monitoring and outputs.
const Field<int64_t> kMethodIntegers[] = {{"rank", &HealingConfig::rank}};
const Field<double> kMethodReals[] = {{"alpha", &HealingConfig::alpha}, {"dropout", &HealingConfig::dropout}};
const Field<int64_t> kOptimisationIntegers[] = {{"sequence_length", &HealingConfig::sequenceLength},
                                                {"steps", &HealingConfig::steps},
                                                {"batch_size", &HealingConfig::batchSize},
                                                {"micro_batch_size", &HealingConfig::microBatchSize}};
const Field<double> kAdamReals[] = {{"weight_decay", &HealingConfig::weightDecay},
                                    {"epsilon", &HealingConfig::epsilon},
                                    {"max_grad_norm", &HealingConfig::maxGradNorm}};
const Field<std::filesystem::path> kPaths[] = {{"train_data", &HealingConfig::trainData},
                                               {"validation_data", &HealingConfig::validationData},
                                               {"output_dir", &HealingConfig::outputDir},
                                               {"resume_from", &HealingConfig::resumeFrom}};
const Field<int64_t> kMonitoringIntegers[] = {{"validation_sequences", &HealingConfig::validationSequences},
                                              {"eval_every", &HealingConfig::evalEvery},
                                              {"checkpoint_every", &HealingConfig::checkpointEvery}};

/** Calls `f(key, member)` for every plain number field. */
template <typename F>
void forEachNumber(F &&f)
{
    for (const auto &[key, member] : kMethodIntegers)
        f(key, member);
    for (const auto &[key, member] : kMethodReals)
        f(key, member);
    for (const auto &[key, member] : kOptimisationIntegers)
        f(key, member);
    for (const auto &[key, member] : kAdamReals)
        f(key, member);
    for (const auto &[key, member] : kMonitoringIntegers)
        f(key, member);
}

nlohmann::ordered_json orNull(bool has, double value)
{
    return has ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json healingConfigToJson(const HealingConfig &c)
{
    nlohmann::ordered_json j;
    j["method"] = healingMethodName(c.method);
    j["quantization"] = quantizationName(c.quantization);
    j["double_quantization"] = c.doubleQuantization;
    for (const auto &[key, member] : kMethodIntegers)
        j[key] = c.*member;
    for (const auto &[key, member] : kMethodReals)
        j[key] = c.*member;
    j["target_modules"] = c.targetModules;
    j["train_last_layers"] = c.trainLastLayers;
    j["train_blocks"] = c.trainBlocks;
    for (const auto &[key, member] : kOptimisationIntegers)
        j[key] = c.*member;
    j["learning_rate"] = c.learningRate;
    // The number the schedule uses, set or automatic: records of earlier versions always held one.
    j["warmup_steps"] = c.effectiveWarmupSteps();
    j["warmup_automatic"] = !c.warmupSteps.has_value();
    j["schedule"] = scheduleName(c.schedule);
    j["weight_decay"] = c.weightDecay;
    j["betas"] = {c.beta1, c.beta2};
    j["epsilon"] = c.epsilon;
    j["max_grad_norm"] = c.maxGradNorm;
    j["activation_checkpointing"] = c.activationCheckpointing;
    j["seed"] = c.seed;
    for (const auto &[key, member] : kPaths)
        j[key] = (c.*member).generic_string();
    for (const auto &[key, member] : kMonitoringIntegers)
        j[key] = c.*member;
    return j;
}

HealingConfig healingConfigFromJson(const nlohmann::json &j)
{
    HealingConfig c;
    c.method = parseHealingMethod(j.value("method", healingMethodName(c.method)));
    c.quantization = parseQuantization(j.value("quantization", quantizationName(c.quantization)));
    c.doubleQuantization = j.value("double_quantization", c.doubleQuantization);
    c.schedule = parseSchedule(j.value("schedule", scheduleName(c.schedule)));
    c.targetModules = j.value("target_modules", c.targetModules);
    c.trainLastLayers = j.value("train_last_layers", c.trainLastLayers);
    c.trainBlocks = j.value("train_blocks", c.trainBlocks);
    c.learningRate = j.value("learning_rate", c.learningRate);
    if (j.contains("betas")) {
        c.beta1 = j.at("betas").at(0).get<double>();
        c.beta2 = j.at("betas").at(1).get<double>();
    }
    c.activationCheckpointing = j.value("activation_checkpointing", c.activationCheckpointing);
    c.seed = j.value("seed", c.seed);
    forEachNumber([&](const char *key, const auto member) { c.*member = j.value(key, c.*member); });
    for (const auto &[key, member] : kPaths)
        c.*member = j.value(key, std::string());
    // Automatic when said so, or null (projects of format 1); a number alone was set (records and projects
    // written before the automatic warmup existed).
    if (j.contains("warmup_steps") && !j.at("warmup_steps").is_null() && !j.value("warmup_automatic", false))
        c.warmupSteps = j.at("warmup_steps").get<int64_t>();
    return c;
}

nlohmann::ordered_json healingConfigKey(const HealingConfig &c)
{
    const nlohmann::ordered_json all = healingConfigToJson(c);
    std::vector<const char *> keys = {"method"};
    if (c.method == HealingMethod::Lora)
        keys.insert(keys.end(), {"quantization", "double_quantization", "rank", "alpha", "dropout", "target_modules"});
    if (c.method == HealingMethod::PartialLayers)
        keys.push_back("train_last_layers");
    if (c.method == HealingMethod::Blocks)
        keys.push_back("train_blocks");
    keys.insert(keys.end(),
                {"sequence_length", "steps", "batch_size", "micro_batch_size", "learning_rate", "warmup_steps",
                 "schedule", "weight_decay", "betas", "epsilon", "max_grad_norm", "activation_checkpointing", "seed"});
    nlohmann::ordered_json key;
    for (const char *k : keys)
        key[k] = all.at(k);
    if (key.contains("double_quantization"))
        key["double_quantization"] = c.quantization == BaseQuantization::Nf4 && c.doubleQuantization;
    return key;
}

nlohmann::ordered_json healingStepsToJson(const std::vector<HealingStep> &steps)
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const HealingStep &s : steps)
        rows.push_back({s.step, s.totalSteps, s.trainLoss, s.learningRate, s.gradNorm, s.tokens, s.seconds,
                        s.tokensPerSecond, s.memoryBytes, s.peakMemoryBytes});
    return {{"columns", stepColumns()}, {"rows", rows}};
}

std::vector<HealingStep> healingStepsFromJson(const nlohmann::json &j)
{
    std::vector<HealingStep> steps;
    if (j.is_array()) {  // an earlier checkpoint's: step, train_loss, learning_rate, grad_norm, tokens, seconds
        for (const auto &r : j) {
            HealingStep s;
            s.step = r.at(0).get<int64_t>();
            s.trainLoss = r.at(1).get<double>();
            s.learningRate = r.at(2).get<double>();
            s.gradNorm = r.at(3).get<double>();
            s.tokens = r.at(4).get<int64_t>();
            s.seconds = r.at(5).get<double>();
            steps.push_back(s);
        }
        return steps;
    }
    if (j.at("columns").get<std::vector<std::string>>() != stepColumns())
        throw Error("the healing steps have other columns than this version writes (" + jsonText(j.at("columns")) +
                    ")");
    for (const auto &r : j.at("rows")) {
        HealingStep s;
        s.step = r.at(0).get<int64_t>();
        s.totalSteps = r.at(1).get<int64_t>();
        s.trainLoss = r.at(2).get<double>();
        s.learningRate = r.at(3).get<double>();
        s.gradNorm = r.at(4).get<double>();
        s.tokens = r.at(5).get<int64_t>();
        s.seconds = r.at(6).get<double>();
        s.tokensPerSecond = r.at(7).get<double>();
        s.memoryBytes = r.at(8).get<int64_t>();
        s.peakMemoryBytes = r.at(9).get<int64_t>();
        steps.push_back(s);
    }
    return steps;
}

nlohmann::ordered_json validationPointsToJson(const std::vector<ValidationPoint> &points)
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const ValidationPoint &p : points)
        rows.push_back({p.step, p.loss, p.tokens});
    return rows;
}

std::vector<ValidationPoint> validationPointsFromJson(const nlohmann::json &j)
{
    std::vector<ValidationPoint> points;
    for (const auto &r : j)
        points.push_back({r.at(0).get<int64_t>(), r.at(1).get<double>(), r.at(2).get<int64_t>()});
    return points;
}

nlohmann::ordered_json healingResultToJson(const HealingResult &r, bool curves)
{
    nlohmann::ordered_json j;
    j["trainable_parameters"] = r.trainableParameters;
    j["train_tokens"] = r.trainTokens;
    j["train_documents"] = r.trainDocuments;
    j["validation_data"] = r.validationSource;
    j["validation_documents"] = r.validationDocuments;
    j["validation_excluded_trained"] = r.validationExcluded;
    j["steps_done"] = r.steps.empty() ? 0 : r.steps.back().step;
    j["cancelled"] = r.cancelled;
    j["final_train_loss"] = orNull(!r.steps.empty(), r.steps.empty() ? 0.0 : r.steps.back().trainLoss);
    j["final_validation_loss"] = orNull(!r.validation.empty(), r.validation.empty() ? 0.0 : r.validation.back().loss);
    j["peak_memory_bytes"] = r.steps.empty() ? 0 : r.steps.back().peakMemoryBytes;
    j["adapter"] = r.adapterDir.generic_string();
    j["checkpoint"] = r.lastCheckpoint.generic_string();
    if (curves) {
        j["steps"] = healingStepsToJson(r.steps);
        j["validation"] = validationPointsToJson(r.validation);
    }
    return j;
}

HealingResult healingResultFromJson(const nlohmann::json &j)
{
    HealingResult r;
    r.trainableParameters = j.value("trainable_parameters", int64_t{0});
    r.trainTokens = j.value("train_tokens", int64_t{0});
    r.trainDocuments = j.value("train_documents", int64_t{0});
    r.validationSource = j.value("validation_data", std::string());
    r.validationDocuments = j.value("validation_documents", int64_t{0});
    r.validationExcluded = j.value("validation_excluded_trained", int64_t{0});
    r.cancelled = j.value("cancelled", false);
    r.adapterDir = j.value("adapter", std::string());
    r.lastCheckpoint = j.value("checkpoint", std::string());
    if (j.contains("steps"))
        r.steps = healingStepsFromJson(j.at("steps"));
    if (j.contains("validation"))
        r.validation = validationPointsFromJson(j.at("validation"));
    return r;
}

}  // namespace lc
