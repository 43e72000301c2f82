// SPDX-License-Identifier: GPL-3.0-or-later
// Documents from text, JSON Lines and gzip-compressed JSON Lines files.
#include "layercut/text_dataset.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <numeric>
#include <random>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "layercut/document_ids.h"
#include "layercut/error.h"
#include "layercut/utf8.h"
#include "layercut/json_file.h"
#include "layercut/tokenizer.h"
#include "layercut/regular_file.h"

namespace lc {
namespace {

bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr size_t kMaxLineBytes = size_t{256} << 20;

/**
 * Calls onLine(line, number) for every line of a file (numbers from 1), gunzipping .gz files on the fly;
 * "\r\n" endings lose their "\r". Reports Stage::ReadingData as bytes of the file read (compressed bytes for
 * .gz) of its size, and looks at `stop` between blocks of 64 KiB.
 */
void readLines(const std::filesystem::path &path, const std::function<void(std::string &, size_t)> &onLine,
               const ProgressFn &progress, const std::stop_token &stop)
{
    const std::string name = path.string();
    std::error_code ec;
    const auto size = static_cast<int64_t>(std::filesystem::file_size(path, ec));
    int64_t lastReported = -1;
    const auto report = [&](int64_t done) {
        // About every MiB and at the end: cheap for the caller, smooth enough for a progress bar.
        const bool due = lastReported < 0 || done == size || done - lastReported >= (1 << 20);
        if (progress && done != lastReported && due) {
            progress({Stage::ReadingData, done, ec ? 0 : size, 0});
            lastReported = done;
        }
    };
    size_t number = 0;
    std::string current;
    const auto line = [&] {
        if (!current.empty() && current.back() == '\r')
            current.pop_back();
        onLine(current, ++number);
        current.clear();
    };
    // A line (one document) past this cannot be meant as text, and a small .gz can inflate to any size.
    const auto refuseLongLine = [&] {
        if (current.size() > kMaxLineBytes)
            throw Error("'" + name + "' line " + std::to_string(number + 1) + ": longer than " +
                        std::to_string(kMaxLineBytes >> 20) + " MiB; split the document into lines or files");
    };
    std::vector<char> buffer(1 << 16);
    report(0);
    refuseIrregularFile(path);
    if (endsWith(name, ".gz")) {
        gzFile gz = gzopen(name.c_str(), "rb");
        if (!gz)
            throw Error("'" + name + "': cannot open");
        int n = 0;
        try {
            while ((n = gzread(gz, buffer.data(), static_cast<unsigned>(buffer.size()))) > 0) {
                throwIfStopped(stop);
                for (int i = 0; i < n; ++i) {
                    if (buffer[static_cast<size_t>(i)] == '\n')
                        line();
                    else
                        current += buffer[static_cast<size_t>(i)];
                }
                refuseLongLine();
                report(static_cast<int64_t>(gzoffset(gz)));
            }
        } catch (...) {
            gzclose(gz);
            throw;
        }
        int err = 0;
        const char *message = gzerror(gz, &err);
        const bool failed = n < 0 || (err != Z_OK && err != Z_STREAM_END);
        const std::string why = failed ? message : "";
        gzclose(gz);
        if (failed)
            throw Error("'" + name + "': not a valid gzip file (" + why + ")");
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw Error("'" + name + "': cannot open");
        int64_t done = 0;
        while (in) {
            in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            const auto n = static_cast<size_t>(in.gcount());
            if (n == 0)
                break;
            throwIfStopped(stop);
            for (size_t i = 0; i < n; ++i) {
                if (buffer[i] == '\n')
                    line();
                else
                    current += buffer[i];
            }
            refuseLongLine();
            done += static_cast<int64_t>(n);
            report(done);
        }
    }
    if (!current.empty())
        line();
    if (!ec)
        report(size);
}

/** Bytes that no text has: C0 controls other than tab, line feed, form feed and carriage return, and DEL. */
bool isControlByte(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7f;
}

/**
 * Refuses data that is not text: a binary file chosen by mistake would otherwise be measured, and its
 * meaningless numbers would look like any others. A small share of control bytes is tolerated (form
 * feeds, stray escapes in scraped text); invalid UTF-8 is not, since the tokenizers would read it as
 * something else than the file says.
 */
void checkIsText(const std::filesystem::path &path, const std::vector<std::string> &texts, bool checkUtf8)
{
    uint64_t bytes = 0, control = 0;
    for (const std::string &t : texts) {
        bytes += t.size();
        for (const unsigned char c : t)
            control += isControlByte(c);
    }
    if (control > 4 && control * 100 > bytes)
        throw Error("'" + path.string() +
                    "': not text: " + std::to_string(control * 100 / std::max<uint64_t>(bytes, 1)) +
                    "% of its bytes are control characters (a binary file, or UTF-16?); LayerCut reads UTF-8 text, "
                    "JSON Lines or gzip-compressed JSON Lines");
    if (!checkUtf8)
        return;
    for (size_t line = 0; line < texts.size(); ++line) {
        if (const size_t at = invalidUtf8At(texts[line]); at != std::string::npos) {
            char byte[8];
            std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(texts[line][at]));
            throw Error("'" + path.string() + "' line " + std::to_string(line + 1) + ": not valid UTF-8 (byte " + byte +
                        " at byte " + std::to_string(at + 1) + " of the line); save the file as UTF-8");
        }
    }
}

bool isJsonLines(const std::filesystem::path &path)
{
    const std::string name = path.string();
    return endsWith(name, ".jsonl") || endsWith(name, ".json") || endsWith(name, ".jsonl.gz") ||
           endsWith(name, ".json.gz") || endsWith(name, ".gz");
}

}  // namespace

std::vector<Document> readDocuments(const std::filesystem::path &path, const ProgressFn &progress, std::stop_token stop)
{
    if (!std::filesystem::exists(path))
        throw Error("'" + path.string() + "': no such file");
    std::vector<Document> docs;
    if (isJsonLines(path)) {
        // Parsed as read: for a C4 shard the parsing is most of the time, and the progress counts it.
        readLines(
            path,
            [&](std::string &text, size_t number) {
                if (text.find_first_not_of(" \t") == std::string::npos)
                    return;
                const std::string where = "'" + path.string() + "' line " + std::to_string(number);
                nlohmann::json j;
                try {
                    j = nlohmann::json::parse(text);
                } catch (const nlohmann::json::exception &e) {
                    throw Error(where + ": not valid JSON (" + jsonErrorText(e) + ")");
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
            },
            progress, stop);
        // The JSON parser has checked the UTF-8; escapes can still decode to control characters.
        std::vector<std::string> texts;
        for (const Document &d : docs)
            if (const auto *text = std::get_if<std::string>(&d))
                texts.push_back(*text);
        checkIsText(path, texts, false);
        return docs;
    }
    std::vector<std::string> lines;
    readLines(
        path, [&](std::string &text, size_t) { lines.push_back(std::move(text)); }, progress, stop);
    checkIsText(path, lines, true);
    // Plain text: blank lines separate documents when there are any; otherwise each line is one.
    const bool blocks = std::any_of(lines.begin(), lines.end(), [](const std::string &l) {
        return l.find_first_not_of(" \t") == std::string::npos;
    });
    if (!blocks) {
        for (auto &l : lines)
            docs.emplace_back(std::move(l));
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

}  // namespace

HeldOutDocuments heldOutDocuments(const std::vector<Document> &documents, const DatasetOptions &analysis, int64_t count)
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

TokenizedDataset tokenizeDocuments(const std::vector<Document> &documents, const Tokenizer *tokenizer,
                                   const DatasetOptions &options, const ProgressFn &progress, std::stop_token stop)
{
    TokenizedDataset out;
    out.documents = static_cast<int64_t>(documents.size());
    // A seeded order over all documents; take them until `samples` are kept, then restore file order.
    const std::vector<size_t> order = samplingOrder(documents.size(), options);
    const auto all = static_cast<int64_t>(documents.size());
    const int64_t wanted = options.samples > 0 ? std::min(options.samples, all) : all;
    ThrottledProgress report(progress, Stage::Tokenizing, wanted);
    std::vector<std::pair<size_t, std::vector<int64_t>>> kept;
    int64_t tokens = 0;
    for (const size_t i : order) {
        if (options.samples > 0 && static_cast<int64_t>(kept.size()) >= options.samples)
            break;
        throwIfStopped(stop);
        // Skipped empty documents make the loop reach past `wanted`; the count stays within the total.
        report(std::min<int64_t>(static_cast<int64_t>(kept.size()) + out.skippedEmpty, wanted), tokens);
        std::vector<int64_t> ids;
        if (const auto *text = std::get_if<std::string>(&documents[i])) {
            if (!tokenizer)
                throw Error("the data holds text and the model has no tokenizer.json or tokenizer.model to read it "
                            "with; give token ids instead (JSON Lines with \"input_ids\")");
            if (tokenizer->encode(*text, false).empty()) {
                ++out.skippedEmpty;
                continue;
            }
            const auto encoded = tokenizer->encode(*text, options.addSpecial);
            ids.assign(encoded.begin(), encoded.end());
        } else {
            ids = std::get<std::vector<int64_t>>(documents[i]);
            for (const int64_t id : ids)
                if (id < 0 || (options.vocabSize > 0 && id >= options.vocabSize))
                    throw Error("document " + std::to_string(i + 1) + ": token id " + std::to_string(id) +
                                (id < 0
                                     ? std::string(" is negative")
                                     : " is outside the model's vocabulary of " + std::to_string(options.vocabSize)));
            if (ids.empty()) {
                ++out.skippedEmpty;
                continue;
            }
        }
        if (options.maxLength > 0 && static_cast<int64_t>(ids.size()) > options.maxLength) {
            ids.resize(static_cast<size_t>(options.maxLength));
            ++out.truncated;
        }
        tokens += static_cast<int64_t>(ids.size());
        kept.emplace_back(i, std::move(ids));
    }
    report.finish(tokens);
    std::sort(kept.begin(), kept.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto &[_, ids] : kept) {
        out.tokens += static_cast<int64_t>(ids.size());
        out.sequences.push_back(std::move(ids));
    }
    return out;
}

TokenizedDataset readTokenized(const std::filesystem::path &path, const Tokenizer *tokenizer,
                               const DatasetOptions &options, const DocumentIds *exclude, const ProgressFn &progress,
                               std::stop_token stop)
{
    const std::vector<Document> all = readDocuments(path, progress, stop);
    int64_t excluded = 0;
    const std::vector<Document> documents = withoutDocuments(all, exclude, excluded);
    TokenizedDataset data;
    try {
        data = tokenizeDocuments(documents, tokenizer, options, progress, stop);
    } catch (const Cancelled &) {
        throw;
    } catch (const Error &e) {
        throw Error("'" + path.string() + "': " + e.what());
    }
    data.documents = static_cast<int64_t>(all.size());
    data.excluded = excluded;
    if (data.sequences.empty())
        throw Error("'" + path.string() + "': no document with at least one token" +
                    (excluded > 0 ? " that the model was not trained on (" + std::to_string(excluded) +
                                        " of its documents were in the training data)"
                                  : std::string()));
    return data;
}

}  // namespace lc
