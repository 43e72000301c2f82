// SPDX-License-Identifier: GPL-3.0-or-later
#include "format.h"

#include <QLocale>

namespace format {

QString count(qint64 n)
{
    const QLocale locale;
    if (n >= 1'000'000'000)
        return locale.toString(n / 1e9, 'f', 2) + QStringLiteral(" B");
    if (n >= 1'000'000)
        return locale.toString(n / 1e6, 'f', 1) + QStringLiteral(" M");
    if (n >= 1'000)
        return locale.toString(n / 1e3, 'f', 1) + QStringLiteral(" K");
    return locale.toString(n);
}

QString bytes(quint64 n)
{
    return QLocale().formattedDataSize(static_cast<qint64>(n), 2, QLocale::DataSizeSIFormat);
}

} // namespace format
