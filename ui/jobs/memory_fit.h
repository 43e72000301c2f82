// SPDX-License-Identifier: GPL-3.0-or-later
// The memory question before a job: its estimate (memory_plan.h) against what the device has for LayerCut,
// and when it does not fit, what would, spelt as the docks and the toolbar name their settings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <QCoreApplication>
#include <QString>

#include "layercut/memory_plan.h"
#include "layercut/model_session.h"

class MemoryFit
{
    Q_DECLARE_TR_FUNCTIONS(MemoryFit)

public:
    /**
     * The setup of a job on `info`'s model as loaded: its compute dtype and weight format, `keptLayers` of its
     * blocks running (at most the checkpoint's; inserted blocks are not counted).
     */
    static lc::MemorySetup loadedSetup(const lc::ModelInfo &info, int64_t keptLayers);

    /**
     * The question to ask before `job` runs as `setup` on `info`'s model when its estimate on a device of `room`
     * (lc::memoryRoom: each device the model is placed over, and the machine's other GPUs) exceeds what that
     * device has: the need by part on each, what each has, what would fit, "Start anyway?". Empty when it fits,
     * when nothing is known of the devices (nullopt), or when the config cannot be estimated.
     */
    static QString question(const lc::ModelInfo &info, lc::MemoryJob job, const lc::MemorySetup &setup,
                            const std::optional<lc::MemoryRoom> &room);

private:
    /** What `proposal` changes in `from`, as the window's settings name it (`gpus`: the machine's, in order). */
    static QString change(lc::MemoryJob job, const lc::MemorySetup &from, const lc::MemoryProposal &proposal,
                          const std::vector<std::string> &gpus);
};
