// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/script_exports.h"

#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QMenu>

#include "export_folder.h"
#include "jobs/session.h"
#include "layercut/atomic_file.h"
#include "layercut/cli_command.h"
#include "layercut/mergekit_yaml.h"
#include "panels/analysis_panel.h"
#include "panels/evaluation_panel.h"
#include "panels/healing_panel.h"
#include "widgets/generation_view.h"
#include "widgets/error_box.h"

namespace {

std::filesystem::path toPath(const QString &path)
{
    return std::filesystem::path(path.toStdString());
}

}  // namespace

ScriptExports::ScriptExports(const lc::Session *session, JobDocks docks, QWidget *dialogParent)
    : QObject(dialogParent), m_session(session), m_docks(docks), m_parent(dialogParent)
{}

JobRequest<lc::PrunePlan> ScriptExports::plan() const
{
    const lc::Session &s = *m_session;
    if (s.plan().prunesAnything())
        return {s.plan(), std::nullopt};
    if (!s.selection().empty())
        return {lc::PrunePlan::dropList(s.modelInfo().config.numLayers, s.selection()), std::nullopt};
    return {{},
            Refusal{tr("Select layers first."), tr("Select the layers to drop on the heatmap or the strip, or "
                                                   "drop them.")}};
}

JobRequest<QString> ScriptExports::command(lc::JobKind kind) const
{
    const lc::Session &s = *m_session;
    if (!s.hasModel())
        return {{}, Refusal{tr("Open a model first."), QString()}};
    const std::filesystem::path model = s.modelInfo().folder;
    const std::string name = s.modelName().toStdString();
    const auto refusedBy = [](const std::optional<Refusal> &r) { return JobRequest<QString>{{}, r}; };
    try {
        switch (kind) {
        case lc::JobKind::Distances: {
            if (const auto refusal = JobRequests::distances(*m_docks.analysis))
                return refusedBy(refusal);
            lc::PlanSample sample;
            sample.data = toPath(m_docks.analysis->dataFile());
            sample.options = m_docks.analysis->datasetOptions();
            sample.batchSize = m_docks.analysis->batchSize();
            return {
                QString::fromStdString(lc::distancesCommand(model, s.loadOptions(), sample, name + "-distances.json")),
                std::nullopt};
        }
        case lc::JobKind::Prune:
        case lc::JobKind::Export: {
            if (s.blocks().insertsAnything()) {  // the model with its new blocks: expand writes it
                const std::string target = name + "-expanded-" + std::to_string(s.blocks().size());
                return {QString::fromStdString(lc::expandCommand(model, s.blocks(), {}, target)), std::nullopt};
            }
            const auto p = plan();
            if (p.refusal)
                return refusedBy(p.refusal);
            const std::string target = name + "-pruned-" + std::to_string(p.settings.kept.size());
            return {QString::fromStdString(lc::pruneCommand(model, p.settings, {}, target)), std::nullopt};
        }
        case lc::JobKind::Heal: {
            const auto request = JobRequests::healing(*m_docks.healing);
            if (request.refusal)
                return refusedBy(request.refusal);
            return {QString::fromStdString(lc::healCommand(model, s.loadOptions(), request.settings, s.blocks())),
                    std::nullopt};
        }
        case lc::JobKind::ExportHealed:
        case lc::JobKind::Evaluate: {
            const auto request = JobRequests::evaluation(*m_docks.evaluation);
            if (kind == lc::JobKind::Evaluate && request.refusal)
                return refusedBy(request.refusal);
            if (!s.isHealed()) {
                if (kind == lc::JobKind::ExportHealed)
                    return {{}, Refusal{tr("Heal the model first."), QString()}};
                return {QString::fromStdString(
                            lc::evalCommand(model, s.loadOptions(), request.settings, s.blocks(), name + "-eval.json")),
                        std::nullopt};
            }
            // The CLI attaches no adapters: the healed model is the run again with --merge, evaluated from
            // the merged folder it writes (its plan applied already).
            const auto healed = healedRun();
            if (healed.refusal)
                return refusedBy(healed.refusal);
            std::string command = healed.settings;
            if (kind == lc::JobKind::Evaluate)
                command += " && " + lc::evalCommand(s.healingRuns().back().config.outputDir / "merged", s.loadOptions(),
                                                    request.settings, lc::PrunePlan::keepAll(s.blocks().size()),
                                                    name + "-healed-eval.json");
            return {QString::fromStdString(command), std::nullopt};
        }
        case lc::JobKind::Generate: {
            if (!m_docks.generation)
                break;
            // One command per model of the form: the checkpoint, the plan, the healed run's merged folder.
            const lc::GenerationRequest request = m_docks.generation->request();
            if (request.prompt.empty() || request.variants.empty())
                return {{}, Refusal{tr("Type a prompt and choose a model first."), QString()}};
            const lc::BlockPlan all = lc::BlockPlan::of(lc::PrunePlan::keepAll(s.modelInfo().config.numLayers));
            std::string command;
            for (const lc::ModelVariant variant : request.variants) {
                std::string next;
                if (variant == lc::ModelVariant::Healed) {
                    const auto healed = healedRun();
                    if (healed.refusal)
                        return refusedBy(healed.refusal);
                    next = healed.settings + " && " +
                           lc::generateCommand(s.healingRuns().back().config.outputDir / "merged", s.loadOptions(),
                                               request.prompt, request.options,
                                               lc::BlockPlan::of(lc::PrunePlan::keepAll(s.blocks().size())));
                } else {
                    next = lc::generateCommand(model, s.loadOptions(), request.prompt, request.options,
                                               variant == lc::ModelVariant::Original ? all : s.blocks());
                }
                command += (command.empty() ? "" : " && ") + next;
            }
            return {QString::fromStdString(command), std::nullopt};
        }
        case lc::JobKind::Sweep:
        case lc::JobKind::Importance: {
            const auto request = JobRequests::sweep(*m_docks.analysis, *m_docks.healing, *m_docks.evaluation,
                                                    kind == lc::JobKind::Importance);
            if (request.refusal)
                return refusedBy(request.refusal);
            return {QString::fromStdString(lc::sweepCommand(model, s.loadOptions(), request.settings)), std::nullopt};
        }
        case lc::JobKind::Open:
        case lc::JobKind::None: break;
        }
    } catch (const std::exception &e) {
        return {{}, Refusal{tr("This job has no layercut-cli command."), QString::fromUtf8(e.what())}};
    }
    return {{}, Refusal{tr("This job has no layercut-cli command."), QString()}};
}

JobRequest<std::string> ScriptExports::healedRun() const
{
    const lc::Session &s = *m_session;
    if (!s.isHealed() || s.healingRuns().empty())
        return {{}, Refusal{tr("Heal the model first."), QString()}};
    const lc::HealingConfig &run = s.healingRuns().back().config;
    if (run.outputDir.empty())
        return {{},
                Refusal{tr("This healing run has no layercut-cli command."),
                        tr("It saved nothing: set an output folder in the Healing dock and heal again.")}};
    const lc::ExportOptions merge;
    return {lc::healCommand(s.modelInfo().folder, s.loadOptions(), run, s.blocks(), &merge), std::nullopt};
}

QMenu *ScriptExports::commandMenu(QWidget *parent)
{
    auto *menu = new QMenu(tr("Copy as layercut-cli &Command"), parent);
    menu->menuAction()->setObjectName(QStringLiteral("copyCommandMenu"));
    menu->setToolTipsVisible(true);
    const struct
    {
        lc::JobKind kind;
        const char *name;
        QString text;
    } entries[] = {
        {lc::JobKind::Distances, "copyDistancesCommand", tr("&Measure Distances")},
        {lc::JobKind::Export, "copyExportCommand", tr("Export &Pruned Model")},
        {lc::JobKind::Heal, "copyHealCommand", tr("&Heal")},
        {lc::JobKind::ExportHealed, "copyExportHealedCommand", tr("Export H&ealed Model")},
        {lc::JobKind::Evaluate, "copyEvaluateCommand", tr("E&valuate")},
        {lc::JobKind::Sweep, "copySweepCommand", tr("&Sweep")},
        {lc::JobKind::Importance, "copyImportanceCommand", tr("Per-&Layer Importance")},
        {lc::JobKind::Generate, "copyGenerateCommand", tr("&Generate")},
    };
    for (const auto &e : entries) {
        QAction *a = menu->addAction(e.text, this, [this, kind = e.kind] { copyCommand(kind); });
        a->setObjectName(QLatin1String(e.name));
    }
    menu->actions().first()->setToolTip(tr("The command that does the same on the docks' settings"));
    return menu;
}

void ScriptExports::copyCommand(lc::JobKind kind)
{
    const JobRequest<QString> request = command(kind);
    if (request.refusal) {
        showErrorBox(m_parent, request.refusal->headline, request.refusal->details);
        return;
    }
    QGuiApplication::clipboard()->setText(request.settings);
    emit message(tr("Copied: %1").arg(request.settings));
}

void ScriptExports::mergekitYaml()
{
    const auto p = plan();
    if (p.refusal) {
        showErrorBox(m_parent, p.refusal->headline, p.refusal->details);
        return;
    }
    const lc::PrunePlan planned = p.settings;
    const std::filesystem::path model = m_session->modelInfo().folder;
    const QString path = export_folder::saveAs(
        m_parent, tr("Export Plan as mergekit YAML"),
        QStringLiteral("%1-pruned-%2.yaml").arg(m_session->modelName()).arg(planned.kept.size()),
        tr("YAML (*.yaml *.yml)"), tr("The mergekit configuration could not be saved."), [&](const QString &file) {
            lc::writeFileAtomically(toPath(file), lc::mergekitPassthroughYaml(planned, model));
        });
    if (!path.isEmpty())
        emit message(
            tr("Saved %1: run mergekit-yaml on it to build the pruned model.").arg(QDir::toNativeSeparators(path)));
}
