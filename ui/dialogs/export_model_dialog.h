// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

#include "jobs/metatypes.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

/** Where and how to write the pruned model: target folder, dtype (kept by default) and shard size. */
class ExportModelDialog final : public QDialog
{
    Q_OBJECT

public:
    /** `suggested` is the proposed target folder; `checkpointDtype` e.g. "bfloat16". */
    ExportModelDialog(const QString &suggested, const QString &checkpointDtype, QWidget *parent = nullptr);

    QString folder() const;
    lc::ExportOptions options() const;

    void accept() override;

private:
    QLineEdit *m_folder = nullptr;
    QComboBox *m_dtype = nullptr;
    QDoubleSpinBox *m_shardGb = nullptr;
    bool m_replace = false;
};
