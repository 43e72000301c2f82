// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/recent_files_menu.h"

#include <QDir>

RecentFilesMenu::RecentFilesMenu(const QString &title, const Setting<QStringList> &setting, QWidget *parent)
    : QMenu(title, parent), m_setting(setting)
{
    rebuild();
}

void RecentFilesMenu::add(const QString &path)
{
    QStringList recent = m_setting.value();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > settings::kMaxRecentFiles)
        recent.removeLast();
    m_setting.setValue(recent);
    rebuild();
}

void RecentFilesMenu::rebuild()
{
    clear();
    const QStringList recent = m_setting.value();
    for (const QString &path : recent)
        addAction(QDir::toNativeSeparators(path), this, [this, path] { emit chosen(path); });
    setEnabled(!recent.isEmpty());
    if (!recent.isEmpty()) {
        addSeparator();
        addAction(tr("Clear List"), this, [this] {
            m_setting.setValue({});
            rebuild();
        });
    }
}
