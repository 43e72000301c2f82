// SPDX-License-Identifier: GPL-3.0-or-later
// Where export dialogs start. Not the model's folder: the demo's lies in the install tree, read-only when
// LayerCut was installed from a package.
#pragma once

#include <QString>

namespace export_folder {

/** The folder of the last export when it is still writable, else the user's documents folder. */
QString suggested();
/** `name` inside suggested(). */
QString suggestedPath(const QString &name);
/** Remembers the folder holding `path` (a file or a folder just exported) for the next export. */
void remember(const QString &path);

} // namespace export_folder
