// SPDX-License-Identifier: GPL-3.0-or-later
// model.safetensors: the header's length, JSON, dtypes, shapes and offsets, then every tensor's bytes read.
#include "fuzz_target.h"
#include "layercut/safetensors_file.h"

namespace {

volatile std::byte g_touched;  // where the first and last byte of each tensor are read to

void parseSafetensors(const uint8_t *data, size_t size)
{
    const auto path = lc::fuzz::writeScratchFile("model.safetensors", data, size);
    lc::fuzz::expectCleanFailure("model.safetensors", lc::fuzz::asText(data, size), [&] {
        const lc::SafetensorsFile file(path);
        // Touch the first and last byte of every tensor: the offsets the constructor accepted must lie
        // in the mapping (ASan does not see a mapping, so check the range too).
        for (const lc::TensorEntry &tensor : file.tensors()) {
            if (tensor.byteSize() != static_cast<uint64_t>(tensor.numel()) * lc::safetensorsElementSize(tensor.dtype) &&
                lc::safetensorsElementSize(tensor.dtype) != 0)
                lc::fuzz::finding("a tensor whose bytes do not match its shape: " + tensor.name);
            if (tensor.end > file.fileSize() || tensor.begin > tensor.end)
                lc::fuzz::finding("a tensor outside the file: " + tensor.name);
            if (tensor.byteSize() > 0) {
                g_touched = tensor.data[0];
                g_touched = tensor.data[tensor.byteSize() - 1];
            }
            if (file.find(tensor.name) != &tensor)
                lc::fuzz::finding("find() does not return the tensor of that name: " + tensor.name);
        }
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(safetensors, parseSafetensors)
