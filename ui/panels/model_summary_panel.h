// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMap>
#include <QWidget>

#include "jobs/metatypes.h"

class QLabel;

/**
 * The loaded model at a glance: architecture, sizes, parameters, dtype, device and tokenizer; and the GPU memory
 * each job needs at the commands' defaults (memory_plan.h), beside what the device has free.
 */
class ModelSummaryPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ModelSummaryPanel(QWidget *parent = nullptr);

    void showInfo(const lc::ModelInfo &info);
    /** The text shown for a field, e.g. "layers"; for tests. */
    QString fieldText(const QString &field) const;

private:
    void addField(const QString &key, const QString &label, class QFormLayout *form);
    void showMemory(const lc::ModelInfo &info);

    QLabel *m_title = nullptr;
    QLabel *m_folder = nullptr;
    QMap<QString, QLabel *> m_fields;
    class QFormLayout *m_form = nullptr, *m_memoryForm = nullptr;
};
