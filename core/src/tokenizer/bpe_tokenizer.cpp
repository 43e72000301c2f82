// SPDX-License-Identifier: GPL-3.0-or-later
// BPE from a Hugging Face tokenizer.json, written to give the ids `tokenizers` gives.
#include "tokenizer/bpe_tokenizer.h"

#include <functional>

#include <nlohmann/json.hpp>

#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/utf8.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/text_normalizer.h"
#include "tokenizer/token_decoder.h"
#include "tokenizer/tokenizer_json_reader.h"

namespace lc {

using nlohmann::json;

BpeTokenizer::~BpeTokenizer() = default;

void BpeTokenizer::readParts(const json &j, const std::string &src)
{
    const TokenizerJsonReader r{src};
    if (!j.is_object() || !j.contains("model") || !j["model"].is_object())
        r.fail("no \"model\" object");
    m_model = std::make_unique<BpeModel>(j["model"], r);
    std::unordered_map<std::string, int32_t> vocab = m_model->vocabulary();

    // Added tokens: found in the text before anything else.
    if (j.contains("added_tokens") && j["added_tokens"].is_array()) {
        for (const auto &t : j["added_tokens"]) {
            const std::string where = "added token " + std::to_string(m_added.all().size());
            AddedToken a;
            a.content = r.text(t, "content", where, "");
            if (a.content.empty())
                r.fail(where + " has no content");
            a.id = r.id(r.member(t, "id", where), where + " ('" + a.content + "')");
            a.lstrip = r.flag(t, "lstrip", where, false);
            a.rstrip = r.flag(t, "rstrip", where, false);
            a.singleWord = r.flag(t, "single_word", where, false);
            a.normalized = r.flag(t, "normalized", where, false);
            vocab[a.content] = a.id;
            m_added.add(a);
        }
    }
    // Real files number their tokens densely; a table sized by one stray id (2³¹ − 2: 17 GB of strings) is
    // refused rather than allocated.
    int32_t maxId = -1;
    for (const auto &entry : vocab)
        maxId = std::max(maxId, entry.second);
    if (maxId < 0)
        r.fail("the vocabulary is empty");
    if (static_cast<size_t>(maxId) >= 2 * vocab.size() + 1024)
        r.fail("token ids are sparse: the largest is " + std::to_string(maxId) + " for " +
               std::to_string(vocab.size()) + " tokens");
    m_idToToken.resize(static_cast<size_t>(maxId + 1));
    for (const auto &[token, id] : vocab)
        m_idToToken[static_cast<size_t>(id)] = token;
    for (const AddedToken &a : m_added.all())  // an added token's content wins over a model token of its id
        m_idToToken[static_cast<size_t>(a.id)] = a.content;

    m_normalizer = std::make_unique<TextNormalizer>(j.value("normalizer", json()), r);
    m_preTokenizer = std::make_unique<PreTokenizer>(j.value("pre_tokenizer", json()), r);
    m_decoder = std::make_unique<TokenDecoder>(j.value("decoder", json()), r);
    m_byteLevel = m_preTokenizer->byteLevel();
    readTemplate(j.value("post_processor", json()), src);
}

void BpeTokenizer::readTemplate(const json &post, const std::string &src)
{
    const TokenizerJsonReader r{src};
    std::function<void(const json &)> read = [&](const json &p) {
        if (p.is_null())
            return;
        const std::string type = r.text(p, "type", "post_processor", "");
        if (type == "Sequence") {
            for (const auto &child : r.array(p, "processors", "the Sequence post_processor"))
                read(child);
        } else if (type == "ByteLevel") {
            // changes offsets only
        } else if (type == "TemplateProcessing") {
            m_prefix.clear();
            m_suffix.clear();
            bool afterSequence = false;
            for (const auto &piece : r.array(p, "single", "the TemplateProcessing post_processor")) {
                if (!piece.is_object())
                    r.fail("a TemplateProcessing piece is not an object");
                if (piece.contains("Sequence")) {
                    afterSequence = true;
                } else if (piece.contains("SpecialToken")) {
                    const std::string name = r.text(piece["SpecialToken"], "id", "a template SpecialToken", "");
                    const json &st = r.member(p, "special_tokens", "the TemplateProcessing post_processor");
                    if (!st.is_object() || !st.contains(name))
                        r.fail("template special token '" + name + "' is not defined");
                    const std::string where = "template special token '" + name + "'";
                    for (const auto &id : r.array(st[name], "ids", where)) {
                        const int32_t value = r.id(id, where);
                        if (static_cast<size_t>(value) >= m_idToToken.size())
                            r.fail(where + " has id " + std::to_string(value) + ", beyond the vocabulary");
                        (afterSequence ? m_suffix : m_prefix).push_back(value);
                    }
                }
            }
        } else {
            r.fail("post_processor '" + type + "' is not supported");
        }
    };
    read(post);
}

BpeTokenizer::BpeTokenizer(const std::filesystem::path &tokenizerJson, const SpecialTokenRules &rules)
    : m_path(tokenizerJson)
{
    const json j = readJsonFile(tokenizerJson);
    try {
        readParts(j, tokenizerJson.string());
    } catch (const nlohmann::json::exception &e) {  // a last net under the reader's own checks
        TokenizerJsonReader{tokenizerJson.string()}.fail("unexpected JSON (" + jsonErrorText(e) + ")");
    }
    // tokenizer_config.json names BOS/EOS; its explicit add_bos_token/add_eos_token override the template.
    if (rules.bosToken)
        m_bos = tokenId(*rules.bosToken);
    if (rules.eosToken)
        m_eos = tokenId(*rules.eosToken);
    // A token to add that the vocabulary lacks: transformers would append it as a new id the model's
    // embeddings do not have.
    const auto refuseUnknown = [&](const char *key, const std::optional<std::string> &token) {
        throw Error("'" + rules.source.string() + "': " + key + " '" + *token +
                    "' is to be added but is not a token of '" + tokenizerJson.string() + "'");
    };
    if (rules.addBos.value_or(false) && rules.bosToken && !m_bos)
        refuseUnknown("bos_token", rules.bosToken);
    if (rules.addEos.value_or(false) && rules.eosToken && !m_eos)
        refuseUnknown("eos_token", rules.eosToken);
    if (!m_bos && !m_prefix.empty())
        m_bos = m_prefix.front();
    if (rules.addBos) {
        m_prefix.clear();
        if (*rules.addBos && m_bos)
            m_prefix.push_back(*m_bos);
    }
    if (rules.addEos) {
        m_suffix.clear();
        if (*rules.addEos && m_eos)
            m_suffix.push_back(*m_eos);
    }
}

std::string BpeTokenizer::kind() const
{
    return m_byteLevel ? "byte-level BPE (tokenizer.json)" : "sentencepiece-style BPE (tokenizer.json)";
}

std::optional<int32_t> BpeTokenizer::tokenId(const std::string &token) const
{
    for (const AddedToken &a : m_added.all())
        if (a.content == token)
            return a.id;
    return m_model->tokenId(token);
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text, bool addSpecial) const
{
    // `tokenizers` takes Rust strings, which are UTF-8 by construction: anything else is refused here rather
    // than tokenized as whatever its bytes happen to spell.
    if (const size_t bad = invalidUtf8At(text); bad != std::string::npos)
        throw Error("'" + m_path.string() + "': input text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
    std::vector<int32_t> ids;
    if (addSpecial)
        ids = m_prefix;
    for (const AddedTokens::Piece &piece : m_added.split(text, false)) {
        if (piece.id >= 0)
            ids.push_back(piece.id);
        else if (piece.end > piece.begin)
            encodeStretch(text.substr(piece.begin, piece.end - piece.begin), piece.begin == 0, ids);
    }
    if (addSpecial)
        ids.insert(ids.end(), m_suffix.begin(), m_suffix.end());
    return ids;
}

void BpeTokenizer::encodeStretch(std::string_view text, bool startsText, std::vector<int32_t> &out) const
{
    const std::string normalized = m_normalizer->apply(std::string(text));
    std::vector<std::string> words;
    for (const AddedTokens::Piece &piece : m_added.split(normalized, true)) {
        if (piece.id >= 0) {
            out.push_back(piece.id);
            continue;
        }
        if (piece.end == piece.begin)
            continue;
        words.clear();
        m_preTokenizer->split(normalized.substr(piece.begin, piece.end - piece.begin), startsText && piece.begin == 0,
                              words);
        for (const std::string &word : words)
            m_model->encodeWord(word, out);
    }
}

std::string BpeTokenizer::decode(const std::vector<int32_t> &ids) const
{
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const int32_t id : ids)
        if (id >= 0 && static_cast<size_t>(id) < m_idToToken.size())
            tokens.push_back(m_idToToken[static_cast<size_t>(id)]);
    return m_decoder->decode(std::move(tokens));
}

}  // namespace lc
