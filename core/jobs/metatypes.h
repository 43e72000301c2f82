// SPDX-License-Identifier: GPL-3.0-or-later
// Core payloads that travel in queued signals between the compute thread and the GUI thread.
#pragma once

#include <QMetaType>

#include "layercut/healing.h"
#include "layercut/layer_distances.h"
#include "layercut/model_export.h"
#include "layercut/model_session.h"
#include "layercut/text_dataset.h"

Q_DECLARE_METATYPE(lc::ModelInfo)
Q_DECLARE_METATYPE(lc::LoadOptions)
Q_DECLARE_METATYPE(lc::LayerDistances)
Q_DECLARE_METATYPE(lc::DatasetOptions)
Q_DECLARE_METATYPE(lc::PrunePlan)
Q_DECLARE_METATYPE(lc::LossResult)
Q_DECLARE_METATYPE(lc::ExportOptions)
Q_DECLARE_METATYPE(lc::HealingConfig)
Q_DECLARE_METATYPE(lc::HealingStep)
Q_DECLARE_METATYPE(lc::ValidationPoint)
Q_DECLARE_METATYPE(lc::HealingResult)
