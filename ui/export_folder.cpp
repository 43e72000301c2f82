// SPDX-License-Identifier: GPL-3.0-or-later
#include "export_folder.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "settings/app_settings.h"

namespace export_folder {

QString suggested()
{
    const QString last = settings::lastExportDir.value();
    if (!last.isEmpty() && QFileInfo(last).isDir() && QFileInfo(last).isWritable())
        return last;
    return QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
}

QString suggestedPath(const QString &name)
{
    return QDir(suggested()).filePath(name);
}

void remember(const QString &path)
{
    settings::lastExportDir.setValue(QFileInfo(QDir::cleanPath(path)).absolutePath());
}

} // namespace export_folder
