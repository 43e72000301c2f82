// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/device_combo_box.h"

#include <algorithm>

#include <QStringList>

#include "layercut/device_memory.h"

QList<DeviceComboBox::Choice> DeviceComboBox::choices(const std::vector<std::string> &gpus)
{
    QList<Choice> out{{tr("CPU"), QStringLiteral("cpu")}};
    if (gpus.size() == 1)
        return out << Choice{tr("CUDA GPU"), QStringLiteral("cuda")};
    for (size_t i = 0; i < gpus.size(); ++i)
        out << Choice{tr("GPU %1 (%2)").arg(i).arg(QString::fromStdString(gpus[i])), QString::fromStdString(gpus[i])};
    // The first k GPUs together, up to all of them: what memory planning proposes when one is not enough.
    QStringList first{QString::fromStdString(gpus.empty() ? std::string() : gpus.front())};
    for (size_t k = 2; k <= gpus.size(); ++k) {
        first << QString::fromStdString(gpus[k - 1]);
        out << Choice{k == gpus.size() ? tr("All %1 GPUs, the layers spread over them").arg(k)
                                       : tr("GPUs 0–%1, the layers spread over them").arg(k - 1),
                      first.join(QLatin1Char(','))};
    }
    return out;
}

DeviceComboBox::DeviceComboBox(QWidget *parent) : DeviceComboBox(choices(lc::gpuDevices()), parent) {}

DeviceComboBox::DeviceComboBox(const QList<Choice> &offered, QWidget *parent) : QComboBox(parent)
{
    setObjectName(QStringLiteral("device"));
    for (const Choice &c : offered) {
        addItem(c.label, c.device);
        if (c.device.startsWith(QLatin1String("cuda:")) && !c.device.contains(QLatin1Char(',')))
            m_gpus.push_back(c.device.toStdString());
    }
    if (std::any_of(offered.begin(), offered.end(), [](const Choice &c) { return c.device == "cuda"; }))
        m_gpus.push_back("cuda:0");
    setToolTip(tr("Where the model opens. All GPUs: contiguous runs of layers on each GPU by its free memory, the "
                  "hidden states passing from one to the next; the results equal one GPU's."));
}

QString DeviceComboBox::device() const
{
    return currentData().toString();
}

void DeviceComboBox::setDevice(const QString &device)
{
    int index = findData(device);
    if (index < 0 && (device == QLatin1String("cuda") || device == QLatin1String("cuda:0")))
        index = findData(device == QLatin1String("cuda") ? QStringLiteral("cuda:0") : QStringLiteral("cuda"));
    if (index < 0 && device.contains(QLatin1Char(','))) {
        const std::vector<std::string> listed = lc::deviceList(device.toStdString());
        const bool here = std::all_of(listed.begin(), listed.end(), [&](const std::string &d) {
            return d == "cpu" || std::find(m_gpus.begin(), m_gpus.end(), d) != m_gpus.end();
        });
        if (here) {
            addItem(device, device);
            index = count() - 1;
        }
    }
    setCurrentIndex(std::max(0, index));
}
