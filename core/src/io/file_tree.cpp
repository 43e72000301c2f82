// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/file_tree.h"

#include <cstdio>
#include <ftw.h>
#include <sys/stat.h>

namespace lc {
namespace {

int removeEntry(const char *path, const struct stat *, int, struct FTW *)
{
    return std::remove(path) == 0 ? 0 : -1;
}

}  // namespace

bool removeTree(const std::filesystem::path &path) noexcept
{
    struct stat st;
    if (lstat(path.c_str(), &st) != 0)
        return true;  // nothing there
    // Depth first (children before their folder), without following links, at most 32 open descriptors.
    return nftw(path.c_str(), removeEntry, 32, FTW_DEPTH | FTW_PHYS) == 0;
}

}  // namespace lc
