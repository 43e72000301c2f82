// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace lc {

/** Parses the JSON file at `path`; throws lc::Error naming it when it is missing or malformed. */
nlohmann::json readJsonFile(const std::filesystem::path &path);

/**
 * Parses `text`, read from `source`, as readJsonFile() does: malformed JSON and numbers no integer can hold are
 * lc::Errors naming `source`. (nlohmann converts a float to an integer with a plain cast, which is undefined
 * for 1e308; no file LayerCut reads has a legitimate number that large.)
 */
nlohmann::json parseJsonText(const std::string &text, const std::string &source);

/**
 * A nlohmann::json error as a user reads it: its text without the library's "[json.exception.type_error.302] "
 * tag, e.g. "parse error at line 1, column 9: syntax error while parsing value - invalid literal; last read: 'tru,'"
 * or "type must be string, but is number".
 */
std::string jsonErrorText(const nlohmann::json::exception &e);

/** `j` as JSON text for a message: bytes that are not UTF-8 are replaced, where dump() would throw. */
std::string jsonText(const nlohmann::json &j);

}  // namespace lc
