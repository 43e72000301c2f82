// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMenu>
#include <QStringList>

#include "settings/app_settings.h"

/**
 * A submenu of recently used files or folders, newest first, kept in a setting so it survives restarts,
 * with "Clear List" at the end. Choosing an entry emits chosen().
 */
class RecentFilesMenu final : public QMenu
{
    Q_OBJECT

public:
    RecentFilesMenu(const QString &title, const Setting<QStringList> &setting, QWidget *parent = nullptr);

    /** Moves `path` to the top (adding it when new) and drops the oldest beyond the limit. */
    void add(const QString &path);
    QStringList paths() const { return m_setting.value(); }

signals:
    void chosen(const QString &path);

private:
    void rebuild();

    const Setting<QStringList> &m_setting;
};
