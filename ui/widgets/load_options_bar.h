// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "layercut/model_session.h"

class QCheckBox;
class QComboBox;
class DeviceComboBox;

/** The toolbar's choice of how the next model opens: device, precision and NF4 weights. */
class LoadOptionsBar final : public QWidget
{
    Q_OBJECT

public:
    /** Starts from the saved settings. */
    explicit LoadOptionsBar(QWidget *parent = nullptr);

    lc::LoadOptions options() const;
    void setOptions(const lc::LoadOptions &options);
    /** Chooses `device` ("cpu", "cuda", "cuda:0,cuda:1") when this machine has it (DeviceComboBox::setDevice). */
    void setDevice(const QString &device);
    /** Saves the choice for the next start. */
    void rememberSettings() const;

private:
    DeviceComboBox *m_device = nullptr;
    QComboBox *m_dtype = nullptr;
    QCheckBox *m_nf4 = nullptr;
};
