// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/regular_file.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

#include "layercut/error.h"

namespace lc {

void refuseIrregularFile(const std::filesystem::path &path)
{
    struct stat st
    {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return;  // missing: the reader says what it says of a missing file
        throw Error("'" + path.string() + "': " + std::strerror(errno));  // e.g. a loop of symbolic links
    }
    if (S_ISREG(st.st_mode))
        return;
    const char *what = S_ISDIR(st.st_mode)                          ? "a folder"
                       : S_ISFIFO(st.st_mode)                       ? "a named pipe"
                       : S_ISSOCK(st.st_mode)                       ? "a socket"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                    : "not a regular file";
    throw Error("'" + path.string() + "': is " + std::string(what) + ", not a file LayerCut can read");
}

void refuseLargeFile(const std::filesystem::path &path, uint64_t maxBytes)
{
    struct stat st
    {};
    if (::stat(path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_size) <= maxBytes)
        return;
    const auto mib = [](uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; };
    throw Error("'" + path.string() + "': " + mib(static_cast<uint64_t>(st.st_size)) +
                ", more than LayerCut reads of such a file (" + mib(maxBytes) + ")");
}

}  // namespace lc
