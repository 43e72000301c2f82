// SPDX-License-Identifier: GPL-3.0-or-later
#include "format.h"

#include <cmath>

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

QString significant(double value)
{
    const QLocale locale;
    if (value == 0 || !std::isfinite(value) || std::abs(value) >= 1e-2)
        return locale.toString(value, 'g', 3);
    // "7.70e-05" -> "7.7e-5": no trailing zeros in the mantissa, no padding in the exponent.
    const QString text = locale.toString(value, 'e', 2);
    const qsizetype e = text.lastIndexOf(locale.exponential(), -1, Qt::CaseInsensitive);
    QString mantissa = text.left(e), exponent = text.mid(e + 1);
    if (mantissa.contains(locale.decimalPoint())) {
        while (mantissa.endsWith(locale.zeroDigit()))
            mantissa.chop(locale.zeroDigit().size());
        if (mantissa.endsWith(locale.decimalPoint()))
            mantissa.chop(locale.decimalPoint().size());
    }
    QString sign;
    if (exponent.startsWith(locale.negativeSign()))
        sign = locale.negativeSign(), exponent.remove(0, locale.negativeSign().size());
    else if (exponent.startsWith(locale.positiveSign()))
        exponent.remove(0, locale.positiveSign().size());
    while (exponent.size() > 1 && exponent.startsWith(locale.zeroDigit()))
        exponent.remove(0, locale.zeroDigit().size());
    return mantissa + text.mid(e, 1) + sign + exponent;
}

QString duration(double seconds)
{
    const long long s = std::isfinite(seconds) && seconds > 0 ? std::llround(seconds) : 0;
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

}  // namespace format
