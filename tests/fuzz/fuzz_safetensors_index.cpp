// SPDX-License-Identifier: GPL-3.0-or-later
// model.safetensors.index.json of a sharded checkpoint, beside the four real shards of the sharded fixture,
// then the folder checked against that fixture's config.json as loading and pruning check it.
#include "fuzz_target.h"
#include "layercut/checkpoint.h"
#include "layercut/model_config.h"

namespace {

const std::filesystem::path &shardedFolder()
{
    static const std::filesystem::path folder = [] {
        const auto dir = lc::fuzz::scratchFolder() / "sharded";
        std::filesystem::create_directories(dir);
        for (int shard = 1; shard <= 4; ++shard) {
            const std::string name = "model-0000" + std::to_string(shard) + "-of-00004.safetensors";
            std::filesystem::create_symlink(lc::fuzz::fixture("models/llama3_gqa_sharded/" + name), dir / name);
        }
        return dir;
    }();
    return folder;
}

void parseIndex(const uint8_t *data, size_t size)
{
    const auto folder = shardedFolder();
    lc::fuzz::writeScratchFile("sharded/model.safetensors.index.json", data, size);
    static const lc::ModelConfig config =
        lc::ModelConfig::fromFile(lc::fuzz::fixture("models/llama3_gqa_sharded/config.json"));
    // An error may rightly name a shard rather than the index; both live in this folder.
    lc::fuzz::expectCleanFailure("sharded", lc::fuzz::asText(data, size), [&] {
        const lc::Checkpoint checkpoint = lc::Checkpoint::open(folder);
        for (const std::string &name : checkpoint.tensorNames())
            if (!checkpoint.find(name).first)
                lc::fuzz::finding("a listed tensor that find() does not find: " + name);
        (void)checkpoint.totalBytes();
        (void)checkpoint.dominantDtype();
        checkpoint.checkAgainst(config);
    });
}

}  // namespace

LAYERCUT_FUZZ_TARGET(safetensors_index, parseIndex)
