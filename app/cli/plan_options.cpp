// SPDX-License-Identifier: GPL-3.0-or-later
#include "plan_options.h"

#include "cli_output.h"
#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/layer_distances.h"

namespace lc::cli {
namespace {

/** "4:8" -> {4, 4}: start and count of a 0-based, end-exclusive block. */
std::pair<int64_t, int64_t> parseBlock(const std::string &text)
{
    const size_t colon = text.find(':');
    const std::vector<int64_t> bounds =
        colon == std::string::npos ? std::vector<int64_t>{} : parseIdList(text.substr(0, colon) + "," + text.substr(colon + 1), "--drop");
    if (bounds.size() != 2 || bounds[1] <= bounds[0])
        throw Error("--drop: '" + text + "' is not START:END with START < END (0-based, END exclusive)");
    return {bounds[0], bounds[1] - bounds[0]};
}

} // namespace

bool PlanArgs::measuresDistances() const
{
    return (n > 0 || fraction > 0) && parseStrategy(strategy) == PruneStrategy::Similarity && distances.empty();
}

void addPlanOptions(CLI::App *cmd, PlanArgs &a)
{
    cmd->add_option("--drop", a.drop, "Block to drop, START:END, 0-based, END exclusive (e.g. 22:26 drops 22, 23, 24, 25)");
    cmd->add_option("--layers", a.layers, "Layers to drop, 0-based, comma-separated (e.g. 3,7,8)");
    cmd->add_option("--n", a.n, "Number of layers to drop, chosen by --strategy");
    cmd->add_option("--fraction", a.fraction, "Fraction of the layers to drop (rounded), chosen by --strategy");
    cmd->add_option("--strategy", a.strategy,
                    "similarity: the block of smallest angular distance (needs --data or --distances); "
                    "deepest: the n layers before the last (L-1-n .. L-2); reverse: the last n layers")
        ->check(CLI::IsMember({"similarity", "deepest", "reverse"}))
        ->capture_default_str();
    cmd->add_option("--distances", a.distances, "Distances JSON from `layercut-cli distances` (instead of measuring)");
}

PrunePlan choosePlan(const PlanArgs &a, int64_t L, ModelSession *session,
                     const std::function<std::vector<std::vector<int64_t>>()> &sequences, int64_t batch,
                     std::string &metric, const ProgressFn &progress)
{
    const int chosen = !a.drop.empty() + !a.layers.empty() + (a.n > 0) + (a.fraction > 0);
    if (chosen != 1)
        throw Error("give exactly one of --drop, --layers, --n and --fraction");
    if (!a.drop.empty()) {
        const auto [start, count] = parseBlock(a.drop);
        return PrunePlan::dropBlock(L, start, count);
    }
    if (!a.layers.empty())
        return PrunePlan::dropList(L, parseIdList(a.layers, "--layers"));
    const int64_t count = a.n > 0 ? a.n : layersForFraction(L, a.fraction);
    const PruneStrategy strategy = parseStrategy(a.strategy);
    std::optional<LayerDistances> d;
    if (strategy == PruneStrategy::Similarity) {
        metric = "angular_distance";
        if (!a.distances.empty()) {
            d = distancesFromJson(readJsonFile(a.distances), a.distances);
        } else {
            if (!session || !session->isLoaded())
                throw Error("--strategy similarity needs --data (to measure distances) or --distances FILE.json");
            const std::vector<std::vector<int64_t>> seqs = sequences();
            if (seqs.empty())
                throw Error("no document of the data has a token to measure distances with");
            d = computeLayerDistances(*session, seqs, {.batchSize = batch}, progress);
        }
    }
    return PrunePlan::forCount(L, count, strategy, d ? &*d : nullptr);
}

} // namespace lc::cli
