// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "layercut/error.h"

namespace lc {

/**
 * Reads tokenizer.json's parts with every check spelled out: a missing key or a wrong type is an lc::Error
 * naming the file and the place, never nlohmann's exception text nor const operator[] on a missing key
 * (undefined behaviour).
 */
struct TokenizerJsonReader
{
    std::string source;  // the file, for errors

    [[noreturn]] void fail(const std::string &what) const { throw Error("'" + source + "': " + what); }

    const nlohmann::json &member(const nlohmann::json &node, const char *key, const std::string &where) const
    {
        if (!node.is_object() || !node.contains(key))
            fail(where + " has no \"" + key + "\"");
        return node[key];
    }
    const nlohmann::json &array(const nlohmann::json &node, const char *key, const std::string &where) const
    {
        const nlohmann::json &value = member(node, key, where);
        if (!value.is_array())
            fail(where + "'s \"" + key + "\" is not a list");
        return value;
    }
    std::string text(const nlohmann::json &node, const char *key, const std::string &where,
                     const std::string &fallback) const
    {
        if (!node.is_object())
            fail(where + " is not an object");
        if (!node.contains(key) || node[key].is_null())
            return fallback;
        if (!node[key].is_string())
            fail(where + "'s \"" + key + "\" is not a string");
        return node[key].get<std::string>();
    }
    bool flag(const nlohmann::json &node, const char *key, const std::string &where, bool fallback) const
    {
        if (!node.is_object() || !node.contains(key) || node[key].is_null())
            return fallback;
        if (!node[key].is_boolean())
            fail(where + "'s \"" + key + "\" is not true or false");
        return node[key].get<bool>();
    }
    /** A count such as Strip's `start`: an integer from 0 to 2³¹ − 1. */
    int count(const nlohmann::json &node, const char *key, const std::string &where, int fallback) const
    {
        if (!node.is_object() || !node.contains(key) || node[key].is_null())
            return fallback;
        const nlohmann::json &value = node[key];
        if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
            fail(where + "'s \"" + key + "\" is not a count");
        return static_cast<int>(std::min<uint64_t>(value.get<uint64_t>(), INT32_MAX));
    }
    /** A token id: an integer from 0 to 2³¹ − 2 (read as 64 bits, so 2³² + 7 is refused, not wrapped to 7). */
    int32_t id(const nlohmann::json &value, const std::string &where) const
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

}  // namespace lc
