// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include <QComboBox>
#include <QList>

/**
 * Where a model opens, as the toolbar and the preferences offer it: the CPU; one GPU ("cuda") or, with several,
 * each GPU, and the first two, three, … of them together up to all (the blocks placed over them by free memory,
 * as `--device cuda:0,cuda:1`).
 */
class DeviceComboBox final : public QComboBox
{
    Q_OBJECT

public:
    struct Choice
    {
        QString label;
        QString device;  // as LoadOptions::device spells it
    };
    /** The choices on a machine with `gpus` ("cuda:0", "cuda:1", …: lc::gpuDevices()). */
    static QList<Choice> choices(const std::vector<std::string> &gpus);

    /** Offers this machine's choices. */
    explicit DeviceComboBox(QWidget *parent = nullptr);
    /** Offers `choices` (for tests). */
    DeviceComboBox(const QList<Choice> &choices, QWidget *parent);

    QString device() const;
    /**
     * Chooses `device`: "cuda" and "cuda:0" are the same GPU; a list of this machine's devices that is not
     * offered (a project's "cpu,cpu", "cuda:1,cuda:0") is added as it is; anything else (a GPU this machine
     * lacks) chooses the CPU.
     */
    void setDevice(const QString &device);

private:
    std::vector<std::string> m_gpus;
};
