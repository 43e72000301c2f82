// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace lc {

/** Parses the JSON file at `path`; throws lc::Error naming it when it is missing or malformed. */
nlohmann::json readJsonFile(const std::filesystem::path &path);

}  // namespace lc
