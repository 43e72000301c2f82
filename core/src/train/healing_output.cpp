// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/healing_output.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "layercut/atomic_file.h"
#include "layercut/document_ids.h"
#include "layercut/error.h"
#include "layercut/file_tree.h"
#include "layercut/healing_json.h"
#include "layercut/model_export.h"  // softwareVersion()

namespace lc {
namespace fs = std::filesystem;
namespace {

/** `path` is `folder` or lies below it (both as they resolve, so "out/./checkpoints" is inside "out"). */
bool isInside(const fs::path &path, const fs::path &folder)
{
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path), ec), f = fs::weakly_canonical(fs::absolute(folder), ec);
    if (f.filename().empty())
        f = f.parent_path();
    const auto [fi, pi] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
    return fi == f.end();
}

}  // namespace

const std::vector<std::string> &healingRunFiles()
{
    static const std::vector<std::string> files = {"adapter_config.json", "adapter_model.safetensors",
                                                   "healing.json",        "loss.csv",
                                                   "layercut.json",       kTrainedDocumentsFile};
    return files;
}

std::vector<fs::path> checkpointFolders(const fs::path &outputDir)
{
    std::vector<fs::path> found;
    std::error_code ec;
    for (fs::directory_iterator it(outputDir / "checkpoints", ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (it->is_directory(ec) && (name.rfind("step-", 0) == 0 || name.rfind(".step-", 0) == 0))
            found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    return found;
}

void removeEarlierRun(const fs::path &outputDir)
{
    std::vector<fs::path> doomed = checkpointFolders(outputDir);
    for (const std::string &name : healingRunFiles())
        doomed.push_back(outputDir / name);
    for (const fs::path &path : doomed)
        if (!removeTree(path))
            throw Error("'" + path.string() + "': cannot remove the earlier healing run's file");
    std::error_code ec;
    fs::remove(outputDir / "checkpoints", ec);  // only when empty: anything else in it is not ours
}

std::string checkpointName(int64_t step)
{
    char name[32];
    std::snprintf(name, sizeof name, "step-%06lld", static_cast<long long>(step));
    return name;
}

void writeHealingSummary(const fs::path &outputDir, const fs::path &model, const PrunePlan &plan,
                         const HealingConfig &config, const HealingResult &result, double seconds)
{
    nlohmann::ordered_json summary;
    summary["software"] = softwareVersion();
    summary["model"] = model.string();
    summary["kept_layers"] = plan.kept;
    summary["dropped_layers"] = plan.dropped();
    summary["train_data"] = config.trainData.string();
    summary["config"] = healingConfigToJson(config);
    const nlohmann::ordered_json outcome = healingResultToJson(result);
    for (const auto &[key, value] : outcome.items())
        summary[key] = value;
    summary["seconds"] = seconds;
    writeFileAtomically(outputDir / "healing.json", summary.dump(2) + "\n");
}

std::string earlierHealingRun(const HealingConfig &c)
{
    if (c.outputDir.empty() || (!c.resumeFrom.empty() && isInside(c.resumeFrom, c.outputDir)))
        return "";
    std::vector<std::string> parts;
    const std::vector<fs::path> checkpoints = checkpointFolders(c.outputDir);
    if (!checkpoints.empty())
        parts.push_back("checkpoints/" + checkpoints.front().filename().string() +
                        (checkpoints.size() > 1 ? " … " + checkpoints.back().filename().string() + " (" +
                                                      std::to_string(checkpoints.size()) + ")"
                                                : std::string()));
    for (const char *name : {"adapter_model.safetensors", "adapter_config.json", "healing.json"}) {
        std::error_code ec;
        if (fs::exists(c.outputDir / name, ec))
            parts.push_back(name);
    }
    std::string text;
    for (const std::string &part : parts)
        text += (text.empty() ? "" : ", ") + part;
    return text;
}

}  // namespace lc
