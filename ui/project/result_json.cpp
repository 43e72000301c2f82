// SPDX-License-Identifier: GPL-3.0-or-later
// A project's results as JSON. The keys follow the core's own files (healing.json, the CLI's eval JSON)
// where those exist, so a reader of one recognises the other.
#include "project/result_json.h"

#include <utility>

#include "layercut/error.h"

namespace result_json {
namespace {

// The order of a step's numbers in a row of "steps.rows".
const std::vector<std::string> &stepColumns()
{
    static const std::vector<std::string> columns = {"step",    "total_steps",       "train_loss",   "learning_rate",
                                                     "grad_norm", "tokens",          "seconds",      "tokens_per_second",
                                                     "memory_bytes", "peak_memory_bytes"};
    return columns;
}

nlohmann::ordered_json tallyToJson(const lc::Tally &t)
{
    return {t.correct, t.total};
}

lc::Tally tallyFromJson(const nlohmann::json &j)
{
    return {j.at(0).get<int64_t>(), j.at(1).get<int64_t>()};
}

nlohmann::ordered_json tallyMapToJson(const std::map<std::string, lc::Tally> &tallies)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto &[name, tally] : tallies)
        j[name] = tallyToJson(tally);
    return j;
}

std::map<std::string, lc::Tally> tallyMapFromJson(const nlohmann::json &j)
{
    std::map<std::string, lc::Tally> tallies;
    for (const auto &[name, tally] : j.items())
        tallies[name] = tallyFromJson(tally);
    return tallies;
}

nlohmann::ordered_json taskToJson(const lc::TaskResult &task)
{
    // [correct, total] pairs: the table shows both, and the accuracy follows from them.
    nlohmann::ordered_json j;
    j["overall"] = tallyToJson(task.overall);
    j["majority_baseline"] = task.majorityBaseline;
    if (!task.subjects.empty())
        j["subjects"] = tallyMapToJson(task.subjects);
    if (!task.categories.empty())
        j["categories"] = tallyMapToJson(task.categories);
    return j;
}

lc::TaskResult taskFromJson(const nlohmann::json &j)
{
    lc::TaskResult task;
    task.overall = tallyFromJson(j.at("overall"));
    task.majorityBaseline = j.value("majority_baseline", 0.0);
    if (j.contains("subjects"))
        task.subjects = tallyMapFromJson(j.at("subjects"));
    if (j.contains("categories"))
        task.categories = tallyMapFromJson(j.at("categories"));
    return task;
}

// A healing run's plain settings, by JSON key, so that writing and reading them cannot drift apart.
template <typename T>
using Field = std::pair<const char *, T lc::HealingConfig::*>;
const Field<std::filesystem::path> kPathFields[] = {{"train_data", &lc::HealingConfig::trainData},
                                                    {"validation_data", &lc::HealingConfig::validationData},
                                                    {"output_dir", &lc::HealingConfig::outputDir},
                                                    {"resume_from", &lc::HealingConfig::resumeFrom}};
const Field<int64_t> kIntegerFields[] = {{"sequence_length", &lc::HealingConfig::sequenceLength},
                                         {"validation_sequences", &lc::HealingConfig::validationSequences},
                                         {"rank", &lc::HealingConfig::rank},
                                         {"train_last_layers", &lc::HealingConfig::trainLastLayers},
                                         {"steps", &lc::HealingConfig::steps},
                                         {"batch_size", &lc::HealingConfig::batchSize},
                                         {"micro_batch_size", &lc::HealingConfig::microBatchSize},
                                         {"eval_every", &lc::HealingConfig::evalEvery},
                                         {"checkpoint_every", &lc::HealingConfig::checkpointEvery}};
const Field<double> kRealFields[] = {{"alpha", &lc::HealingConfig::alpha},
                                     {"dropout", &lc::HealingConfig::dropout},
                                     {"learning_rate", &lc::HealingConfig::learningRate},
                                     {"weight_decay", &lc::HealingConfig::weightDecay},
                                     {"epsilon", &lc::HealingConfig::epsilon},
                                     {"max_grad_norm", &lc::HealingConfig::maxGradNorm}};
const Field<bool> kFlagFields[] = {{"double_quantization", &lc::HealingConfig::doubleQuantization},
                                   {"activation_checkpointing", &lc::HealingConfig::activationCheckpointing}};

/** Calls `f(key, member)` for every integer, real and flag field. */
template <typename F>
void forEachField(F &&f)
{
    for (const auto &[key, member] : kIntegerFields)
        f(key, member);
    for (const auto &[key, member] : kRealFields)
        f(key, member);
    for (const auto &[key, member] : kFlagFields)
        f(key, member);
}

} // namespace

nlohmann::ordered_json healingConfigToJson(const lc::HealingConfig &c)
{
    nlohmann::ordered_json j;
    for (const auto &[key, member] : kPathFields)
        j[key] = (c.*member).generic_string();
    j["method"] = lc::healingMethodName(c.method);
    j["quantization"] = lc::quantizationName(c.quantization);
    j["schedule"] = lc::scheduleName(c.schedule);
    j["target_modules"] = c.targetModules;
    j["betas"] = {c.beta1, c.beta2};
    j["seed"] = c.seed;
    forEachField([&](const char *key, const auto member) { j[key] = c.*member; });
    // null: automatic (2% of the steps), which follows the steps when they change.
    j["warmup_steps"] = c.warmupSteps ? nlohmann::ordered_json(*c.warmupSteps) : nlohmann::ordered_json(nullptr);
    return j;
}

lc::HealingConfig healingConfigFromJson(const nlohmann::json &j)
{
    lc::HealingConfig c;
    for (const auto &[key, member] : kPathFields)
        c.*member = j.value(key, std::string());
    c.method = lc::parseHealingMethod(j.value("method", lc::healingMethodName(c.method)));
    c.quantization = lc::parseQuantization(j.value("quantization", lc::quantizationName(c.quantization)));
    c.schedule = lc::parseSchedule(j.value("schedule", lc::scheduleName(c.schedule)));
    c.targetModules = j.value("target_modules", c.targetModules);
    if (j.contains("betas")) {
        c.beta1 = j.at("betas").at(0).get<double>();
        c.beta2 = j.at("betas").at(1).get<double>();
    }
    c.seed = j.value("seed", c.seed);
    // A field left out keeps HealingConfig's default.
    forEachField([&](const char *key, const auto member) { c.*member = j.value(key, c.*member); });
    // Projects of earlier versions always stored a number: it stays the warmup they asked for.
    if (j.contains("warmup_steps") && !j.at("warmup_steps").is_null())
        c.warmupSteps = j.at("warmup_steps").get<int64_t>();
    return c;
}

nlohmann::ordered_json stepsToJson(const std::vector<lc::HealingStep> &steps)
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const lc::HealingStep &s : steps)
        rows.push_back({s.step, s.totalSteps, s.trainLoss, s.learningRate, s.gradNorm, s.tokens, s.seconds,
                        s.tokensPerSecond, s.memoryBytes, s.peakMemoryBytes});
    return {{"columns", stepColumns()}, {"rows", rows}};
}

std::vector<lc::HealingStep> stepsFromJson(const nlohmann::json &j)
{
    if (j.at("columns").get<std::vector<std::string>>() != stepColumns())
        throw lc::Error("the healing steps have other columns than this version writes");
    std::vector<lc::HealingStep> steps;
    for (const auto &r : j.at("rows")) {
        lc::HealingStep s;
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

nlohmann::ordered_json validationToJson(const std::vector<lc::ValidationPoint> &points)
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const lc::ValidationPoint &p : points)
        rows.push_back({p.step, p.loss, p.tokens});
    return rows;
}

std::vector<lc::ValidationPoint> validationFromJson(const nlohmann::json &j)
{
    std::vector<lc::ValidationPoint> points;
    for (const auto &r : j)
        points.push_back({r.at(0).get<int64_t>(), r.at(1).get<double>(), r.at(2).get<int64_t>()});
    return points;
}

nlohmann::ordered_json evalResultToJson(const lc::EvalResult &r)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (r.mmlu)
        j["mmlu"] = taskToJson(*r.mmlu);
    if (r.boolq)
        j["boolq"] = taskToJson(*r.boolq);
    if (r.loss) {
        j["loss"] = lossToJson(*r.loss);
        j["normalized_loss"] = r.normalizedLoss;
        j["loss_data"] = r.lossData.string();
        j["loss_documents_in_file"] = r.lossDocumentsInFile;
        j["loss_excluded_trained"] = r.lossExcludedTrained;
    }
    j["tokens_computed"] = r.tokensComputed;
    j["seconds"] = r.seconds;
    return j;
}

lc::EvalResult evalResultFromJson(const nlohmann::json &j)
{
    lc::EvalResult r;
    if (j.contains("mmlu"))
        r.mmlu = taskFromJson(j.at("mmlu"));
    if (j.contains("boolq"))
        r.boolq = taskFromJson(j.at("boolq"));
    if (j.contains("loss")) {
        r.loss = lossFromJson(j.at("loss"));
        r.normalizedLoss = j.value("normalized_loss", 0.0);
        r.lossData = j.value("loss_data", std::string());
        r.lossDocumentsInFile = j.value("loss_documents_in_file", int64_t{0});
        r.lossExcludedTrained = j.value("loss_excluded_trained", int64_t{0});
    }
    r.tokensComputed = j.value("tokens_computed", int64_t{0});
    r.seconds = j.value("seconds", 0.0);
    return r;
}

nlohmann::ordered_json lossToJson(const lc::LossResult &loss)
{
    return {{"loss", loss.loss}, {"tokens", loss.tokens}, {"sequences", loss.sequences}};
}

lc::LossResult lossFromJson(const nlohmann::json &j)
{
    return {j.at("loss").get<double>(), j.at("tokens").get<int64_t>(), j.at("sequences").get<int64_t>()};
}

} // namespace result_json
