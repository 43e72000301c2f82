// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "jobs/metatypes.h"

class QLabel;

/** What dropping the selected block means: the layers dropped and kept, parameters and memory saved. */
class SelectionPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit SelectionPanel(QWidget *parent = nullptr);

    void setModel(const lc::ModelInfo &info);
    /** first < 0 clears; `distance` is d for the block (NaN if unknown). */
    void setSelection(int first, int last, double distance);
    QString droppedText() const;
    QString keptText() const;
    QString shareText() const;

private:
    lc::ModelInfo m_info;
    QLabel *m_dropped = nullptr, *m_kept = nullptr, *m_distance = nullptr, *m_share = nullptr, *m_memory = nullptr;
};
