// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lc {

/** Text to token ids, as the checkpoint's own tokenizer does it. Thread-safe for concurrent encode(). */
class Tokenizer
{
public:
    virtual ~Tokenizer() = default;

    /** Ids for `text`; with `addSpecial`, BOS/EOS are added as tokenizer_config.json / tokenizer.json say. */
    virtual std::vector<int32_t> encode(std::string_view text, bool addSpecial) const = 0;
    /** Concatenated token strings as UTF-8 (special tokens included). */
    virtual std::string decode(const std::vector<int32_t> &ids) const = 0;
    virtual int64_t vocabSize() const = 0;
    virtual std::optional<int32_t> bosId() const = 0;
    virtual std::optional<int32_t> eosId() const = 0;
    /** The algorithm and the file that runs, e.g. "byte-level BPE (tokenizer.json)", "sentencepiece (tokenizer.model)". */
    virtual std::string kind() const = 0;
};

/**
 * Loads the tokenizer at `path`: a model folder, a `tokenizer.json` or a `tokenizer.model`.
 * A folder uses `tokenizer.json` (byte-level or sentencepiece-style BPE), else `tokenizer.model`; the folder's
 * `tokenizer_config.json` (when present) sets the BOS/EOS rules. Throws lc::Error naming the file.
 */
std::unique_ptr<Tokenizer> loadTokenizer(const std::filesystem::path &path);

}  // namespace lc
