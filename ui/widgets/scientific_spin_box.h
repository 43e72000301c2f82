// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDoubleSpinBox>

/**
 * A spin box for small positive numbers such as learning rates: shows and accepts scientific notation
 * ("3e-4", "0.0003"), keeps three significant digits, and steps by halving or doubling.
 */
class ScientificSpinBox final : public QDoubleSpinBox
{
    Q_OBJECT

public:
    explicit ScientificSpinBox(QWidget *parent = nullptr);

    QString textFromValue(double value) const override;
    double valueFromText(const QString &text) const override;
    QValidator::State validate(QString &text, int &pos) const override;
    void stepBy(int steps) override;
};
