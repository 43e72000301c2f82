// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/json_file.h"

#include <fstream>
#include <sstream>

#include "layercut/error.h"
#include "layercut/regular_file.h"

namespace lc {

nlohmann::json readJsonFile(const std::filesystem::path &path, HugeNumbers huge)
{
    refuseIrregularFile(path);
    refuseLargeFile(path, kMaxJsonFileBytes);
    std::ifstream in(path);
    if (!in)
        throw Error("'" + path.string() + "': cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    return parseJsonText(ss.str(), path.string(), huge);
}

namespace {

/** Throws when `j` holds a float outside int64's range (or not finite), naming where it is. */
void refuseHugeNumbers(const nlohmann::json &j, const std::string &source, const std::string &where)
{
    if (j.is_number_float()) {
        const double x = j.get<double>();
        if (!(x > -9.2e18 && x < 9.2e18))
            throw Error("'" + source + "': the number " + j.dump() + " at " + (where.empty() ? "/" : where) +
                        " is out of range");
    } else if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i)
            refuseHugeNumbers(j[i], source, where + "/" + std::to_string(i));
    } else if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it)
            refuseHugeNumbers(it.value(), source, where + "/" + it.key());
    }
}

}  // namespace

nlohmann::json parseJsonText(const std::string &text, const std::string &source, HugeNumbers huge)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw Error("'" + source + "': not valid JSON (" + jsonErrorText(e) + ")");
    }
    if (huge == HugeNumbers::Refuse)
        refuseHugeNumbers(j, source, "");
    return j;
}

std::string jsonText(const nlohmann::json &j)
{
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string jsonErrorText(const nlohmann::json::exception &e)
{
    std::string text = e.what();
    if (text.rfind("[json.exception.", 0) == 0)
        if (const size_t end = text.find("] "); end != std::string::npos)
            text.erase(0, end + 2);
    return text;
}

}  // namespace lc
