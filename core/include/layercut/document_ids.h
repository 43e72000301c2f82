// SPDX-License-Identifier: GPL-3.0-or-later
// Which documents a model was trained on, by content rather than by file and line, so a held-out loss or
// validation sample can leave them out whatever file the user picks for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include "layercut/text_dataset.h"

namespace lc {

/**
 * A document's identity: a stable 64-bit hash of its UTF-8 text, or of its token ids (a text and an id
 * list never share one). The same document has the same id in a text file, JSON Lines or C4 .json.gz.
 */
uint64_t documentId(const Document &document);

/** A set of document ids: the training split of a healing run. */
class DocumentIds
{
public:
    void add(const Document &document) { m_ids.insert(documentId(document)); }
    void insert(uint64_t id) { m_ids.insert(id); }
    void merge(const DocumentIds &other) { m_ids.insert(other.m_ids.begin(), other.m_ids.end()); }
    bool contains(const Document &document) const { return m_ids.count(documentId(document)) > 0; }
    bool containsId(uint64_t id) const { return m_ids.count(id) > 0; }
    size_t size() const { return m_ids.size(); }
    bool empty() const { return m_ids.empty(); }

    /** One 16-digit hexadecimal id per line, sorted. */
    std::string toText() const;
    /** toText(), written atomically. Throws lc::Error naming the file. */
    void save(const std::filesystem::path &file) const;
    /** Reads what save() wrote; throws lc::Error naming the file and line. */
    static DocumentIds load(const std::filesystem::path &file);

private:
    std::unordered_set<uint64_t> m_ids;
};

/** The name of the file a healing run (and a merged export) keeps its trained documents' ids in. */
inline constexpr const char *kTrainedDocumentsFile = "trained_documents.txt";

/** `documents` without those in `exclude` (order kept); `excluded` counts what was left out. */
std::vector<Document> withoutDocuments(const std::vector<Document> &documents, const DocumentIds *exclude,
                                       int64_t &excluded);

}  // namespace lc
