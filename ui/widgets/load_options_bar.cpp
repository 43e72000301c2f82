// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/load_options_bar.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

#include "layercut/dtype.h"
#include "settings/app_settings.h"
#include "widgets/device_combo_box.h"

LoadOptionsBar::LoadOptionsBar(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Device:"), this));
    m_device = new DeviceComboBox(this);
    layout->addWidget(m_device);
    layout->addSpacing(6);
    layout->addWidget(new QLabel(tr("Precision:"), this));
    m_dtype = new QComboBox(this);
    m_dtype->setObjectName(QStringLiteral("dtype"));
    m_dtype->addItem(tr("Automatic"), QString());
    for (const char *name : {"float32", "bfloat16", "float16"})
        m_dtype->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    m_dtype->setToolTip(tr("Automatic: float32 on the CPU, the checkpoint's own type on a GPU"));
    layout->addWidget(m_dtype);
    m_nf4 = new QCheckBox(tr("NF4 weights"), this);
    m_nf4->setToolTip(tr("Quantise the linear weights to NF4 while loading, as QLoRA's base: about a quarter of "
                         "their memory. LoRA healing then trains on it; dense LoRA and fine-tuning need it off."));
    layout->addWidget(m_nf4);

    setDevice(settings::device.value());
    m_dtype->setCurrentIndex(std::max(0, m_dtype->findData(settings::dtype.value())));
    m_nf4->setChecked(settings::nf4.value());
}

lc::LoadOptions LoadOptionsBar::options() const
{
    lc::LoadOptions options;
    options.device = m_device->device().toStdString();
    if (const QString dtype = m_dtype->currentData().toString(); !dtype.isEmpty())
        options.dtype = lc::parseDType(dtype.toStdString());
    options.nf4 = m_nf4->isChecked();
    return options;
}

void LoadOptionsBar::setOptions(const lc::LoadOptions &options)
{
    setDevice(QString::fromStdString(options.device));
    m_dtype->setCurrentIndex(std::max(
        0, m_dtype->findData(options.dtype ? QString::fromStdString(lc::dtypeName(*options.dtype)) : QString())));
    m_nf4->setChecked(options.nf4);
}

void LoadOptionsBar::setDevice(const QString &device)
{
    m_device->setDevice(device);
}

void LoadOptionsBar::rememberSettings() const
{
    settings::device.setValue(m_device->device());
    settings::dtype.setValue(m_dtype->currentData().toString());
    settings::nf4.setValue(m_nf4->isChecked());
}
