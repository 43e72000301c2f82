// SPDX-License-Identifier: GPL-3.0-or-later
#include "plan_options.h"

#include "cli_output.h"
#include "layercut/error.h"

namespace lc::cli {
namespace {

/** "4:8" -> {4, 4}: start and count of a 0-based, end-exclusive block. */
std::pair<int64_t, int64_t> parseBlock(const std::string &text)
{
    const size_t colon = text.find(':');
    const std::vector<int64_t> bounds =
        colon == std::string::npos ? std::vector<int64_t>{}
                                   : parseIdList(text.substr(0, colon) + "," + text.substr(colon + 1), "--drop");
    if (bounds.size() != 2 || bounds[1] <= bounds[0])
        throw Error("--drop: '" + text + "' is not START:END with START < END (0-based, END exclusive)");
    return {bounds[0], bounds[1] - bounds[0]};
}

}  // namespace

void applyPlanArgs(ModelSession &session, PlanArgs plan, const std::string &planData, const std::string &folder,
                   const LoadOptions &load, int64_t maxLength, const ProgressFn &progress)
{
    if (!plan.given())
        return applyExpandArgs(session, plan.expand, false);
    plan.sample.data = planData;
    if (maxLength > 0)
        plan.sample.options.maxLength = maxLength;
    const PlanRequest request = plan.request();
    if (request.measuresDistances() && planData.empty())
        throw Error("--strategy similarity needs --plan-data (to measure distances) or --distances FILE.json");
    session.applyPrunePlan(choosePrunePlan(request, folder, load, &session, progress).plan);
    applyExpandArgs(session, plan.expand, true);
}

void addPlanSummary(nlohmann::ordered_json &j, const ModelSession &session, bool droppedList)
{
    const BlockPlan &plan = session.blockPlan();
    j["layers"] = plan.size();
    j["dropped"] = PrunePlan::ranges(plan.droppedOriginals());
    if (droppedList)
        j["dropped_layers"] = plan.droppedOriginals();
    if (plan.insertsAnything())
        j["inserted_after"] = plan.insertedAfter();
}

void applyExpandArgs(ModelSession &session, const ExpandArgs &expand, bool pruned)
{
    if (!expand.given())
        return;
    session.applyBlockPlan(pruned ? expand.insertInto(session.blockPlan())
                                  : expand.plan(session.info().config.numLayers));
}

PlanRequest PlanArgs::request() const
{
    PlanRequest r;
    if (!drop.empty())
        r.block = parseBlock(drop);
    if (!layers.empty())
        r.layers = parseIdList(layers, "--layers");
    r.count = n;
    r.fraction = fraction;
    r.strategy = parseStrategy(strategy);
    r.distancesFile = distances;
    r.sample = sample;
    return r;
}

void addPlanOptions(CLI::App *cmd, PlanArgs &a)
{
    cmd->add_option("--drop", a.drop,
                    "Block to drop, START:END, 0-based, END exclusive (e.g. 22:26 drops 22, 23, 24, 25)");
    cmd->add_option("--layers", a.layers, "Layers to drop, 0-based, comma-separated (e.g. 3,7,8)");
    cmd->add_option("--n", a.n, "Number of layers to drop, chosen by --strategy");
    cmd->add_option("--fraction", a.fraction, "Fraction of the layers to drop (rounded), chosen by --strategy");
    cmd->add_option("--strategy", a.strategy,
                    "similarity: the block of smallest angular distance, measured on the unquantised weights "
                    "(needs data or --distances); deepest: the n layers before the last (L-1-n .. L-2); "
                    "reverse: the last n layers")
        ->check(CLI::IsMember({"similarity", "deepest", "reverse"}))
        ->capture_default_str();
    cmd->add_option("--distances", a.distances, "Distances JSON from `layercut-cli distances` (instead of measuring)");
}

void addSampleOptions(CLI::App *cmd, PlanSample &sample, bool seed, bool maxLength)
{
    DatasetOptions &o = sample.options;
    cmd->add_option("--samples", o.samples, "Documents the distances are measured on, a seeded choice (0: all)")
        ->capture_default_str();
    if (maxLength)
        cmd->add_option("--max-length", o.maxLength, "Tokens per document for the distances (longer ones are cut)")
            ->capture_default_str();
    if (seed)
        cmd->add_option("--seed", o.seed, "Seed for choosing the documents when --samples is smaller than the file")
            ->capture_default_str();
}

}  // namespace lc::cli
