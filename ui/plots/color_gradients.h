// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <qcustomplot.h>

/** Viridis (perceptually uniform; QCustomPlot 2.1 has no gpViridis), NaN cells transparent. */
inline QCPColorGradient viridisGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.00, QColor(0x44, 0x01, 0x54));
    g.setColorStopAt(0.13, QColor(0x48, 0x28, 0x78));
    g.setColorStopAt(0.25, QColor(0x3e, 0x4a, 0x89));
    g.setColorStopAt(0.38, QColor(0x31, 0x68, 0x8e));
    g.setColorStopAt(0.50, QColor(0x26, 0x82, 0x8e));
    g.setColorStopAt(0.63, QColor(0x1f, 0x9e, 0x89));
    g.setColorStopAt(0.75, QColor(0x35, 0xb7, 0x79));
    g.setColorStopAt(0.88, QColor(0x6d, 0xcd, 0x59));
    g.setColorStopAt(1.00, QColor(0xfd, 0xe7, 0x25));
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}
