// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace lc {

struct TokenizerJsonReader;

/**
 * tokenizer.json's "pre_tokenizer": cuts normalised text into the words BPE runs on. Steps, applied in
 * order to every piece the previous step left (as `tokenizers` does):
 *   - Split on a Regex or a String, with every behaviour (Isolated, Removed, MergedWithPrevious,
 *     MergedWithNext, Contiguous) and `invert`;
 *   - ByteLevel (GPT-2's regex when `use_regex`, `add_prefix_space`, then every byte spelled as a character);
 *   - Metaspace (" " becomes "▁", a "▁" prepended by `prepend_scheme`: always, never, or first, only to the
 *     piece that starts the text; split before every "▁" when `split`);
 *   - a Sequence of these. No pre-tokenizer (Llama 2 and Mistral files): the whole text is one word.
 */
class PreTokenizer
{
public:
    /** `node` may be null. Throws lc::Error naming the file for a step it does not run. */
    PreTokenizer(const nlohmann::json &node, const TokenizerJsonReader &reader);
    ~PreTokenizer();
    PreTokenizer(PreTokenizer &&) noexcept;

    /**
     * The words of `text`, appended to `words`. `startsText`: the text begins the input (nothing, not even
     * an added token, before it), which Metaspace's "first" scheme asks.
     */
    void split(std::string text, bool startsText, std::vector<std::string> &words) const;
    /** True when a step spells bytes as GPT-2 characters (the decoder must undo it). */
    bool byteLevel() const { return m_byteLevel; }

private:
    struct Step;
    void read(const nlohmann::json &node, const TokenizerJsonReader &reader);
    std::vector<Step> m_steps;
    bool m_byteLevel = false;
};

}  // namespace lc
