// SPDX-License-Identifier: GPL-3.0-or-later
// .layercut project files: every section (model, distances, selection, losses, healing runs, evaluations,
// sweeps) read back as the GUI reads them.
#include <QString>

#include "fuzz_target.h"
#include "project/project_file.h"

namespace {

void parseProject(const uint8_t *data, size_t size)
{
    const auto path = lc::fuzz::writeScratchFile("fuzzed.layercut", data, size);
    lc::fuzz::expectCleanFailure("fuzzed.layercut", lc::fuzz::asText(data, size),
                                 [&] { (void)project_file::read(QString::fromStdString(path.string())); });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(project, parseProject)
