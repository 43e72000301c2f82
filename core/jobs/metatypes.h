// SPDX-License-Identifier: GPL-3.0-or-later
// Core payloads that travel in queued signals between the compute thread and the GUI thread.
#pragma once

#include <QMetaType>

#include "layercut/block_plan.h"
#include "layercut/evaluation.h"
#include "layercut/generation.h"
#include "layercut/healing.h"
#include "layercut/sweep.h"
#include "layercut/layer_distances.h"
#include "layercut/model_export.h"
#include "layercut/model_session.h"
#include "layercut/progress.h"
#include "layercut/text_dataset.h"

Q_DECLARE_METATYPE(lc::Stage)
Q_DECLARE_METATYPE(lc::ModelInfo)
Q_DECLARE_METATYPE(lc::LoadOptions)
Q_DECLARE_METATYPE(lc::LayerDistances)
Q_DECLARE_METATYPE(lc::DatasetOptions)
Q_DECLARE_METATYPE(lc::PrunePlan)
Q_DECLARE_METATYPE(lc::BlockPlan)
Q_DECLARE_METATYPE(lc::LossResult)
Q_DECLARE_METATYPE(lc::ExportOptions)
Q_DECLARE_METATYPE(lc::HealingConfig)
Q_DECLARE_METATYPE(lc::HealingStep)
Q_DECLARE_METATYPE(lc::ValidationPoint)
Q_DECLARE_METATYPE(lc::HealingResult)
Q_DECLARE_METATYPE(lc::EvalOptions)
Q_DECLARE_METATYPE(lc::EvalResult)
Q_DECLARE_METATYPE(lc::SweepOptions)
Q_DECLARE_METATYPE(lc::SweepPoint)
Q_DECLARE_METATYPE(lc::SweepResult)
Q_DECLARE_METATYPE(lc::GeneratedText)
Q_DECLARE_METATYPE(lc::ModelVariant)

namespace lc {

/** What the generation panel asks for: one prompt, continued by each variant in turn. */
struct GenerationRequest
{
    std::string prompt;
    std::vector<ModelVariant> variants;
    GenerationOptions options;
};

}  // namespace lc

Q_DECLARE_METATYPE(lc::GenerationRequest)
