// SPDX-License-Identifier: GPL-3.0-or-later
// Core payloads that travel in queued signals between the compute thread and the GUI thread.
#pragma once

#include <QMetaType>

#include "layercut/model_session.h"

Q_DECLARE_METATYPE(lc::ModelInfo)
Q_DECLARE_METATYPE(lc::LoadOptions)
