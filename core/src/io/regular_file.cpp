// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/regular_file.h"

#include <sys/stat.h>

#include "layercut/error.h"

namespace lc {

void refuseIrregularFile(const std::filesystem::path &path)
{
    struct stat st
    {};
    if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode))
        return;  // missing (the reader reports it), or a file
    const char *what = S_ISDIR(st.st_mode)                          ? "a folder"
                       : S_ISFIFO(st.st_mode)                       ? "a named pipe"
                       : S_ISSOCK(st.st_mode)                       ? "a socket"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                    : "not a regular file";
    throw Error("'" + path.string() + "': is " + std::string(what) + ", not a file LayerCut can read");
}

}  // namespace lc
