// SPDX-License-Identifier: GPL-3.0-or-later
#include "layercut/atomic_file.h"

#include "layercut/staged_output.h"

namespace lc {

void writeFileAtomically(const std::filesystem::path &path, std::string_view content)
{
    StagedOutput file(path, StagedOutput::Kind::File);
    file.write(content);
    file.commit();
}

}  // namespace lc
