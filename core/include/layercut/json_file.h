// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace lc {

/**
 * Numbers no integer can hold (1e308): nlohmann converts a float to an integer with a plain cast, which is
 * undefined for them, so by default such a number is an lc::Error naming where it is. A file whose readers
 * take only strings and booleans may hold them: tokenizer_config.json's `model_max_length` is 1e30 in most
 * real checkpoints (transformers' "no limit").
 */
enum class HugeNumbers { Refuse, Allow };

/** Parses the JSON file at `path`; throws lc::Error naming it when it is missing or malformed. */
nlohmann::json readJsonFile(const std::filesystem::path &path, HugeNumbers huge = HugeNumbers::Refuse);

/** Parses `text`, read from `source`, as readJsonFile() does: malformed JSON is an lc::Error naming `source`. */
nlohmann::json parseJsonText(const std::string &text, const std::string &source,
                             HugeNumbers huge = HugeNumbers::Refuse);

/**
 * A nlohmann::json error as a user reads it: its text without the library's "[json.exception.type_error.302] "
 * tag, e.g. "parse error at line 1, column 9: syntax error while parsing value - invalid literal; last read: 'tru,'"
 * or "type must be string, but is number".
 */
std::string jsonErrorText(const nlohmann::json::exception &e);

/** `j` as JSON text for a message: bytes that are not UTF-8 are replaced, where dump() would throw. */
std::string jsonText(const nlohmann::json &j);

}  // namespace lc
