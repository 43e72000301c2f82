// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/preferences_dialog.h"

#include <algorithm>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>

#include "settings/app_settings.h"
#include "widgets/device_combo_box.h"

PreferencesDialog::PreferencesDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    auto *form = new QFormLayout(this);
    m_language = new QComboBox(this);
    m_language->setObjectName("language");
    // Each language is named in itself, so whoever needs it can find it whatever the interface shows now.
    m_language->addItem(tr("System default"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    form->addRow(tr("Interface language:"), m_language);
    auto *restart = new QLabel(tr("A new language takes effect after LayerCut is restarted."), this);
    restart->setWordWrap(true);
    form->addRow(QString(), restart);

    m_device = new DeviceComboBox(this);
    form->addRow(tr("Open models on:"), m_device);

    m_budget = new QDoubleSpinBox(this);
    m_budget->setObjectName("memoryBudget");
    m_budget->setRange(0, 100'000);
    m_budget->setDecimals(1);
    m_budget->setSuffix(tr(" GB"));
    m_budget->setSpecialValueText(tr("the device's free memory"));
    m_budget->setToolTip(tr("Before a job starts, its estimated memory is checked against this budget (and the "
                            "GPU's free memory): on a shared GPU, or to size work for a smaller one. Checked on "
                            "the CPU too."));
    m_budget->setValue(settings::memoryBudgetGB.value());
    form->addRow(tr("Memory budget:"), m_budget);

    setLanguage(settings::language.value());
    m_device->setDevice(settings::device.value());

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QString PreferencesDialog::language() const
{
    return m_language->currentData().toString();
}

void PreferencesDialog::setLanguage(const QString &code)
{
    m_language->setCurrentIndex(std::max(0, m_language->findData(code)));
}

double PreferencesDialog::memoryBudgetGB() const
{
    return m_budget->value();
}

QString PreferencesDialog::device() const
{
    return m_device->device();
}

void PreferencesDialog::accept()
{
    settings::language.setValue(language());
    settings::device.setValue(device());
    settings::memoryBudgetGB.setValue(memoryBudgetGB());
    QDialog::accept();
}
