// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/document_ids.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include "layercut/atomic_file.h"
#include "layercut/error.h"
#include "layercut/file_stamp.h"
#include "layercut/regular_file.h"

namespace lc {

uint64_t documentId(const Document &document)
{
    // A one-byte tag keeps a text from colliding with the bytes of an id list by construction.
    if (const auto *text = std::get_if<std::string>(&document))
        return stableHash("t" + *text);
    const auto &ids = std::get<std::vector<int64_t>>(document);
    std::string bytes = "i";
    bytes.append(reinterpret_cast<const char *>(ids.data()), ids.size() * sizeof(int64_t));
    return stableHash(bytes);
}

std::string DocumentIds::toText() const
{
    std::vector<uint64_t> sorted(m_ids.begin(), m_ids.end());
    std::sort(sorted.begin(), sorted.end());
    std::string text;
    text.reserve(sorted.size() * 17);
    char line[20];
    for (const uint64_t id : sorted) {
        std::snprintf(line, sizeof line, "%016llx\n", static_cast<unsigned long long>(id));
        text += line;
    }
    return text;
}

void DocumentIds::save(const std::filesystem::path &file) const
{
    writeFileAtomically(file, toText());
}

DocumentIds DocumentIds::load(const std::filesystem::path &file)
{
    refuseIrregularFile(file);
    refuseLargeFile(file, kMaxJsonFileBytes);  // 17 bytes per document: 60 million documents
    std::ifstream in(file);
    if (!in)
        throw Error("'" + file.string() + "': cannot open");
    DocumentIds ids;
    std::string line;
    for (int64_t number = 1; std::getline(in, line); ++number) {
        if (line.empty())
            continue;
        const bool hex = line.size() == 16 && std::all_of(line.begin(), line.end(), [](char c) {
                             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                         });
        if (!hex)
            throw Error("'" + file.string() + "' line " + std::to_string(number) +
                        ": expected a document id of 16 hexadecimal digits");
        ids.insert(std::stoull(line, nullptr, 16));
    }
    return ids;
}

std::vector<Document> withoutDocuments(const std::vector<Document> &documents, const DocumentIds *exclude,
                                       int64_t &excluded)
{
    excluded = 0;
    if (!exclude || exclude->empty())
        return documents;
    std::vector<Document> kept;
    kept.reserve(documents.size());
    for (const Document &d : documents) {
        if (exclude->contains(d))
            ++excluded;
        else
            kept.push_back(d);
    }
    return kept;
}

}  // namespace lc
