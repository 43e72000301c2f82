// SPDX-License-Identifier: GPL-3.0-or-later
// Human-readable numbers for the UI, localised through QLocale.
#pragma once

#include <QString>

namespace format {

/** 8030261248 -> "8.03 B", 302528 -> "302.5 K" (parameter counts). */
QString count(qint64 n);
/** Bytes as KB/MB/GB with one or two decimals. */
QString bytes(quint64 n);
/** Three significant digits, small magnitudes in compact scientific form: 0.25, 3e-4, 7.77e-5. */
QString significant(double value);
/** A duration as m:ss, or h:mm:ss from an hour on. */
QString duration(double seconds);

}  // namespace format
