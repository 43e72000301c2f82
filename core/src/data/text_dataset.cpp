// SPDX-License-Identifier: GPL-3.0-or-later
// Documents from text, JSON Lines and gzip-compressed JSON Lines files.
#include "layercut/text_dataset.h"

#include <algorithm>
#include <fstream>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "layercut/error.h"
#include "layercut/tokenizer.h"

namespace lc {
namespace {

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/** Every line of a file, gunzipping .gz files on the fly; "\r\n" endings lose their "\r". */
std::vector<std::string> readLines(const std::filesystem::path &path)
{
    const std::string name = path.string();
    std::vector<std::string> lines;
    if (endsWith(name, ".gz")) {
        gzFile gz = gzopen(name.c_str(), "rb");
        if (!gz)
            throw Error("'" + name + "': cannot open");
        std::string current;
        char buffer[1 << 16];
        int n = 0;
        while ((n = gzread(gz, buffer, sizeof buffer)) > 0) {
            for (int i = 0; i < n; ++i) {
                if (buffer[i] == '\n') {
                    lines.push_back(std::move(current));
                    current.clear();
                } else {
                    current += buffer[i];
                }
            }
        }
        int err = 0;
        const char *message = gzerror(gz, &err);
        const bool failed = n < 0 || (err != Z_OK && err != Z_STREAM_END);
        const std::string why = failed ? message : "";
        gzclose(gz);
        if (failed)
            throw Error("'" + name + "': not a valid gzip file (" + why + ")");
        if (!current.empty())
            lines.push_back(std::move(current));
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw Error("'" + name + "': cannot open");
        std::string line;
        while (std::getline(in, line))
            lines.push_back(std::move(line));
    }
    for (auto &l : lines)
        if (!l.empty() && l.back() == '\r')
            l.pop_back();
    return lines;
}

bool isJsonLines(const std::filesystem::path &path)
{
    const std::string name = path.string();
    return endsWith(name, ".jsonl") || endsWith(name, ".json") || endsWith(name, ".jsonl.gz") ||
           endsWith(name, ".json.gz") || endsWith(name, ".gz");
}

} // namespace

std::vector<Document> readDocuments(const std::filesystem::path &path)
{
    if (!std::filesystem::exists(path))
        throw Error("'" + path.string() + "': no such file");
    const std::vector<std::string> lines = readLines(path);
    std::vector<Document> docs;
    if (isJsonLines(path)) {
        for (size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].find_first_not_of(" \t") == std::string::npos)
                continue;
            const std::string where = "'" + path.string() + "' line " + std::to_string(i + 1);
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(lines[i]);
            } catch (const nlohmann::json::exception &e) {
                throw Error(where + ": not valid JSON (" + e.what() + ")");
            }
            if (j.is_object() && j.contains("text") && j["text"].is_string()) {
                docs.emplace_back(j["text"].get<std::string>());
            } else if (j.is_object() && j.contains("input_ids") && j["input_ids"].is_array()) {
                std::vector<int64_t> ids;
                for (const auto &v : j["input_ids"]) {
                    if (!v.is_number_integer())
                        throw Error(where + ": input_ids holds a value that is not an integer");
                    ids.push_back(v.get<int64_t>());
                }
                docs.emplace_back(std::move(ids));
            } else {
                throw Error(where + ": expected an object with a \"text\" string or an \"input_ids\" list");
            }
        }
        return docs;
    }
    // Plain text: blank lines separate documents when there are any; otherwise each line is one.
    const bool blocks = std::any_of(lines.begin(), lines.end(), [](const std::string &l) {
        return l.find_first_not_of(" \t") == std::string::npos;
    });
    if (!blocks) {
        for (const auto &l : lines)
            docs.emplace_back(l);
        return docs;
    }
    std::string current;
    for (const auto &l : lines) {
        if (l.find_first_not_of(" \t") == std::string::npos) {
            if (!current.empty())
                docs.emplace_back(std::move(current));
            current.clear();
        } else {
            current += current.empty() ? l : "\n" + l;
        }
    }
    if (!current.empty())
        docs.emplace_back(std::move(current));
    return docs;
}

namespace {

/** The order documents are taken in: file order, or a seeded shuffle when only some are sampled. */
std::vector<size_t> samplingOrder(size_t documents, const DatasetOptions &options)
{
    std::vector<size_t> order(documents);
    std::iota(order.begin(), order.end(), 0);
    if (options.samples > 0 && static_cast<size_t>(options.samples) < documents) {
        std::mt19937_64 rng(options.seed);
        std::shuffle(order.begin(), order.end(), rng);
    }
    return order;
}

} // namespace

HeldOutDocuments heldOutDocuments(const std::vector<Document> &documents, const DatasetOptions &analysis,
                                  int64_t count)
{
    HeldOutDocuments out;
    const auto n = static_cast<int64_t>(documents.size());
    // When the analysis samples, only the documents past its `samples` are held out (empty documents it
    // skipped can still make it reach a little further into the order).
    out.disjoint = analysis.samples > 0 && analysis.samples < n;
    count = std::clamp<int64_t>(count, 0, out.disjoint ? n - analysis.samples : n);
    const std::vector<size_t> order = samplingOrder(documents.size(), analysis);
    std::vector<size_t> chosen(order.end() - count, order.end());  // the analysis takes from the front
    std::sort(chosen.begin(), chosen.end());
    for (const size_t i : chosen)
        out.documents.push_back(documents[i]);
    return out;
}

TokenizedDataset tokenizeDocuments(const std::vector<Document> &documents, const Tokenizer &tokenizer,
                                   const DatasetOptions &options)
{
    TokenizedDataset out;
    out.documents = static_cast<int64_t>(documents.size());
    // A seeded order over all documents; take them until `samples` are kept, then restore file order.
    const std::vector<size_t> order = samplingOrder(documents.size(), options);
    std::vector<std::pair<size_t, std::vector<int64_t>>> kept;
    for (const size_t i : order) {
        if (options.samples > 0 && static_cast<int64_t>(kept.size()) >= options.samples)
            break;
        std::vector<int64_t> ids;
        if (const auto *text = std::get_if<std::string>(&documents[i])) {
            if (tokenizer.encode(*text, false).empty()) {
                ++out.skippedEmpty;
                continue;
            }
            const auto encoded = tokenizer.encode(*text, options.addSpecial);
            ids.assign(encoded.begin(), encoded.end());
        } else {
            ids = std::get<std::vector<int64_t>>(documents[i]);
            if (ids.empty()) {
                ++out.skippedEmpty;
                continue;
            }
        }
        if (options.maxLength > 0 && static_cast<int64_t>(ids.size()) > options.maxLength) {
            ids.resize(static_cast<size_t>(options.maxLength));
            ++out.truncated;
        }
        kept.emplace_back(i, std::move(ids));
    }
    std::sort(kept.begin(), kept.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto &[_, ids] : kept) {
        out.tokens += static_cast<int64_t>(ids.size());
        out.sequences.push_back(std::move(ids));
    }
    return out;
}

} // namespace lc
