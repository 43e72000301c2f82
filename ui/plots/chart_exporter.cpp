// SPDX-License-Identifier: GPL-3.0-or-later
#include "plots/chart_exporter.h"

#include <QFileInfo>
#include <QSvgGenerator>
#include <qcustomplot.h>

#include "layercut/atomic_file.h"
#include "layercut/error.h"

namespace chart_exporter {

void saveImage(QCustomPlot *plot, const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const int w = plot->width(), h = plot->height();
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        ok = plot->savePng(path, w, h, 2.0);
    } else if (suffix == QLatin1String("pdf")) {
        ok = plot->savePdf(path, w, h);
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(QSize(w, h));
        svg.setViewBox(QRect(0, 0, w, h));
        svg.setTitle(QStringLiteral("LayerCut"));
        QCPPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            plot->toPainter(&painter, w, h);
            painter.end();
        }
    } else {
        throw lc::Error("'" + path.toStdString() + "': unknown image type (use .png, .svg or .pdf)");
    }
    if (!ok)
        throw lc::Error("'" + path.toStdString() + "': could not write the image");
}

void saveText(const QString &path, const std::string &content)
{
    lc::writeFileAtomically(path.toStdString(), content);
}

}  // namespace chart_exporter
