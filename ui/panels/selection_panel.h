// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

#include <QWidget>

#include "jobs/metatypes.h"

class QAction;
class QLabel;

/**
 * Two parts. The selection: the layers selected (those a drop would remove), the layers that would be kept,
 * the distance d of the block and what dropping it would save. The model now: the layers it runs, the
 * layers dropped from it, and the held-out loss before and after.
 */
class SelectionPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit SelectionPanel(QWidget *parent = nullptr);

    void setModel(const lc::ModelInfo &info);
    /**
     * Describes a set of selected layers (any order, duplicates ignored; empty clears). `distance` is d of
     * the block, NaN when unknown or when the layers are not one contiguous block measured on the heatmap.
     */
    void setSelectedLayers(const std::vector<int64_t> &layers, double distance);
    /** setSelectedLayers() of the block [first, last]; first < 0 clears. */
    void setSelection(int first, int last, double distance);
    const std::vector<int64_t> &selectedLayers() const { return m_selected; }
    /** Buttons for the window's prune actions, under the selection. */
    void setActions(QAction *drop, QAction *restore, QAction *exportModel);
    /** The plan now applied and its quick check (before/after tokens == 0: no data to check with). */
    void setPruneResult(const lc::PrunePlan &plan, const lc::BlockPlan &blocks, const lc::LossResult &before,
                        const lc::LossResult &after, bool heldOut);
    /** The selected layers, which a drop would remove: "1, 3–4 (3 layers)". */
    QString droppedText() const;
    /** The layers that would remain after dropping the selection: "0, 2, 5 (3 layers)". */
    QString keptText() const;
    /** The selection's parameter count and share of the model. */
    QString shareText() const;
    /** The layers dropped from the model now ("none" when it runs all of them). */
    QString prunedText() const;
    /** How many layers the model runs now. */
    QString runningText() const;
    QString lossText() const;

private:
    lc::ModelInfo m_info;
    std::vector<int64_t> m_selected;
    QLabel *m_dropped = nullptr, *m_kept = nullptr, *m_distance = nullptr, *m_share = nullptr, *m_memory = nullptr;
    QLabel *m_running = nullptr, *m_pruned = nullptr, *m_loss = nullptr;
    class QHBoxLayout *m_buttons = nullptr;
};
