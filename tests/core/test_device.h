// SPDX-License-Identifier: GPL-3.0-or-later
// Where the model suites run: LAYERCUT_TEST_DEVICE=cuda (the `gpu` CTest entries) moves them to the GPU in
// float32, so the CPU's bounds hold there too.
#pragma once

#include <cstdlib>

#include "layercut/model_session.h"

namespace lc::test {

inline LoadOptions testDevice()
{
    LoadOptions o;
    if (const char *device = std::getenv("LAYERCUT_TEST_DEVICE")) {
        o.device = device;
        o.dtype = DType::Float32;
    }
    return o;
}

}  // namespace lc::test
