// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "layercut/safetensors_file.h"

namespace lc {

struct ModelConfig;

/** "model.layers.12.mlp.up_proj.weight" -> {12, "mlp.up_proj.weight"}. */
struct LayerTensorName
{
    int64_t layer = 0;
    std::string rest;
};
/** The layer index and remainder of a decoder-layer tensor name; nullopt for every other name. */
std::optional<LayerTensorName> splitLayerTensorName(const std::string &name);

/**
 * The weights of a Hugging Face checkpoint folder: `model.safetensors`, or the shards listed by
 * `model.safetensors.index.json`. Every shard is memory-mapped and validated when the folder is opened.
 */
class Checkpoint
{
public:
    /** Opens `folder`; throws lc::Error naming the file at fault (missing shard, bad index, bad header). */
    static Checkpoint open(const std::filesystem::path &folder);

    /** The tensor called `name` with the file it lives in, or {nullptr, nullptr}. */
    std::pair<const TensorEntry *, const SafetensorsFile *> find(const std::string &name) const;
    std::vector<std::string> tensorNames() const;
    const std::vector<std::shared_ptr<SafetensorsFile>> &files() const { return m_files; }
    /** Total tensor bytes, and the dtype most tensors are stored in ("F32", "BF16", ...). */
    uint64_t totalBytes() const;
    int64_t totalParameters() const;
    std::string dominantDtype() const;
    bool sharded() const { return m_sharded; }
    /**
     * Presence, shape and dtype (F32, BF16, F16) of every tensor `config` implies, before anything is read
     * or written; returns their bytes. Throws lc::Error naming the file and the tensor.
     */
    uint64_t checkAgainst(const ModelConfig &config) const;

private:
    std::vector<std::shared_ptr<SafetensorsFile>> m_files;
    std::map<std::string, std::pair<const TensorEntry *, const SafetensorsFile *>> m_byName;
    bool m_sharded = false;
};

}  // namespace lc
