// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "jobs/metatypes.h"

class QAction;
class QLabel;

/**
 * What dropping the selected block means (layers dropped and kept, parameters and memory saved), and what
 * the model runs now: the layers dropped from it and the held-out loss before and after.
 */
class SelectionPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit SelectionPanel(QWidget *parent = nullptr);

    void setModel(const lc::ModelInfo &info);
    /** first < 0 clears; `distance` is d for the block (NaN if unknown). */
    void setSelection(int first, int last, double distance);
    /** Buttons for the window's prune actions, under the selection. */
    void setActions(QAction *drop, QAction *restore, QAction *exportModel);
    /** The plan now applied and its quick check (before/after tokens == 0: no data to check with). */
    void setPruneResult(const lc::PrunePlan &plan, const lc::LossResult &before, const lc::LossResult &after,
                        bool heldOut);
    QString droppedText() const;
    QString prunedText() const;
    QString lossText() const;
    QString keptText() const;
    QString shareText() const;

private:
    lc::ModelInfo m_info;
    QLabel *m_dropped = nullptr, *m_kept = nullptr, *m_distance = nullptr, *m_share = nullptr, *m_memory = nullptr;
    QLabel *m_pruned = nullptr, *m_loss = nullptr;
    class QHBoxLayout *m_buttons = nullptr;
};
