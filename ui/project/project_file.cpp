// SPDX-License-Identifier: GPL-3.0-or-later
// .layercut files: one JSON object with a "format" version, the model and its load options, the docks'
// data files and the results. Every result is in the core's one JSON shape for it (distances, losses,
// healing settings and curves, evaluations, sweeps), which also reads what format 1 stored.
#include "project/project_file.h"

#include <functional>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "jobs/layer_range.h"
#include "layercut/atomic_file.h"
#include "layercut/dtype.h"
#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/regular_file.h"
#include "layercut/evaluation_json.h"
#include "layercut/healing_json.h"
#include "layercut/model_export.h"

#include <nlohmann/json.hpp>

namespace project_file {
namespace {

using Json = nlohmann::ordered_json;

std::string text(const QString &s)
{
    return s.toStdString();
}

QString qtext(const std::string &s)
{
    return QString::fromStdString(s);
}

/** A healing run's settings with their paths mapped by `map` (to store or to resolve them). */
lc::HealingConfig mapPaths(lc::HealingConfig c, const std::function<QString(const QString &)> &map)
{
    for (std::filesystem::path *p : {&c.trainData, &c.validationData, &c.outputDir, &c.resumeFrom})
        *p = text(map(qtext(p->string())));
    return c;
}

Json sweepToJson(const ProjectSweep &sweep)
{
    return lc::sweepToJson(sweep.result, sweep.options);
}

ProjectSweep sweepFromJson(const nlohmann::json &j, const std::string &source,
                           const std::function<QString(const QString &)> &resolve)
{
    ProjectSweep sweep;
    sweep.result = lc::sweepFromJson(j, source);
    // The settings the core records beside the points: enough to name and title the chart again.
    lc::SweepOptions &o = sweep.options;
    o = lc::sweepOptionsFromJson(j.value("settings", nlohmann::json::object()));
    for (std::filesystem::path *p :
         {&o.eval.mmlu, &o.eval.boolq, &o.eval.validationData, &o.distanceData, &o.healing.trainData,
          &o.injection.trainData, &o.injection.mmlu, &o.injection.boolq})
        *p = text(resolve(qtext(p->string())));
    return sweep;
}

/** A healing run: its result in the core's shape (format 1's keys are a part of it), its settings and layers. */
Json runToJson(const ProjectHealingRun &run, const std::function<QString(const QString &)> &store)
{
    lc::HealingResult result;
    result.steps = run.steps;
    result.validation = run.validation;
    result.trainableParameters = run.trainableParameters;
    result.cancelled = run.cancelled;
    result.lastCheckpoint = text(store(run.checkpoint));
    Json j;
    j["settings"] = lc::healingConfigToJson(mapPaths(run.config, store));
    j["dropped"] = run.dropped;
    const Json outcome = lc::healingResultToJson(result);
    for (const auto &[key, value] : outcome.items())
        j[key] = value;
    return j;
}

ProjectHealingRun runFromJson(const nlohmann::json &j, const std::function<QString(const QString &)> &resolve)
{
    if (!j.contains("steps") || !j.contains("validation"))
        throw lc::Error("a healing run without its curves");
    const lc::HealingResult result = lc::healingResultFromJson(j);
    ProjectHealingRun run;
    run.config = mapPaths(lc::healingConfigFromJson(j.at("settings")), resolve);
    run.trainableParameters = result.trainableParameters;
    run.dropped = j.value("dropped", std::vector<int64_t>());
    run.cancelled = result.cancelled;
    run.checkpoint = resolve(qtext(result.lastCheckpoint.string()));
    run.steps = result.steps;
    run.validation = result.validation;
    return run;
}

/** Runs `read` on the named part of the file; whatever does not fit is reported with the file and that part. */
void section(const QString &path, const char *name, const std::function<void()> &read)
{
    try {
        read();
    } catch (const nlohmann::json::exception &e) {
        throw lc::Error("'" + text(path) + "': the \"" + name + "\" section does not fit (" + lc::jsonErrorText(e) +
                        ")");
    } catch (const lc::Error &e) {
        throw lc::Error("'" + text(path) + "': the \"" + name + "\" section does not fit (" + e.what() + ")");
    }
}

}  // namespace

QString storedPath(const QString &path, const QString &projectDir)
{
    if (path.isEmpty())
        return {};
    const QString absolute = QDir::cleanPath(QDir(projectDir).absoluteFilePath(path));
    const QString relative = QDir(projectDir).relativeFilePath(absolute);
    if (QDir::isRelativePath(relative) && !relative.startsWith(QLatin1String("../..")))
        return relative;
    return absolute;
}

QString resolvedPath(const QString &stored, const QString &projectDir)
{
    if (stored.isEmpty())
        return {};
    return QDir::cleanPath(QDir(projectDir).absoluteFilePath(stored));
}

void write(const QString &path, const Project &p)
{
    const QString dir = QFileInfo(path).absolutePath();
    const auto store = [&dir](const QString &s) { return text(storedPath(s, dir)); };

    Json j;
    j["format"] = kFormat;
    j["software"] = lc::softwareVersion();
    j["model"] = {{"folder", store(p.modelFolder)},
                  {"device", p.load.device},
                  {"dtype", p.load.dtype ? lc::dtypeName(*p.load.dtype) : std::string()},
                  {"nf4", p.load.nf4}};
    j["data"] = {{"analysis", store(p.analysisData)},
                 {"healing_train", store(p.healingTrainData)},
                 {"healing_validation", store(p.healingValidationData)},
                 {"evaluation_mmlu", store(p.evaluationMmlu)},
                 {"evaluation_boolq", store(p.evaluationBoolq)},
                 {"evaluation_validation", store(p.evaluationValidationData)},
                 {"evaluation_gsm8k", store(p.evaluationGsm8k)},
                 {"evaluation_gsm8k_train", store(p.evaluationGsm8kTrain)}};
    j["distances"] = p.distances.empty() ? Json() : Json(lc::distancesToJson(p.distances));
    // A block as [first, last] (what format 1 always held); any other set of layers as a list beside it.
    if (const auto block = lc::asRange(p.selection))
        j["selection"] = Json::array({block->first, block->last});
    else
        j["selection"] = Json();
    if (!p.selection.empty() && !lc::asRange(p.selection))
        j["selected_layers"] = p.selection;
    if (p.plan.prunesAnything())
        j["prune"] = {{"source_layers", p.plan.sourceLayers},
                      {"dropped", p.plan.dropped()},
                      {"method", p.plan.method},
                      {"distance", p.plan.distance},
                      {"loss_before", lc::lossToJson(p.lossBefore)},
                      {"loss_after", lc::lossToJson(p.lossAfter)},
                      {"held_out", p.heldOut}};
    else
        j["prune"] = nullptr;
    if (p.blocks.insertsAnything())  // new blocks among the kept layers
        j["blocks"] = {{"source_layers", p.blocks.sourceLayers}, {"blocks", p.blocks.blocksJson()}};
    Json runs = Json::array();
    for (const ProjectHealingRun &run : p.healingRuns)
        runs.push_back(runToJson(run, [&dir](const QString &s) { return storedPath(s, dir); }));
    j["healing_runs"] = runs;
    j["evaluation"] = p.evaluation ? Json{{"dropped", p.evaluation->dropped},
                                          {"healed", p.evaluation->healed},
                                          {"result", lc::evalResultToJson(p.evaluation->result, /*questions=*/false)}}
                                   : Json();
    j["sweep"] = p.sweep ? sweepToJson(*p.sweep) : Json();
    j["importance"] = p.importance ? sweepToJson(*p.importance) : Json();
    j["view"] = {{"tab", p.currentTab}, {"heatmap_metric", p.heatmapMetric}, {"normalize_rows", p.normalizeRows}};

    // As every other output: a kill or a full disk leaves the previous project file as it was.
    lc::writeFileAtomically(path.toStdString(), j.dump(1) + "\n");
}

Project read(const QString &path)
{
    lc::refuseIrregularFile(path.toStdString());  // a named pipe would block the GUI thread forever
    lc::refuseLargeFile(path.toStdString(), lc::kMaxJsonFileBytes);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw lc::Error("'" + text(path) + "': cannot be opened (" + text(file.errorString()) + ")");
    const nlohmann::json j = lc::parseJsonText(file.readAll().toStdString(), text(path));
    if (!j.is_object() || !j.contains("format"))
        throw lc::Error("'" + text(path) + "': not a LayerCut project (no \"format\" key)");
    if (!j["format"].is_number_integer() || j["format"].get<int>() < 1)
        throw lc::Error("'" + text(path) + "': unknown project format " + lc::jsonText(j["format"]));
    if (const int format = j["format"].get<int>(); format > kFormat)
        throw lc::Error("'" + text(path) + "': project format " + std::to_string(format) +
                        " comes from a newer LayerCut; this one reads formats 1 to " + std::to_string(kFormat));

    const QString dir = QFileInfo(path).absolutePath();
    const auto resolve = [&dir](const QString &s) { return resolvedPath(s, dir); };
    const auto pathAt = [&resolve](const nlohmann::json &o, const char *key) {
        return resolve(qtext(o.value(key, std::string())));
    };
    Project p;
    section(path, "model", [&] {
        const nlohmann::json &m = j.at("model");
        p.modelFolder = pathAt(m, "folder");
        p.load.device = m.value("device", p.load.device);
        if (const std::string dtype = m.value("dtype", std::string()); !dtype.empty())
            p.load.dtype = lc::parseDType(dtype);
        p.load.nf4 = m.value("nf4", false);
    });
    section(path, "data", [&] {
        const nlohmann::json &d = j.value("data", nlohmann::json::object());
        p.analysisData = pathAt(d, "analysis");
        p.healingTrainData = pathAt(d, "healing_train");
        p.healingValidationData = pathAt(d, "healing_validation");
        p.evaluationMmlu = pathAt(d, "evaluation_mmlu");
        p.evaluationBoolq = pathAt(d, "evaluation_boolq");
        p.evaluationValidationData = pathAt(d, "evaluation_validation");
        p.evaluationGsm8k = pathAt(d, "evaluation_gsm8k");
        p.evaluationGsm8kTrain = pathAt(d, "evaluation_gsm8k_train");
    });
    section(path, "distances", [&] {
        if (j.contains("distances") && !j["distances"].is_null())
            p.distances = lc::distancesFromJson(j["distances"], text(path));
    });
    section(path, "selection", [&] {
        if (j.contains("selection") && !j["selection"].is_null()) {
            const lc::LayerRange block{j["selection"].at(0).get<int64_t>(), j["selection"].at(1).get<int64_t>()};
            if (block.first < 0 || block.isEmpty())
                throw lc::Error("the selected layers " + lc::jsonText(j["selection"]) + " are not a block");
            p.selection = block.layers();
        } else if (j.contains("selected_layers")) {
            p.selection = lc::normalizedLayers(j["selected_layers"].get<std::vector<int64_t>>());
            if (!p.selection.empty() && p.selection.front() < 0)
                throw lc::Error("the selected layers " + lc::jsonText(j["selected_layers"]) + " hold a negative index");
        }
    });
    section(path, "prune", [&] {
        if (!j.contains("prune") || j["prune"].is_null())
            return;
        const nlohmann::json &pr = j["prune"];
        p.plan = lc::PrunePlan::dropList(pr.at("source_layers").get<int64_t>(),
                                         pr.at("dropped").get<std::vector<int64_t>>());
        p.plan.method = pr.value("method", std::string("list"));
        p.plan.distance = pr.value("distance", -1.0);
        p.lossBefore = lc::lossFromJson(pr.at("loss_before"));
        p.lossAfter = lc::lossFromJson(pr.at("loss_after"));
        p.heldOut = pr.value("held_out", false);
    });
    section(path, "blocks", [&] {
        if (!j.contains("blocks") || j["blocks"].is_null())
            return;
        const nlohmann::json &b = j["blocks"];
        p.blocks = lc::BlockPlan::fromBlocksJson(b.at("source_layers").get<int64_t>(), b.at("blocks"), "blocks");
    });
    section(path, "healing_runs", [&] {
        for (const nlohmann::json &r : j.value("healing_runs", nlohmann::json::array()))
            p.healingRuns.push_back(runFromJson(r, resolve));
    });
    section(path, "evaluation", [&] {
        if (!j.contains("evaluation") || j["evaluation"].is_null())
            return;
        const nlohmann::json &e = j["evaluation"];
        p.evaluation = ProjectEvaluation{lc::evalResultFromJson(e.at("result")),
                                         e.value("dropped", std::vector<int64_t>()), e.value("healed", false)};
    });
    for (const auto &[key, target] : {std::pair{"sweep", &p.sweep}, std::pair{"importance", &p.importance}})
        section(path, key, [&, key = key, target = target] {
            if (j.contains(key) && !j[key].is_null())
                *target = sweepFromJson(j[key], text(path), resolve);
        });
    section(path, "view", [&] {
        const nlohmann::json view = j.value("view", nlohmann::json::object());
        p.currentTab = view.value("tab", 0);
        p.heatmapMetric = view.value("heatmap_metric", 0);
        p.normalizeRows = view.value("normalize_rows", false);
    });
    return p;
}

}  // namespace project_file
