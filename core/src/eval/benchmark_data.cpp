// SPDX-License-Identifier: GPL-3.0-or-later
// MMLU, BoolQ and GSM8K files and the prompts lm-evaluation-harness builds from them (anchors.md §4): the
// default `mmlu` task's description, first-k dev examples and "Answer:" format, BoolQ's
// "{passage}\nQuestion: {question}?\nAnswer:". Torch-free.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/utf8.h"
#include "layercut/evaluation.h"
#include "layercut/gsm8k.h"
#include "layercut/regular_file.h"

namespace lc {
namespace {

namespace fs = std::filesystem;

std::string readText(const fs::path &path)
{
    refuseIrregularFile(path);
    refuseLargeFile(path, kMaxJsonFileBytes);  // benchmark files are read whole; real ones are a few MB
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("'" + path.string() + "': cannot open the file");
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    // Questions end up in prompts and in the result JSON, which cannot hold bytes that are not UTF-8.
    if (const size_t at = invalidUtf8At(text); at != std::string::npos)
        throw Error("'" + path.string() + "': line " +
                    std::to_string(1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) +
                    ": not UTF-8 text (byte " + std::to_string(at) + ")");
    return text;
}

/** RFC 4180 rows (quoted fields may hold commas, quotes as "" and newlines), as pandas reads them. */
std::vector<std::pair<int64_t, std::vector<std::string>>> parseCsv(const std::string &text, const fs::path &path)
{
    std::vector<std::pair<int64_t, std::vector<std::string>>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, fieldStarted = false;
    int64_t line = 1, rowLine = 1;
    const auto endField = [&] {
        row.push_back(field);
        field.clear();
        fieldStarted = false;
    };
    const auto endRow = [&] {
        endField();
        if (!(row.size() == 1 && row[0].empty()))
            rows.emplace_back(rowLine, row);
        row.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == '"' && !fieldStarted && field.empty()) {
            quoted = fieldStarted = true;
        } else if (c == ',') {
            endField();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            endRow();
            rowLine = ++line;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        throw Error("'" + path.string() + "': line " + std::to_string(rowLine) + ": a quoted field is never closed");
    if (!field.empty() || !row.empty())
        endRow();
    return rows;
}

/** The string `key` of a JSON Lines row; the error names the field. */
std::string textField(const nlohmann::json &row, const char *key, const std::string &where)
{
    if (!row.contains(key))
        throw Error(where + ": no `" + key + "` field");
    if (!row[key].is_string())
        throw Error(where + ": `" + key + "` must be a string, not " + row[key].type_name());
    return row[key].get<std::string>();
}

int64_t answerIndex(const nlohmann::json &value, const std::string &where)
{
    if (value.is_number_integer()) {
        const auto a = value.get<int64_t>();
        if (a >= 0 && a < 4)
            return a;
    } else if (value.is_string()) {
        const std::string s = value.get<std::string>();
        if (s.size() == 1 && s[0] >= 'A' && s[0] <= 'D')
            return s[0] - 'A';
    }
    throw Error(where + ": the answer " + jsonText(value) + " must be 0-3 or a letter A-D");
}

std::vector<ChoiceQuestion> readMmluCsv(const fs::path &file, const std::string &subject)
{
    std::vector<ChoiceQuestion> out;
    for (const auto &[line, fields] : parseCsv(readText(file), file)) {
        const std::string where = "'" + file.string() + "': line " + std::to_string(line);
        if (fields.size() != 6)
            throw Error(where + ": expected 6 fields (question, A, B, C, D, answer), found " +
                        std::to_string(fields.size()));
        std::string letter = fields[5];
        letter.erase(std::remove_if(letter.begin(), letter.end(), [](unsigned char c) { return std::isspace(c); }),
                     letter.end());
        ChoiceQuestion q;
        q.subject = subject;
        q.index = static_cast<int64_t>(out.size());
        q.question = fields[0];
        q.choices = {fields[1], fields[2], fields[3], fields[4]};
        q.answer = answerIndex(letter, where);
        out.push_back(std::move(q));
    }
    return out;
}

/** `dir`'s files ending in `suffix` (e.g. "_test.csv") by subject. */
std::map<std::string, fs::path> subjectFiles(const fs::path &dir, const std::string &suffix)
{
    std::map<std::string, fs::path> files;
    if (!fs::is_directory(dir))
        return files;
    for (const auto &e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && name.size() > suffix.size() && name.ends_with(suffix))
            files[name.substr(0, name.size() - suffix.size())] = e.path();
    }
    return files;
}

template <typename F>
void forEachJsonLine(const fs::path &path, F &&f)
{
    std::istringstream in(readText(path));
    std::string line;
    int64_t number = 0, row = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const std::string where = "'" + path.string() + "': line " + std::to_string(number);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception &e) {
            throw Error(where + ": not JSON (" + jsonErrorText(e) + ")");
        }
        if (!j.is_object())
            throw Error(where + ": expected a JSON object");
        try {
            f(j, row++, where);
        } catch (const nlohmann::json::exception &e) {
            throw Error(where + ": " + jsonErrorText(e));
        }
    }
}

// Python's str.isspace() characters in UTF-8: \t\n\v\f\r, \x1c-\x1f, space, U+0085, U+00A0, U+1680,
// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. On valid UTF-8 a match at either end is always
// a whole character: lead and continuation bytes never look alike.
constexpr std::string_view kPythonWhitespace[] = {
    "\t",           "\n",           "\v",           "\f",           "\r",
    "\x1c",         "\x1d",         "\x1e",         "\x1f",         " ",
    "\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
    "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
    "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80"};

std::string pyStrip(std::string_view s)
{
    // Python's str.strip(): lm-evaluation-harness strips the question with it, Unicode spaces included.
    const auto leading = [&] {
        for (const std::string_view w : kPythonWhitespace)
            if (s.starts_with(w))
                return w.size();
        return size_t(0);
    };
    const auto trailing = [&] {
        for (const std::string_view w : kPythonWhitespace)
            if (s.ends_with(w))
                return w.size();
        return size_t(0);
    };
    while (const size_t n = leading())
        s.remove_prefix(n);
    while (const size_t n = trailing())
        s.remove_suffix(n);
    return std::string(s);
}

}  // namespace

MmluData readMmlu(const fs::path &path, int64_t shots)
{
    MmluData data;
    if (fs::is_directory(path)) {
        const fs::path root = fs::is_directory(path / "data" / "test") ? path / "data" : path;
        const auto tests = subjectFiles(root / "test", "_test.csv");
        if (tests.empty())
            throw Error("'" + path.string() + "': no MMLU test files (data/test/*_test.csv) in this folder");
        const auto devs = subjectFiles(root / "dev", "_dev.csv");
        for (const auto &[subject, file] : tests) {
            data.test[subject] = readMmluCsv(file, subject);
            if (data.test[subject].empty())
                throw Error("'" + file.string() + "': no questions");
            if (const auto it = devs.find(subject); it != devs.end()) {
                data.dev[subject] = readMmluCsv(it->second, subject);
                if (static_cast<int64_t>(data.dev[subject].size()) < shots)
                    throw Error("'" + it->second.string() + "': " + std::to_string(data.dev[subject].size()) +
                                " few-shot examples, fewer than the " + std::to_string(shots) + " asked for");
            } else if (shots > 0)
                throw Error("'" + (root / "dev").string() + "': no " + subject + "_dev.csv for the few-shot examples");
        }
        return data;
    }
    forEachJsonLine(path, [&](const nlohmann::json &j, int64_t row, const std::string &where) {
        ChoiceQuestion q;
        q.subject = j.contains("subject") ? textField(j, "subject", where) : std::string("unknown");
        q.index = row;
        q.question = textField(j, "question", where);
        if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].size() != 4)
            throw Error(where + ": `choices` must be a list of 4 options");
        for (const auto &choice : j["choices"]) {
            if (!choice.is_string())
                throw Error(where + ": `choices` must be strings, not " + std::string(choice.type_name()));
            q.choices.push_back(choice.get<std::string>());
        }
        if (!j.contains("answer"))
            throw Error(where + ": no `answer` field");
        q.answer = answerIndex(j["answer"], where);
        auto &shotsOfSubject = data.dev[q.subject];
        if (static_cast<int64_t>(shotsOfSubject.size()) < shots)
            shotsOfSubject.push_back(std::move(q));
        else
            data.test[q.subject].push_back(std::move(q));
    });
    if (data.test.empty())
        throw Error("'" + path.string() + "': no MMLU questions left after the few-shot examples");
    return data;
}

std::vector<ChoiceQuestion> readBoolq(const fs::path &path)
{
    std::vector<ChoiceQuestion> out;
    forEachJsonLine(path, [&](const nlohmann::json &j, int64_t row, const std::string &where) {
        ChoiceQuestion q;
        q.index = row;
        q.question = textField(j, "question", where);
        q.passage = textField(j, "passage", where);
        if (j.contains("answer") && j["answer"].is_boolean())
            q.answer = j["answer"].get<bool>() ? 1 : 0;
        else if (j.contains("label") && j["label"].is_number_integer() && (j["label"] == 0 || j["label"] == 1))
            q.answer = j["label"].get<int64_t>();
        else
            throw Error(where + ": needs `answer` (true/false) or `label` (0/1)");
        out.push_back(std::move(q));
    });
    if (out.empty())
        throw Error("'" + path.string() + "': no BoolQ questions");
    return out;
}

std::vector<MathProblem> readGsm8k(const fs::path &path)
{
    std::vector<MathProblem> out;
    forEachJsonLine(path, [&](const nlohmann::json &j, int64_t row, const std::string &where) {
        MathProblem p;
        p.index = row;
        p.question = textField(j, "question", where);
        p.answer = textField(j, "answer", where);
        out.push_back(std::move(p));
    });
    if (out.empty())
        throw Error("'" + path.string() + "': no GSM8K problems");
    return out;
}

std::string mmluSubjectText(const std::string &subject)
{
    std::string s = subject;
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
}

std::string mmluCategory(const std::string &subject)
{
    // lm-evaluation-harness tasks/mmlu/_generate_configs.py: each subject's group.
    static const std::map<std::string, std::string> categories = {
        {"abstract_algebra", "stem"},
        {"anatomy", "stem"},
        {"astronomy", "stem"},
        {"business_ethics", "other"},
        {"clinical_knowledge", "other"},
        {"college_biology", "stem"},
        {"college_chemistry", "stem"},
        {"college_computer_science", "stem"},
        {"college_mathematics", "stem"},
        {"college_medicine", "other"},
        {"college_physics", "stem"},
        {"computer_security", "stem"},
        {"conceptual_physics", "stem"},
        {"econometrics", "social_sciences"},
        {"electrical_engineering", "stem"},
        {"elementary_mathematics", "stem"},
        {"formal_logic", "humanities"},
        {"global_facts", "other"},
        {"high_school_biology", "stem"},
        {"high_school_chemistry", "stem"},
        {"high_school_computer_science", "stem"},
        {"high_school_european_history", "humanities"},
        {"high_school_geography", "social_sciences"},
        {"high_school_government_and_politics", "social_sciences"},
        {"high_school_macroeconomics", "social_sciences"},
        {"high_school_mathematics", "stem"},
        {"high_school_microeconomics", "social_sciences"},
        {"high_school_physics", "stem"},
        {"high_school_psychology", "social_sciences"},
        {"high_school_statistics", "stem"},
        {"high_school_us_history", "humanities"},
        {"high_school_world_history", "humanities"},
        {"human_aging", "other"},
        {"human_sexuality", "social_sciences"},
        {"international_law", "humanities"},
        {"jurisprudence", "humanities"},
        {"logical_fallacies", "humanities"},
        {"machine_learning", "stem"},
        {"management", "other"},
        {"marketing", "other"},
        {"medical_genetics", "other"},
        {"miscellaneous", "other"},
        {"moral_disputes", "humanities"},
        {"moral_scenarios", "humanities"},
        {"nutrition", "other"},
        {"philosophy", "humanities"},
        {"prehistory", "humanities"},
        {"professional_accounting", "other"},
        {"professional_law", "humanities"},
        {"professional_medicine", "other"},
        {"professional_psychology", "social_sciences"},
        {"public_relations", "social_sciences"},
        {"security_studies", "social_sciences"},
        {"sociology", "social_sciences"},
        {"us_foreign_policy", "social_sciences"},
        {"virology", "other"},
        {"world_religions", "humanities"}};
    const auto it = categories.find(subject);
    return it == categories.end() ? "other" : it->second;
}

std::string mmluQuestionText(const ChoiceQuestion &q)
{
    std::string s = pyStrip(q.question);
    for (size_t i = 0; i < q.choices.size(); ++i)
        s += "\n" + std::string(1, static_cast<char>('A' + i)) + ". " + q.choices[i];
    return s + "\nAnswer:";
}

std::string mmluFewShotPrefix(const std::string &subject, const std::vector<ChoiceQuestion> &shots)
{
    // description, then each example with target_delimiter " " + its letter and fewshot_delimiter "\n\n".
    std::string s =
        "The following are multiple choice questions (with answers) about " + mmluSubjectText(subject) + ".\n\n";
    for (const ChoiceQuestion &q : shots)
        s += mmluQuestionText(q) + " " + std::string(1, static_cast<char>('A' + q.answer)) + "\n\n";
    return s;
}

std::string boolqQuestionText(const ChoiceQuestion &q)
{
    return q.passage + "\nQuestion: " + q.question + "?\nAnswer:";
}

std::string boolqFewShotPrefix(const std::vector<ChoiceQuestion> &shots)
{
    // The harness's boolq has no description; target_delimiter " ", fewshot_delimiter "\n\n".
    std::string s;
    for (const ChoiceQuestion &q : shots)
        s += boolqQuestionText(q) + (q.answer == 1 ? " yes" : " no") + "\n\n";
    return s;
}

const std::vector<std::string> &mmluContinuations()
{
    static const std::vector<std::string> c = {" A", " B", " C", " D"};
    return c;
}

const std::vector<std::string> &boolqContinuations()
{
    static const std::vector<std::string> c = {" no", " yes"};
    return c;
}

}  // namespace lc
