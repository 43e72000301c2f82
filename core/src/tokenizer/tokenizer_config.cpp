// SPDX-License-Identifier: GPL-3.0-or-later
#include "tokenizer/tokenizer_config.h"

#include "layercut/json_file.h"
#include "layercut/error.h"

namespace lc {

SpecialTokenRules SpecialTokenRules::fromFile(const std::filesystem::path &file)
{
    SpecialTokenRules rules;
    if (!std::filesystem::exists(file))
        return rules;
    // Only strings and booleans are read here, and `model_max_length` is 1e30 in most real files.
    const nlohmann::json j = readJsonFile(file, HugeNumbers::Allow);
    rules.source = file;
    if (!j.is_object())
        throw Error("'" + file.string() + "': not a JSON object");
    auto flag = [&](const char *key) -> std::optional<bool> {
        if (!j.contains(key) || j[key].is_null())
            return std::nullopt;
        if (!j[key].is_boolean())
            throw Error("'" + file.string() + "': \"" + key + "\" must be true or false");
        return j[key].get<bool>();
    };
    // Older files store special tokens as AddedToken objects: {"content": "<s>", ...}.
    auto token = [&](const char *key) -> std::optional<std::string> {
        if (!j.contains(key) || j[key].is_null())
            return std::nullopt;
        if (j[key].is_string())
            return j[key].get<std::string>();
        if (j[key].is_object() && j[key].contains("content") && j[key]["content"].is_string())
            return j[key]["content"].get<std::string>();
        throw Error("'" + file.string() + "': \"" + key + "\" must be a string or an object with \"content\"");
    };
    rules.addBos = flag("add_bos_token");
    rules.addEos = flag("add_eos_token");
    rules.bosToken = token("bos_token");
    rules.eosToken = token("eos_token");
    return rules;
}

}  // namespace lc
