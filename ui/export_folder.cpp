// SPDX-License-Identifier: GPL-3.0-or-later
#include "export_folder.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QStandardPaths>

#include "settings/app_settings.h"
#include "widgets/error_box.h"

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

QString saveAs(QWidget *parent, const QString &title, const QString &suggested, const QString &filter,
               const QString &failure, const std::function<void(const QString &path)> &write)
{
    const QString path = QFileDialog::getSaveFileName(parent, title, suggestedPath(suggested), filter);
    if (path.isEmpty())
        return {};
    try {
        write(path);
        remember(path);
        return path;
    } catch (const std::exception &e) {
        showErrorBox(parent, failure, QString::fromUtf8(e.what()));
        return {};
    }
}

}  // namespace export_folder
