// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/atomic_file.h"

#include <fstream>
#include <random>

#include "layercut/error.h"

namespace lc {

void writeFileAtomically(const std::filesystem::path &path, std::string_view content)
{
    std::random_device rd;
    const std::filesystem::path tmp = path.string() + ".tmp-" + std::to_string(rd());
    try {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error("'" + path.string() + "': cannot create a file there");
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.close();
        if (!out)
            throw Error("'" + path.string() + "': write failed (disk full?)");
        std::filesystem::rename(tmp, path);
    } catch (const std::filesystem::filesystem_error &e) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw Error("'" + path.string() + "': " + e.code().message());
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw;
    }
}

}  // namespace lc
