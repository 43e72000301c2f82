// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/json_file.h"

#include <fstream>
#include <sstream>

#include "layercut/error.h"
#include "layercut/regular_file.h"

namespace lc {

nlohmann::json readJsonFile(const std::filesystem::path &path)
{
    refuseIrregularFile(path);
    std::ifstream in(path);
    if (!in)
        throw Error("'" + path.string() + "': cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return nlohmann::json::parse(ss.str());
    } catch (const nlohmann::json::exception &e) {
        throw Error("'" + path.string() + "': not valid JSON (" + e.what() + ")");
    }
}

}  // namespace lc
