// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/scientific_spin_box.h"

#include <cmath>

#include <QLocale>
#include <QRegularExpression>

#include "format.h"

namespace {

/** `value` rounded to three significant digits. */
double roundSignificant(double value)
{
    if (value <= 0 || !std::isfinite(value))
        return value;
    const double scale = std::pow(10.0, std::floor(std::log10(value)) - 2);
    return std::round(value / scale) * scale;
}

}  // namespace

ScientificSpinBox::ScientificSpinBox(QWidget *parent) : QDoubleSpinBox(parent)
{
    setDecimals(12);  // QDoubleSpinBox rounds to this many decimals; text and steps do their own rounding
    setRange(1e-9, 10.0);
    setKeyboardTracking(false);
}

QString ScientificSpinBox::textFromValue(double value) const
{
    return format::significant(roundSignificant(value));  // "3e-4", the form people write learning rates in
}

double ScientificSpinBox::valueFromText(const QString &text) const
{
    bool ok = false;
    const double value = locale().toDouble(text.trimmed(), &ok);
    return ok ? value : this->value();
}

QValidator::State ScientificSpinBox::validate(QString &text, int &pos) const
{
    Q_UNUSED(pos);
    const QString t = text.trimmed();
    if (t.isEmpty())
        return QValidator::Intermediate;
    bool ok = false;
    const double value = locale().toDouble(t, &ok);
    if (!ok) {
        // A number being typed: "3e", "3e-", "0." are on their way to being valid.
        static const QRegularExpression partial(QStringLiteral("^[0-9]*[.,]?[0-9]*([eE][-+]?[0-9]*)?$"));
        return partial.match(t).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
    }
    return value >= minimum() && value <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
}

void ScientificSpinBox::stepBy(int steps)
{
    setValue(roundSignificant(value() * std::pow(2.0, steps)));
}
