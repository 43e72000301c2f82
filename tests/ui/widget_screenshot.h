// SPDX-License-Identifier: GPL-3.0-or-later
// Widget tests save what they drew when LAYERCUT_SCREENSHOT_DIR is set, to look at under Xvfb:
//   LAYERCUT_SCREENSHOT_DIR=/tmp/shots xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb build/tests/tst_layer_strip
#pragma once

#include <QDir>
#include <QWidget>

inline void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("LAYERCUT_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    widget->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}
