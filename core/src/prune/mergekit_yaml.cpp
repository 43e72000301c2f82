// SPDX-License-Identifier: GPL-3.0-or-later
// mergekit's passthrough YAML for a prune plan (torch-free).
#include "layercut/mergekit_yaml.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "layercut/error.h"

namespace lc {
namespace {

/**
 * `text` as a YAML scalar: plain when it is a path of harmless characters (as mergekit's examples write
 * them), else double-quoted with backslash escapes, so that no path reads back as a number, a boolean,
 * null, a comment or a mapping.
 */
std::string yamlScalar(const std::string &text)
{
    const auto safe = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               std::string_view("_./~+-").find(ch) != std::string_view::npos;
    };
    const bool plain = text.find('/') != std::string::npos && std::all_of(text.begin(), text.end(), safe) &&
                       text.front() != '-' && text.front() != '~';
    if (plain)
        return text;
    std::string quoted = "\"";
    for (const char ch : text) {
        if (ch == '"' || ch == '\\') {
            quoted += '\\';
            quoted += ch;
        } else if (static_cast<unsigned char>(ch) < 0x20) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(ch)));
            quoted += escape;
        } else {
            quoted += ch;
        }
    }
    return quoted + "\"";
}

}  // namespace

std::string mergekitPassthroughYaml(const PrunePlan &plan, const std::filesystem::path &model,
                                    const std::optional<DType> &dtype)
{
    if (plan.kept.empty())
        throw Error("a mergekit configuration needs at least one kept layer");
    const std::string source = yamlScalar(model.generic_string());
    std::ostringstream yaml;
    yaml << "slices:\n";
    for (size_t i = 0; i < plan.kept.size();) {
        size_t end = i + 1;  // one slice per run of consecutive kept layers
        while (end < plan.kept.size() && plan.kept[end] == plan.kept[end - 1] + 1)
            ++end;
        yaml << "  - sources:\n"
             << "    - model: " << source << "\n"
             << "      layer_range: [" << plan.kept[i] << ", " << plan.kept[end - 1] + 1 << "]\n";
        i = end;
    }
    yaml << "merge_method: passthrough\n";
    if (dtype)
        yaml << "dtype: " << dtypeName(*dtype) << "\n";
    return yaml.str();
}

}  // namespace lc
