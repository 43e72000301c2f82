// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace lc {

/** The BOS/EOS rules of a folder's tokenizer_config.json; every field is empty when not stated. */
struct SpecialTokenRules
{
    std::optional<bool> addBos;           // `add_bos_token`
    std::optional<bool> addEos;           // `add_eos_token`
    std::optional<std::string> bosToken;  // `bos_token` (a string or an AddedToken object's content)
    std::optional<std::string> eosToken;
    std::filesystem::path source;  // the tokenizer_config.json read, for errors; empty when there was none

    /** Reads `file` if it exists; throws lc::Error naming it when it is malformed. */
    static SpecialTokenRules fromFile(const std::filesystem::path &file);
};

}  // namespace lc
