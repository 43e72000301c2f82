// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/text_normalizer.h"

#include <cstdlib>

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include "tokenizer/text_pattern.h"
#include "tokenizer/tokenizer_json_reader.h"
#include "tokenizer/unicode_whitespace.h"

namespace lc {

struct TextNormalizer::Step
{
    enum class Kind { Unicode, Prepend, Replace, Strip } kind;
    utf8proc_option_t unicodeForm = utf8proc_option_t(0);  // Unicode: the utf8proc options of NFC, NFKC, ...
    std::string text;                                      // Prepend: the prefix; Replace: the content
    std::unique_ptr<TextPattern> pattern;                  // Replace
    bool left = false, right = false;                      // Strip
};

TextNormalizer::TextNormalizer(const nlohmann::json &node, const TokenizerJsonReader &reader)
{
    read(node, reader);
}

TextNormalizer::~TextNormalizer() = default;
TextNormalizer::TextNormalizer(TextNormalizer &&) noexcept = default;

void TextNormalizer::read(const nlohmann::json &n, const TokenizerJsonReader &r)
{
    if (n.is_null())
        return;
    const std::string type = r.text(n, "type", "normalizer", "");
    const auto unicode = [&](int options) {
        m_steps.push_back(
            {.kind = Step::Kind::Unicode, .unicodeForm = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | options)});
    };
    if (type == "Sequence") {
        for (const auto &child : r.array(n, "normalizers", "the Sequence normalizer"))
            read(child, r);
    } else if (type == "NFC") {
        unicode(UTF8PROC_COMPOSE);
    } else if (type == "NFD") {
        unicode(UTF8PROC_DECOMPOSE);
    } else if (type == "NFKC") {
        unicode(UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    } else if (type == "NFKD") {
        unicode(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
    } else if (type == "Prepend") {
        m_steps.push_back({.kind = Step::Kind::Prepend, .text = r.text(n, "prepend", "the Prepend normalizer", "")});
    } else if (type == "Replace") {
        Step step{.kind = Step::Kind::Replace, .text = r.text(n, "content", "the Replace normalizer", "")};
        step.pattern = TextPattern::fromJson(r.member(n, "pattern", "the Replace normalizer"), r,
                                             "the Replace normalizer's pattern");
        m_steps.push_back(std::move(step));
    } else if (type == "Strip") {
        m_steps.push_back({.kind = Step::Kind::Strip,
                           .left = r.flag(n, "strip_left", "the Strip normalizer", false),
                           .right = r.flag(n, "strip_right", "the Strip normalizer", false)});
    } else {
        r.fail("normalizer '" + type + "' is not supported");
    }
}

std::string TextNormalizer::apply(std::string text) const
{
    for (const Step &step : m_steps) {
        switch (step.kind) {
        case Step::Kind::Unicode: {
            utf8proc_uint8_t *out = nullptr;
            const auto length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t *>(text.data()),
                                             static_cast<utf8proc_ssize_t>(text.size()), &out, step.unicodeForm);
            if (length < 0)
                throw Error(std::string("normalizing text: ") + utf8proc_errmsg(length));
            text.assign(reinterpret_cast<const char *>(out), static_cast<size_t>(length));
            std::free(out);
            break;
        }
        case Step::Kind::Prepend:
            if (!text.empty())
                text.insert(0, step.text);
            break;
        case Step::Kind::Replace: text = step.pattern->replaceAll(text, step.text); break;
        case Step::Kind::Strip: {
            size_t begin = 0, end = text.size();
            if (step.left)
                begin = leadingWhitespaceBytes(text);
            if (step.right && begin < end)
                end -= trailingWhitespaceBytes(std::string_view(text).substr(begin));
            text = text.substr(begin, end - begin);
            break;
        }
        }
    }
    return text;
}

}  // namespace lc
