// SPDX-License-Identifier: GPL-3.0-or-later
// Saving charts and their data; the format follows the file's extension.
#pragma once

#include <QString>

class QCustomPlot;

namespace chart_exporter {

/** Writes `plot` as .png, .svg or .pdf (at its on-screen size, PNG at 2× for crispness). */
void saveImage(QCustomPlot *plot, const QString &path);
/** Writes `content` to `path` atomically. Both throw lc::Error naming the path on failure. */
void saveText(const QString &path, const std::string &content);

}  // namespace chart_exporter
