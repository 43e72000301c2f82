// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace lc {

/** Every failure the core reports: one English sentence that names the file or tensor at fault. */
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/** Thrown when a stop token fired; callers treat it as a clean, user-requested end, not a failure. */
class Cancelled : public Error
{
public:
    Cancelled() : Error("cancelled") {}
};

/**
 * What to show a user for `e`, in one line: an lc::Error's sentence; for a std::filesystem error escaping some
 * path, the path and the system's reason ("'/x/loop': Too many levels of symbolic links") rather than the
 * library's wording; for anything else its text up to the first line break (torch appends a backtrace).
 */
inline std::string userMessage(const std::exception &e)
{
    if (const auto *fs = dynamic_cast<const std::filesystem::filesystem_error *>(&e)) {
        std::string where = fs->path1().empty() ? std::string() : "'" + fs->path1().string() + "'";
        if (!fs->path2().empty())
            where += " and '" + fs->path2().string() + "'";
        return (where.empty() ? std::string() : where + ": ") + fs->code().message();
    }
    const std::string what = e.what();
    return what.substr(0, what.find('\n'));
}

}  // namespace lc
