// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation results and losses as JSON (torch-free).
#include "layercut/evaluation_json.h"

#include <cmath>

namespace lc {
namespace {

nlohmann::ordered_json tallyToJson(const Tally &t)
{
    return {t.correct, t.total};
}

Tally tallyFromJson(const nlohmann::json &j)
{
    return {j.at(0).get<int64_t>(), j.at(1).get<int64_t>()};
}

/** {name: accuracy} and {name: [correct, total]}: the first as `eval` always wrote it, the second to read it back. */
void writeTallies(nlohmann::ordered_json &j, const char *accuracies, const char *counts,
                  const std::map<std::string, Tally> &tallies)
{
    nlohmann::ordered_json a = nlohmann::ordered_json::object(), c = nlohmann::ordered_json::object();
    for (const auto &[name, tally] : tallies) {
        a[name] = tally.accuracy();
        c[name] = tallyToJson(tally);
    }
    j[accuracies] = a;
    j[counts] = c;
}

/** The counts of `counts`, or of a format 1 project's {name: [correct, total]} under `accuracies`. */
std::optional<std::map<std::string, Tally>> readTallies(const nlohmann::json &j, const char *accuracies,
                                                        const char *counts)
{
    const nlohmann::json *source = j.contains(counts) ? &j.at(counts) : nullptr;
    if (!source && j.contains(accuracies) && !j.at(accuracies).empty() && j.at(accuracies).begin()->is_array())
        source = &j.at(accuracies);
    if (!source)
        return std::nullopt;
    std::map<std::string, Tally> tallies;
    for (const auto &[name, tally] : source->items())
        tallies[name] = tallyFromJson(tally);
    return tallies;
}

nlohmann::ordered_json taskToJson(const TaskResult &t, bool subjects, bool questions)
{
    nlohmann::ordered_json j;
    j["accuracy"] = t.overall.accuracy();
    j["correct"] = t.overall.correct;
    j["total"] = t.overall.total;
    j["majority_baseline"] = t.majorityBaseline;
    if (subjects) {
        writeTallies(j, "subjects", "subject_counts", t.subjects);
        writeTallies(j, "categories", "category_counts", t.categories);
    }
    if (questions) {
        nlohmann::ordered_json qs = nlohmann::ordered_json::array();
        for (const QuestionResult &q : t.questions) {
            nlohmann::ordered_json e;
            if (subjects)
                e["subject"] = q.subject;
            e["index"] = q.index;
            e["loglikelihoods"] = q.loglikelihoods;
            e["prediction"] = q.prediction;
            e["answer"] = q.answer;
            qs.push_back(e);
        }
        j["questions"] = qs;
    }
    return j;
}

TaskResult taskFromJson(const nlohmann::json &j)
{
    TaskResult t;
    if (j.contains("overall"))  // a project of format 1
        t.overall = tallyFromJson(j.at("overall"));
    else
        t.overall = {j.at("correct").get<int64_t>(), j.at("total").get<int64_t>()};
    t.majorityBaseline = j.value("majority_baseline", 0.0);
    for (const auto &q : j.value("questions", nlohmann::json::array())) {
        QuestionResult r;
        r.subject = q.value("subject", std::string());
        r.index = q.at("index").get<int64_t>();
        r.loglikelihoods = q.at("loglikelihoods").get<std::vector<double>>();
        r.prediction = q.at("prediction").get<int64_t>();
        r.answer = q.at("answer").get<int64_t>();
        t.questions.push_back(std::move(r));
    }
    const auto subjects = readTallies(j, "subjects", "subject_counts");
    const auto categories = readTallies(j, "categories", "category_counts");
    // An `eval` file of an earlier version has accuracies only: its questions give the counts again.
    std::map<std::string, Tally> subjectsAsked, categoriesAsked;
    for (const QuestionResult &q : t.questions) {
        if (q.subject.empty())
            continue;
        for (Tally *tally : {&subjectsAsked[q.subject], &categoriesAsked[mmluCategory(q.subject)]}) {
            tally->correct += q.prediction == q.answer;
            tally->total += 1;
        }
    }
    t.subjects = subjects ? *subjects : subjectsAsked;
    t.categories = categories ? *categories : categoriesAsked;
    return t;
}

nlohmann::ordered_json generativeToJson(const GenerativeResult &g, bool questions)
{
    nlohmann::ordered_json j;
    j["accuracy"] = g.strict.accuracy();  // strict-match, the harness's first filter
    j["correct"] = g.strict.correct;
    j["total"] = g.strict.total;
    j["flexible_accuracy"] = g.flexible.accuracy();
    j["flexible_correct"] = g.flexible.correct;
    j["shots"] = g.shots;
    j["prompt_tokens"] = g.promptTokens;
    j["generated_tokens"] = g.generatedTokens;
    j["truncated_prompts"] = g.truncatedPrompts;
    j["seconds"] = g.seconds;
    if (questions) {
        nlohmann::ordered_json qs = nlohmann::ordered_json::array();
        for (const GeneratedAnswer &a : g.questions)
            qs.push_back({{"index", a.index},
                          {"generated", a.generated},
                          {"prediction", a.prediction},
                          {"flexible_prediction", a.flexiblePrediction},
                          {"answer", a.answer},
                          {"correct", a.correct},
                          {"flexible_correct", a.flexibleCorrect},
                          {"generated_tokens", a.generatedTokens},
                          {"finish", a.finish}});
        j["questions"] = qs;
    }
    return j;
}

GenerativeResult generativeFromJson(const nlohmann::json &j)
{
    GenerativeResult g;
    g.strict = {j.at("correct").get<int64_t>(), j.at("total").get<int64_t>()};
    g.flexible = {j.value("flexible_correct", int64_t{0}), g.strict.total};
    g.shots = j.value("shots", int64_t{0});
    g.promptTokens = j.value("prompt_tokens", int64_t{0});
    g.generatedTokens = j.value("generated_tokens", int64_t{0});
    g.truncatedPrompts = j.value("truncated_prompts", int64_t{0});
    g.seconds = j.value("seconds", 0.0);
    for (const auto &q : j.value("questions", nlohmann::json::array())) {
        GeneratedAnswer a;
        a.index = q.at("index").get<int64_t>();
        a.generated = q.at("generated").get<std::string>();
        a.prediction = q.at("prediction").get<std::string>();
        a.flexiblePrediction = q.value("flexible_prediction", std::string());
        a.answer = q.at("answer").get<std::string>();
        a.correct = q.at("correct").get<bool>();
        a.flexibleCorrect = q.value("flexible_correct", false);
        a.generatedTokens = q.value("generated_tokens", int64_t{0});
        a.finish = q.value("finish", std::string());
        g.questions.push_back(std::move(a));
    }
    return g;
}

}  // namespace

nlohmann::ordered_json lossToJson(const LossResult &loss)
{
    const double perplexity = loss.perplexity();
    return {{"loss", loss.loss},
            {"perplexity", std::isfinite(perplexity) ? nlohmann::ordered_json(perplexity) : nlohmann::ordered_json()},
            {"tokens", loss.tokens},
            {"sequences", loss.sequences}};
}

LossResult lossFromJson(const nlohmann::json &j)
{
    return {j.at("loss").get<double>(), j.at("tokens").get<int64_t>(), j.value("sequences", int64_t{0})};
}

nlohmann::ordered_json evalResultToJson(const EvalResult &r, bool questions)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (r.mmlu)
        j["mmlu"] = taskToJson(*r.mmlu, true, questions);
    if (r.boolq)
        j["boolq"] = taskToJson(*r.boolq, false, questions);
    if (r.gsm8k)
        j["gsm8k"] = generativeToJson(*r.gsm8k, questions);
    if (r.loss) {
        nlohmann::ordered_json loss = lossToJson(*r.loss);
        loss["normalized"] = r.normalizedLoss;
        loss["data"] = r.lossData.generic_string();
        loss["documents_in_file"] = r.lossDocumentsInFile;
        loss["excluded_trained_documents"] = r.lossExcludedTrained;
        j["loss"] = loss;
    }
    j["tokens_computed"] = r.tokensComputed;
    j["seconds"] = r.seconds;
    return j;
}

EvalResult evalResultFromJson(const nlohmann::json &j)
{
    EvalResult r;
    if (j.contains("mmlu"))
        r.mmlu = taskFromJson(j.at("mmlu"));
    if (j.contains("boolq"))
        r.boolq = taskFromJson(j.at("boolq"));
    if (j.contains("gsm8k"))
        r.gsm8k = generativeFromJson(j.at("gsm8k"));
    if (j.contains("loss")) {
        const nlohmann::json &loss = j.at("loss");
        r.loss = lossFromJson(loss);
        // Projects of format 1 kept the loss's context beside it.
        r.normalizedLoss = loss.value("normalized", j.value("normalized_loss", 0.0));
        r.lossData = loss.value("data", j.value("loss_data", std::string()));
        r.lossDocumentsInFile = loss.value("documents_in_file", j.value("loss_documents_in_file", int64_t{0}));
        r.lossExcludedTrained = loss.value("excluded_trained_documents", j.value("loss_excluded_trained", int64_t{0}));
    }
    r.tokensComputed = j.value("tokens_computed", int64_t{0});
    r.seconds = j.value("seconds", 0.0);
    return r;
}

}  // namespace lc
