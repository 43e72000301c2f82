// SPDX-License-Identifier: GPL-3.0-or-later
// Where export dialogs start. Not the model's folder: the demo's lies in the install tree, read-only when
// LayerCut was installed from a package.
#pragma once

#include <functional>

#include <QString>

class QWidget;

namespace export_folder {

/** The folder of the last export when it is still writable, else the user's documents folder. */
QString suggested();
/** `name` inside suggested(). */
QString suggestedPath(const QString &name);
/** Remembers the folder holding `path` (a file or a folder just exported) for the next export. */
void remember(const QString &path);
/**
 * Asks where to save (starting at suggestedPath(`suggested`)), then `write`s there and remembers the folder.
 * Returns the path written, or empty when the user cancelled or `write` threw: then an error box over
 * `parent` shows `failure` above the exception's message.
 */
QString saveAs(QWidget *parent, const QString &title, const QString &suggested, const QString &filter,
               const QString &failure, const std::function<void(const QString &path)> &write);

}  // namespace export_folder
