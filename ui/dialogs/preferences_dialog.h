// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QComboBox;
class DeviceComboBox;
class QDoubleSpinBox;

/**
 * The app's preferences: the interface language (applied at the next start, when main() installs the
 * translators), the device models open on by default, and the memory budget jobs are planned within.
 * Accepting stores them in the settings.
 */
class PreferencesDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

    /** The language code chosen: empty for the system's, "en" or "zh_CN". */
    QString language() const;
    void setLanguage(const QString &code);
    /** "cpu" or "cuda". */
    QString device() const;
    /** The most memory a job may plan for, in GB; 0: the device's free memory. */
    double memoryBudgetGB() const;

    void accept() override;

private:
    QComboBox *m_language = nullptr;
    DeviceComboBox *m_device = nullptr;
    QDoubleSpinBox *m_budget = nullptr;
};
