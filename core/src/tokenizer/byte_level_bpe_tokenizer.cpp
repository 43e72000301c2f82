// SPDX-License-Identifier: GPL-3.0-or-later
// Byte-level BPE from a Hugging Face tokenizer.json, written to give the ids `tokenizers` gives.
#include "tokenizer/byte_level_bpe_tokenizer.h"

#include <array>
#include <functional>
#include <optional>
#include <queue>

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include "layercut/json_file.h"
#include "layercut/error.h"
#include "tokenizer/regex_splitter.h"

namespace lc {
namespace {

using nlohmann::json;

// GPT-2's ByteLevel regex, used when the ByteLevel pre-tokenizer has use_regex = true.
const char *kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

std::string codepointToUtf8(uint32_t cp)
{
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        s += static_cast<char>(0xE0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

/** bytes_to_unicode(): printable bytes map to themselves, the other 68 to U+0100.. in byte order. */
struct ByteAlphabet
{
    std::array<std::string, 256> byteToChar;
    std::unordered_map<std::string, uint8_t> charToByte;

    ByteAlphabet()
    {
        uint32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            byteToChar[b] = codepointToUtf8(printable ? static_cast<uint32_t>(b) : next++);
            charToByte[byteToChar[b]] = static_cast<uint8_t>(b);
        }
    }
};

const ByteAlphabet &alphabet()
{
    static const ByteAlphabet a;
    return a;
}

size_t utf8Length(unsigned char lead)
{
    return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
}

bool containsByteLevel(const json &node)
{
    if (!node.is_object())
        return false;
    if (node.value("type", "") == "ByteLevel")
        return true;
    for (const char *list : {"pretokenizers", "processors"})
        if (node.contains(list) && node[list].is_array())
            for (const auto &child : node[list])
                if (containsByteLevel(child))
                    return true;
    return false;
}

/**
 * Reads tokenizer.json's parts with every check spelled out: a missing key or a wrong type is an lc::Error
 * naming the file and the place, never nlohmann's exception text nor const operator[] on a missing key
 * (undefined behaviour).
 */
struct TokenizerJsonReader
{
    std::string source;

    [[noreturn]] void fail(const std::string &what) const { throw Error("'" + source + "': " + what); }

    const json &member(const json &node, const char *key, const std::string &where) const
    {
        if (!node.is_object() || !node.contains(key))
            fail(where + " has no \"" + key + "\"");
        return node[key];
    }
    const json &array(const json &node, const char *key, const std::string &where) const
    {
        const json &value = member(node, key, where);
        if (!value.is_array())
            fail(where + "'s \"" + key + "\" is not a list");
        return value;
    }
    std::string text(const json &node, const char *key, const std::string &where, const std::string &fallback) const
    {
        if (!node.is_object())
            fail(where + " is not an object");
        if (!node.contains(key) || node[key].is_null())
            return fallback;
        if (!node[key].is_string())
            fail(where + "'s \"" + key + "\" is not a string");
        return node[key].get<std::string>();
    }
    bool flag(const json &node, const char *key, const std::string &where, bool fallback) const
    {
        if (!node.is_object() || !node.contains(key) || node[key].is_null())
            return fallback;
        if (!node[key].is_boolean())
            fail(where + "'s \"" + key + "\" is not true or false");
        return node[key].get<bool>();
    }
    /** A token id: an integer from 0 to 2³¹ − 2 (read as 64 bits, so 2³² + 7 is refused, not wrapped to 7). */
    int32_t id(const json &value, const std::string &where) const
    {
        if (!value.is_number_integer())
            fail(where + " has no integer id");
        const auto wide = value.is_number_unsigned()
                              ? static_cast<int64_t>(std::min<uint64_t>(value.get<uint64_t>(), uint64_t(INT64_MAX)))
                              : value.get<int64_t>();
        if (wide < 0 || wide >= INT32_MAX)
            fail(where + " has id " + std::to_string(wide) + ", outside 0–" + std::to_string(INT32_MAX - 1));
        return static_cast<int32_t>(wide);
    }
};

bool isWordChar(unsigned char c)
{
    return std::isalnum(c) || c == '_' || c >= 0x80;
}

}  // namespace

bool ByteLevelBpeTokenizer::isByteLevelBpe(const std::filesystem::path &tokenizerJson)
{
    try {
        const json j = readJsonFile(tokenizerJson);
        return j.contains("model") && j["model"].value("type", "") == "BPE" &&
               (containsByteLevel(j.value("pre_tokenizer", json())) || containsByteLevel(j.value("decoder", json())));
    } catch (const Error &) {
        return false;
    } catch (const nlohmann::json::exception &) {
        return false;  // not a tokenizer.json this class reads; the loader says what is wrong with it
    }
}

ByteLevelBpeTokenizer::~ByteLevelBpeTokenizer() = default;

void ByteLevelBpeTokenizer::readParts(const json &j, const std::string &src)
{
    const TokenizerJsonReader r{src};
    const auto fail = [&r](const std::string &what) { r.fail(what); };
    if (!j.is_object() || !j.contains("model") || !j["model"].is_object())
        fail("no \"model\" object");
    const json &model = j["model"];
    if (r.text(model, "type", "model", "") != "BPE")
        fail("model type '" + r.text(model, "type", "model", "?") + "' is not BPE");
    for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (model.contains(key) && model[key].is_string() && !model[key].get<std::string>().empty())
            fail(std::string("BPE \"") + key + "\" is not supported");
    if (model.contains("dropout") && model["dropout"].is_number() && model["dropout"].get<double>() > 0)
        fail("BPE dropout is not supported");

    // Vocabulary: token -> id; ids may be sparse, so size by the largest id.
    if (!model.contains("vocab") || !model["vocab"].is_object())
        fail("BPE model has no \"vocab\" object");
    int32_t maxId = -1;
    for (auto it = model["vocab"].begin(); it != model["vocab"].end(); ++it) {
        const int32_t id = r.id(it.value(), "vocab entry '" + it.key() + "'");
        m_vocab[it.key()] = id;
        maxId = std::max(maxId, id);
    }
    // Merges: tokenizers >= 0.20 writes [["a", "b"], ...]; older files "a b". Rank = position.
    if (model.contains("merges") && model["merges"].is_array()) {
        int32_t rank = 0;
        for (const auto &m : model["merges"]) {
            std::string left, right;
            if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
                left = m[0].get<std::string>();
                right = m[1].get<std::string>();
            } else if (m.is_string()) {
                const std::string s = m.get<std::string>();
                const size_t space = s.find(' ', 1);
                if (space == std::string::npos)
                    fail("merge '" + s + "' is not two tokens separated by a space");
                left = s.substr(0, space);
                right = s.substr(space + 1);
            } else {
                fail("merges must be a list of pairs or of \"a b\" strings");
            }
            // As Hugging Face tokenizers: both parts and their merge must be tokens ("Token out of vocabulary").
            for (const std::string &part : {left, right, left + right})
                if (m_vocab.find(part) == m_vocab.end())
                    fail("merge " + std::to_string(rank) + " ('" + left + "' '" + right + "'): '" + part +
                         "' is not in the vocabulary");
            m_mergeRank.emplace(left + '\xff' + right, rank++);
        }
    }
    m_ignoreMerges = r.flag(model, "ignore_merges", "model", false);
    m_byteFallback = r.flag(model, "byte_fallback", "model", false);

    // Added tokens: matched in the raw text before anything else.
    if (j.contains("added_tokens") && j["added_tokens"].is_array()) {
        for (const auto &t : j["added_tokens"]) {
            const std::string where = "added token " + std::to_string(m_added.size());
            AddedToken a;
            a.content = r.text(t, "content", where, "");
            if (a.content.empty())
                fail(where + " has no content");
            a.id = r.id(r.member(t, "id", where), where + " ('" + a.content + "')");
            a.lstrip = r.flag(t, "lstrip", where, false);
            a.rstrip = r.flag(t, "rstrip", where, false);
            a.singleWord = r.flag(t, "single_word", where, false);
            m_vocab[a.content] = a.id;
            maxId = std::max(maxId, a.id);
            m_added.push_back(a);
        }
        std::stable_sort(m_added.begin(), m_added.end(),
                         [](const AddedToken &a, const AddedToken &b) { return a.content.size() > b.content.size(); });
    }
    // Real files number their tokens densely; a table sized by one stray id (2³¹ − 2: 17 GB of strings) is
    // refused rather than allocated.
    const size_t tokens = m_vocab.size();
    if (maxId < 0)
        fail("the vocabulary is empty");
    if (static_cast<size_t>(maxId) >= 2 * tokens + 1024)
        fail("token ids are sparse: the largest is " + std::to_string(maxId) + " for " + std::to_string(tokens) +
             " tokens");
    m_idToToken.resize(static_cast<size_t>(maxId + 1));
    for (const auto &[token, id] : m_vocab)
        m_idToToken[static_cast<size_t>(id)] = token;
    if (model.contains("unk_token") && model["unk_token"].is_string())
        m_unk = tokenId(model["unk_token"].get<std::string>());

    // Normalizer: none or NFC (Qwen2), possibly inside a Sequence.
    const json normalizer = j.value("normalizer", json());
    std::function<void(const json &)> readNormalizer = [&](const json &n) {
        if (n.is_null())
            return;
        const std::string type = r.text(n, "type", "normalizer", "");
        if (type == "NFC")
            m_nfc = true;
        else if (type == "Sequence")
            for (const auto &child : r.array(n, "normalizers", "the Sequence normalizer"))
                readNormalizer(child);
        else
            fail("normalizer '" + type + "' is not supported");
    };
    readNormalizer(normalizer);

    // Pre-tokenizer: Split(regex, Isolated) and ByteLevel steps, possibly inside a Sequence.
    std::function<void(const json &)> readPre = [&](const json &p) {
        if (p.is_null())
            return;
        const std::string type = r.text(p, "type", "pre_tokenizer", "");
        if (type == "Sequence") {
            for (const auto &child : r.array(p, "pretokenizers", "the Sequence pre_tokenizer"))
                readPre(child);
        } else if (type == "Split") {
            const std::string behavior = r.text(p, "behavior", "the Split pre_tokenizer", "?");
            if (behavior != "Isolated")
                fail("Split behavior '" + behavior + "' is not supported (only Isolated)");
            if (r.flag(p, "invert", "the Split pre_tokenizer", false))
                fail("inverted Split is not supported");
            const json &pattern = r.member(p, "pattern", "the Split pre_tokenizer");
            if (pattern.is_object() && pattern.contains("Regex"))
                m_splitters.push_back(
                    std::make_unique<RegexSplitter>(r.text(pattern, "Regex", "the Split pattern", ""), false, src));
            else if (pattern.is_object() && pattern.contains("String"))
                m_splitters.push_back(
                    std::make_unique<RegexSplitter>(r.text(pattern, "String", "the Split pattern", ""), true, src));
            else
                fail("Split pattern is neither Regex nor String");
        } else if (type == "ByteLevel") {
            m_addPrefixSpace = r.flag(p, "add_prefix_space", "the ByteLevel pre_tokenizer", false);
            if (r.flag(p, "use_regex", "the ByteLevel pre_tokenizer", true))
                m_splitters.push_back(std::make_unique<RegexSplitter>(kGpt2Pattern, false, src));
        } else {
            fail("pre_tokenizer '" + type + "' is not supported");
        }
    };
    readPre(j.value("pre_tokenizer", json()));

    // Post-processor: the special tokens a template puts around a single sequence.
    std::function<void(const json &)> readPost = [&](const json &p) {
        if (p.is_null())
            return;
        const std::string type = r.text(p, "type", "post_processor", "");
        if (type == "Sequence") {
            for (const auto &child : r.array(p, "processors", "the Sequence post_processor"))
                readPost(child);
        } else if (type == "ByteLevel") {
            // changes offsets only
        } else if (type == "TemplateProcessing") {
            m_prefix.clear();
            m_suffix.clear();
            bool afterSequence = false;
            for (const auto &piece : r.array(p, "single", "the TemplateProcessing post_processor")) {
                if (!piece.is_object())
                    fail("a TemplateProcessing piece is not an object");
                if (piece.contains("Sequence")) {
                    afterSequence = true;
                } else if (piece.contains("SpecialToken")) {
                    const std::string name = r.text(piece["SpecialToken"], "id", "a template SpecialToken", "");
                    const json &st = r.member(p, "special_tokens", "the TemplateProcessing post_processor");
                    if (!st.is_object() || !st.contains(name))
                        fail("template special token '" + name + "' is not defined");
                    const std::string where = "template special token '" + name + "'";
                    for (const auto &id : r.array(st[name], "ids", where)) {
                        const int32_t value = r.id(id, where);
                        if (static_cast<size_t>(value) >= m_idToToken.size())
                            fail(where + " has id " + std::to_string(value) + ", beyond the vocabulary");
                        (afterSequence ? m_suffix : m_prefix).push_back(value);
                    }
                }
            }
        } else {
            fail("post_processor '" + type + "' is not supported");
        }
    };
    readPost(j.value("post_processor", json()));
}

ByteLevelBpeTokenizer::ByteLevelBpeTokenizer(const std::filesystem::path &tokenizerJson, const SpecialTokenRules &rules)
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

std::optional<int32_t> ByteLevelBpeTokenizer::tokenId(const std::string &token) const
{
    const auto it = m_vocab.find(token);
    return it == m_vocab.end() ? std::nullopt : std::optional<int32_t>(it->second);
}

std::vector<int32_t> ByteLevelBpeTokenizer::encode(std::string_view text, bool addSpecial) const
{
    std::vector<int32_t> ids;
    if (addSpecial)
        ids = m_prefix;
    // Leftmost-longest scan for added tokens; the text between them is tokenized normally.
    size_t segmentStart = 0, pos = 0;
    while (pos < text.size()) {
        const AddedToken *hit = nullptr;
        if (!m_added.empty())
            for (const AddedToken &a : m_added) {
                if (text.compare(pos, a.content.size(), a.content) != 0)
                    continue;
                const size_t end = pos + a.content.size();
                if (a.singleWord && ((pos > 0 && isWordChar(static_cast<unsigned char>(text[pos - 1]))) ||
                                     (end < text.size() && isWordChar(static_cast<unsigned char>(text[end])))))
                    continue;
                hit = &a;
                break;
            }
        if (!hit) {
            ++pos;
            continue;
        }
        size_t segmentEnd = pos, next = pos + hit->content.size();
        if (hit->lstrip)
            while (segmentEnd > segmentStart && std::isspace(static_cast<unsigned char>(text[segmentEnd - 1])))
                --segmentEnd;
        if (hit->rstrip)
            while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next])))
                ++next;
        encodeSegment(text.substr(segmentStart, segmentEnd - segmentStart), ids);
        ids.push_back(hit->id);
        segmentStart = pos = next;
    }
    encodeSegment(text.substr(segmentStart), ids);
    if (addSpecial)
        ids.insert(ids.end(), m_suffix.begin(), m_suffix.end());
    return ids;
}

void ByteLevelBpeTokenizer::encodeSegment(std::string_view text, std::vector<int32_t> &out) const
{
    if (text.empty())
        return;
    std::string normalized(text);
    if (m_nfc) {
        utf8proc_uint8_t *nfc = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t *>(normalized.c_str()));
        if (!nfc)
            throw Error("'" + m_path.string() + "': input text is not valid UTF-8");
        normalized = reinterpret_cast<const char *>(nfc);
        std::free(nfc);
    }
    if (m_addPrefixSpace && normalized.front() != ' ')
        normalized.insert(normalized.begin(), ' ');
    std::vector<std::string> pieces{normalized}, next;
    for (const auto &splitter : m_splitters) {
        next.clear();
        for (const auto &piece : pieces)
            splitter->split(piece, next);
        pieces.swap(next);
    }
    const ByteAlphabet &bytes = alphabet();
    for (const auto &piece : pieces) {
        std::string word;
        for (const unsigned char c : piece)
            word += bytes.byteToChar[c];
        encodeWord(word, out);
    }
}

void ByteLevelBpeTokenizer::encodeWord(const std::string &word, std::vector<int32_t> &out) const
{
    if (word.empty())
        return;
    {
        std::lock_guard lock(m_cacheMutex);
        const auto it = m_cache.find(word);
        if (it != m_cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> ids;
    const auto whole = m_ignoreMerges ? tokenId(word) : std::nullopt;
    if (whole) {
        ids.push_back(*whole);
    } else {
        const std::vector<std::string> symbols = mergeSymbols(word);
        for (const auto &s : symbols) {
            if (const auto id = tokenId(s)) {
                ids.push_back(*id);
                continue;
            }
            if (m_byteFallback) {
                bool all = true;
                std::vector<int32_t> fallback;
                for (const unsigned char c : s) {
                    char name[8];
                    std::snprintf(name, sizeof name, "<0x%02X>", c);
                    const auto id = tokenId(name);
                    if (!id) {
                        all = false;
                        break;
                    }
                    fallback.push_back(*id);
                }
                if (all) {
                    ids.insert(ids.end(), fallback.begin(), fallback.end());
                    continue;
                }
            }
            if (!m_unk)
                throw Error("'" + m_path.string() + "': token '" + s +
                            "' is not in the vocabulary and there is no unk_token");
            ids.push_back(*m_unk);
        }
    }
    out.insert(out.end(), ids.begin(), ids.end());
    std::lock_guard lock(m_cacheMutex);
    if (m_cache.size() > 200'000)
        m_cache.clear();
    if (word.size() <= kCachedWordBytes)
        m_cache.emplace(word, std::move(ids));
}

std::vector<std::string> ByteLevelBpeTokenizer::mergeSymbols(const std::string &word) const
{
    // Start from characters; repeatedly merge the adjacent pair of lowest rank (leftmost on ties), as
    // `tokenizers` does. The pairs wait in a min-heap by (rank, position) and the symbols form a linked
    // list, so a word of n characters takes O(n log n), not O(n²) per merge: a 200 KB word without a
    // space (base64, minified code) is one word to the pre-tokenizer. A heap entry whose pair has changed
    // since it was pushed is skipped when it comes up (a rank names one pair, so "still this rank" is exact).
    struct Symbol
    {
        std::string text;
        int64_t prev, next;  // neighbours in the list, -1 at the ends
        bool alive = true;
    };
    std::vector<Symbol> symbols;
    for (size_t i = 0; i < word.size();) {
        const size_t n = std::min(utf8Length(static_cast<unsigned char>(word[i])), word.size() - i);
        const auto index = static_cast<int64_t>(symbols.size());
        symbols.push_back({word.substr(i, n), index - 1, -1});
        if (index > 0)
            symbols[static_cast<size_t>(index - 1)].next = index;
        i += n;
    }
    using Candidate = std::pair<int32_t, int64_t>;  // (rank, left symbol's index); smallest first
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    const auto rankOf = [&](int64_t left) -> std::optional<int32_t> {
        const Symbol &a = symbols[static_cast<size_t>(left)];
        if (a.next < 0)
            return std::nullopt;
        const auto it = m_mergeRank.find(a.text + '\xff' + symbols[static_cast<size_t>(a.next)].text);
        return it == m_mergeRank.end() ? std::nullopt : std::optional(it->second);
    };
    const auto offer = [&](int64_t left) {
        if (left >= 0)
            if (const auto rank = rankOf(left))
                heap.emplace(*rank, left);
    };
    for (int64_t i = 0; i + 1 < static_cast<int64_t>(symbols.size()); ++i)
        offer(i);
    while (!heap.empty()) {
        const auto [rank, left] = heap.top();
        heap.pop();
        Symbol &a = symbols[static_cast<size_t>(left)];
        if (!a.alive || rankOf(left) != rank)
            continue;  // merged away, or its right neighbour changed since
        Symbol &b = symbols[static_cast<size_t>(a.next)];
        a.text += b.text;
        b.alive = false;
        a.next = b.next;
        if (b.next >= 0)
            symbols[static_cast<size_t>(b.next)].prev = left;
        offer(a.prev);
        offer(left);
    }
    std::vector<std::string> out;
    for (int64_t i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[static_cast<size_t>(i)].next)
        out.push_back(std::move(symbols[static_cast<size_t>(i)].text));
    return out;
}

std::string ByteLevelBpeTokenizer::decode(const std::vector<int32_t> &ids) const
{
    const ByteAlphabet &bytes = alphabet();
    std::string text;
    for (const int32_t id : ids) {
        if (id < 0 || static_cast<size_t>(id) >= m_idToToken.size())
            continue;
        const std::string &token = m_idToToken[static_cast<size_t>(id)];
        const bool added = std::any_of(m_added.begin(), m_added.end(), [&](const AddedToken &a) { return a.id == id; });
        if (added) {
            text += token;
            continue;
        }
        for (size_t i = 0; i < token.size();) {
            const size_t n = std::min(utf8Length(static_cast<unsigned char>(token[i])), token.size() - i);
            const auto it = bytes.charToByte.find(token.substr(i, n));
            if (it != bytes.charToByte.end())
                text += static_cast<char>(it->second);
            else
                text += token.substr(i, n);
            i += n;
        }
    }
    return text;
}

}  // namespace lc
