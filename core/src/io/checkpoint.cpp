// SPDX-License-Identifier: GPL-3.0-or-later
// A checkpoint folder's weights: one safetensors file, or shards named by model.safetensors.index.json.
#include "layercut/checkpoint.h"

#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/model_config.h"

namespace lc {

std::optional<LayerTensorName> splitLayerTensorName(const std::string &name)
{
    static const std::string prefix = "model.layers.";
    if (name.rfind(prefix, 0) != 0)
        return std::nullopt;
    const size_t dot = name.find('.', prefix.size());
    const std::string digits =
        name.substr(prefix.size(), dot == std::string::npos ? std::string::npos : dot - prefix.size());
    if (dot == std::string::npos || digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        digits.size() > 9)
        return std::nullopt;
    return LayerTensorName{std::stoll(digits), name.substr(dot + 1)};
}

Checkpoint Checkpoint::open(const std::filesystem::path &folder)
{
    namespace fs = std::filesystem;
    Checkpoint ckpt;
    const fs::path index = folder / "model.safetensors.index.json";
    const fs::path single = folder / "model.safetensors";
    if (fs::exists(index)) {
        ckpt.m_sharded = true;
        const nlohmann::json j = readJsonFile(index);
        if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
            throw Error("'" + index.string() + "': no \"weight_map\" object");
        std::map<std::string, std::shared_ptr<SafetensorsFile>> shards;
        for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
            if (!it.value().is_string())
                throw Error("'" + index.string() + "': weight_map entry for '" + it.key() + "' is not a file name");
            const std::string file = it.value().get<std::string>();
            if (file.find('/') != std::string::npos || file == "..")
                throw Error("'" + index.string() + "': shard name '" + file + "' is not a plain file name");
            auto &shard = shards[file];
            if (!shard) {
                std::error_code error;  // a name too long for the file system is an error here, not an exception
                if (!fs::exists(folder / file, error))
                    throw Error("'" + index.string() + "' lists shard '" + file + "', which is " +
                                (error ? "not a file name this system can open (" + error.message() + ")"
                                       : std::string("missing from the folder")));
                shard = std::make_shared<SafetensorsFile>(folder / file);
                ckpt.m_files.push_back(shard);
            }
            const TensorEntry *t = shard->find(it.key());
            if (!t)
                throw Error("'" + (folder / file).string() + "': tensor '" + it.key() +
                            "' is listed in the index but missing from the shard");
            ckpt.m_byName[it.key()] = {t, shard.get()};
        }
    } else if (fs::exists(single)) {
        auto file = std::make_shared<SafetensorsFile>(single);
        for (const auto &t : file->tensors())
            ckpt.m_byName[t.name] = {&t, file.get()};
        ckpt.m_files.push_back(std::move(file));
    } else {
        throw Error("'" + folder.string() +
                    "': no model.safetensors or model.safetensors.index.json "
                    "(only safetensors checkpoints are supported)");
    }
    return ckpt;
}

std::pair<const TensorEntry *, const SafetensorsFile *> Checkpoint::find(const std::string &name) const
{
    const auto it = m_byName.find(name);
    return it == m_byName.end() ? std::pair<const TensorEntry *, const SafetensorsFile *>{nullptr, nullptr}
                                : it->second;
}

std::vector<std::string> Checkpoint::tensorNames() const
{
    std::vector<std::string> names;
    for (const auto &[name, _] : m_byName)
        names.push_back(name);
    return names;
}

uint64_t Checkpoint::totalBytes() const
{
    uint64_t total = 0;
    for (const auto &[_, entry] : m_byName)
        total += entry.first->byteSize();
    return total;
}

int64_t Checkpoint::totalParameters() const
{
    int64_t total = 0;
    for (const auto &[_, entry] : m_byName)
        total += entry.first->numel();
    return total;
}

std::string Checkpoint::dominantDtype() const
{
    std::map<std::string, uint64_t> bytes;
    for (const auto &[_, entry] : m_byName)
        bytes[entry.first->dtype] += entry.first->byteSize();
    std::string best;
    uint64_t most = 0;
    for (const auto &[dtype, n] : bytes)
        if (n > most)
            most = n, best = dtype;
    return best;
}

namespace {

std::string shapeString(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

}  // namespace

uint64_t Checkpoint::checkAgainst(const ModelConfig &config) const
{
    uint64_t totalBytes = 0;
    for (const auto &e : config.expectedTensors()) {
        const auto [entry, file] = find(e.name);
        if (!entry)
            throw Error("'" + m_files.front()->path().parent_path().string() + "': tensor '" + e.name +
                        "' is missing from the checkpoint");
        if (entry->shape != e.shape)
            throw Error("'" + file->path().string() + "': tensor '" + e.name + "' has shape " +
                        shapeString(entry->shape) + " but config.json implies " + shapeString(e.shape));
        if (entry->dtype != "F32" && entry->dtype != "BF16" && entry->dtype != "F16")
            throw Error("'" + file->path().string() + "': tensor '" + e.name + "' has dtype " + entry->dtype +
                        " (supported: F32, BF16, F16)");
        totalBytes += entry->byteSize();
    }
    return totalBytes;
}

}  // namespace lc
