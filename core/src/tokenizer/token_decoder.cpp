// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/token_decoder.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "layercut/utf8.h"
#include "tokenizer/byte_alphabet.h"
#include "tokenizer/text_pattern.h"
#include "tokenizer/tokenizer_json_reader.h"

namespace lc {
namespace {

const std::string kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

/**
 * The bytes of the longest start of a UTF-8 sequence at `bytes` (at least 1): Unicode's "maximal subpart",
 * which Rust's String::from_utf8_lossy replaces by one U+FFFD.
 */
size_t maximalSubpart(std::string_view bytes)
{
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0xC2 || lead > 0xF4)
        return 1;
    const size_t length = utf8SequenceLength(lead);
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    size_t n = 1;
    if (n < bytes.size() && byte(n) >= low && byte(n) <= high)
        ++n;
    else
        return 1;
    while (n < length && n < bytes.size() && (byte(n) & 0xC0) == 0x80)
        ++n;
    return n;
}

/** Rust's String::from_utf8_lossy: every maximal invalid subpart becomes U+FFFD. */
std::string lossyUtf8(std::string_view bytes)
{
    std::string out;
    while (!bytes.empty()) {
        const size_t bad = invalidUtf8At(bytes);
        if (bad == std::string::npos) {
            out.append(bytes);
            break;
        }
        out.append(bytes.substr(0, bad));
        out += kReplacementCharacter;
        bytes.remove_prefix(bad + maximalSubpart(bytes.substr(bad)));
    }
    return out;
}

}  // namespace

struct TokenDecoder::Step
{
    enum class Kind { ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace } kind;
    std::unique_ptr<TextPattern> pattern;  // Replace
    std::string content;                   // Replace: the replacement; Strip: the character; Metaspace: "▁"
    int start = 0, stop = 0;               // Strip
    bool prependsFirst = true;             // Metaspace: the encoder prepended a "▁" to the text

    void run(std::vector<std::string> &tokens) const;
};

void TokenDecoder::Step::run(std::vector<std::string> &tokens) const
{
    switch (kind) {
    case Kind::ByteLevel: {
        // A token whose characters are all GPT-2 byte characters becomes those bytes; any other token stays
        // as it is written. One string, lossily read as UTF-8.
        const ByteAlphabet &alphabet = ByteAlphabet::instance();
        std::string bytes;
        for (const std::string &token : tokens) {
            std::string decoded;
            bool all = true;
            for (size_t i = 0; i < token.size() && all;) {
                const size_t n = std::min(utf8SequenceLength(static_cast<unsigned char>(token[i])), token.size() - i);
                const auto byte = alphabet.byteOf(std::string_view(token).substr(i, n));
                all = byte.has_value();
                if (all)
                    decoded += static_cast<char>(*byte);
                i += n;
            }
            bytes += all ? decoded : token;
        }
        tokens = {lossyUtf8(bytes)};
        return;
    }
    case Kind::Replace:
        for (std::string &token : tokens)
            token = pattern->replaceAll(token, content);
        return;
    case Kind::ByteFallback: {
        // Runs of "<0xXX>" tokens become their bytes when those are UTF-8, else one U+FFFD per byte token.
        std::vector<std::string> out;
        std::string run;
        size_t runTokens = 0;
        const auto flush = [&] {
            if (runTokens == 0)
                return;
            if (invalidUtf8At(run) == std::string::npos)
                out.push_back(run);
            else
                for (size_t i = 0; i < runTokens; ++i)
                    out.push_back(kReplacementCharacter);
            run.clear();
            runTokens = 0;
        };
        for (std::string &token : tokens) {
            const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
            if (token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>' && hex(token[3]) &&
                hex(token[4])) {
                run += static_cast<char>(std::stoi(token.substr(3, 2), nullptr, 16));
                ++runTokens;
                continue;
            }
            flush();
            out.push_back(std::move(token));
        }
        flush();
        tokens = std::move(out);
        return;
    }
    case Kind::Fuse: {
        std::string all;
        for (const std::string &token : tokens)
            all += token;
        tokens = {all};
        return;
    }
    case Kind::Strip:
        for (std::string &token : tokens) {
            size_t begin = 0, end = token.size();
            for (int i = 0; i < start && token.compare(begin, content.size(), content) == 0; ++i)
                begin += content.size();
            for (int i = 0; i < stop && end >= begin + content.size() &&
                            token.compare(end - content.size(), content.size(), content) == 0;
                 ++i)
                end -= content.size();
            token = token.substr(begin, end - begin);
        }
        return;
    case Kind::Metaspace:
        // Every "▁" becomes a space, except in the first token when the encoder prepended one: there they go.
        for (size_t t = 0; t < tokens.size(); ++t) {
            std::string out;
            const std::string &token = tokens[t];
            for (size_t i = 0; i < token.size();) {
                if (token.compare(i, content.size(), content) == 0) {
                    if (!(t == 0 && prependsFirst))
                        out += ' ';
                    i += content.size();
                } else {
                    out += token[i++];
                }
            }
            tokens[t] = std::move(out);
        }
        return;
    }
}

TokenDecoder::TokenDecoder(const nlohmann::json &node, const TokenizerJsonReader &reader)
{
    read(node, reader);
}

TokenDecoder::~TokenDecoder() = default;
TokenDecoder::TokenDecoder(TokenDecoder &&) noexcept = default;

void TokenDecoder::read(const nlohmann::json &d, const TokenizerJsonReader &r)
{
    if (d.is_null())
        return;
    const std::string type = r.text(d, "type", "decoder", "");
    if (type == "Sequence") {
        for (const auto &child : r.array(d, "decoders", "the Sequence decoder"))
            read(child, r);
    } else if (type == "ByteLevel") {
        m_steps.push_back({.kind = Step::Kind::ByteLevel});
    } else if (type == "Replace") {
        Step step{.kind = Step::Kind::Replace, .content = r.text(d, "content", "the Replace decoder", "")};
        step.pattern =
            TextPattern::fromJson(r.member(d, "pattern", "the Replace decoder"), r, "the Replace decoder's pattern");
        m_steps.push_back(std::move(step));
    } else if (type == "ByteFallback") {
        m_steps.push_back({.kind = Step::Kind::ByteFallback});
    } else if (type == "Fuse") {
        m_steps.push_back({.kind = Step::Kind::Fuse});
    } else if (type == "Strip") {
        const std::string where = "the Strip decoder";
        Step step{.kind = Step::Kind::Strip,
                  .content = r.text(d, "content", where, " "),
                  .start = r.count(d, "start", where, 0),
                  .stop = r.count(d, "stop", where, 0)};
        if (step.content.empty())
            r.fail(where + " has an empty content");
        m_steps.push_back(std::move(step));
    } else if (type == "Metaspace") {
        const std::string where = "the Metaspace decoder";
        Step step{.kind = Step::Kind::Metaspace, .content = r.text(d, "replacement", where, "\xE2\x96\x81")};
        if (step.content.empty())
            r.fail(where + " has an empty replacement");
        const bool legacyPrefix = r.flag(d, "add_prefix_space", where, true);
        step.prependsFirst = r.text(d, "prepend_scheme", where, legacyPrefix ? "always" : "never") != "never";
        m_steps.push_back(std::move(step));
    } else {
        r.fail("decoder '" + type + "' is not supported");
    }
}

std::string TokenDecoder::decode(std::vector<std::string> tokens) const
{
    if (m_steps.empty()) {
        std::string joined;
        for (size_t i = 0; i < tokens.size(); ++i)
            joined += (i ? " " : "") + tokens[i];
        return joined;
    }
    for (const Step &step : m_steps)
        step.run(tokens);
    std::string text;
    for (const std::string &token : tokens)
        text += token;
    return text;
}

}  // namespace lc
