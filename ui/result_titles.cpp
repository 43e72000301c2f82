// SPDX-License-Identifier: GPL-3.0-or-later
#include "result_titles.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

#include "format.h"
#include "layercut/prune_plan.h"

QString ResultTitles::layers(const std::vector<int64_t> &dropped)
{
    return dropped.empty() ? tr("all layers")
                           : tr("layers %1 dropped").arg(QString::fromStdString(lc::PrunePlan::ranges(dropped)));
}

QString ResultTitles::modelDescription(const QString &model, const std::vector<int64_t> &dropped, bool healed)
{
    const QString what = healed ? tr("%1, healed").arg(layers(dropped)) : layers(dropped);
    return tr("%1 (%2)").arg(model, what);
}

QString ResultTitles::healingMethod(const lc::HealingConfig &config)
{
    switch (config.method) {
    case lc::HealingMethod::Lora:
        return config.quantization == lc::BaseQuantization::Nf4 ? tr("QLoRA rank %1").arg(config.rank)
                                                                : tr("LoRA rank %1").arg(config.rank);
    case lc::HealingMethod::PartialLayers:
        return tr("last %n block(s), final norm and lm_head", nullptr, static_cast<int>(config.trainLastLayers));
    case lc::HealingMethod::Full: return tr("full fine-tuning");
    case lc::HealingMethod::Blocks:
        return config.trainBlocks.empty()
                   ? tr("inserted blocks")
                   : tr("blocks %1").arg(QString::fromStdString(lc::PrunePlan::ranges(config.trainBlocks)));
    }
    return {};
}

QString ResultTitles::healingTitle(const QString &model, const std::vector<int64_t> &dropped,
                                   const lc::HealingConfig &config, qint64 trainableParameters)
{
    return tr("%1 (%2): %3, %4 trainable parameters")
        .arg(model, layers(dropped), healingMethod(config), format::count(trainableParameters));
}

QString ResultTitles::sweepTitle(const QString &model, qint64 healSteps)
{
    return healSteps > 0 ? tr("%1: accuracy and loss against layers dropped, healed for %n step(s)", nullptr,
                              static_cast<int>(healSteps))
                               .arg(model)
                         : tr("%1: accuracy and loss against layers dropped").arg(model);
}

QString ResultTitles::importanceTitle(const QString &model, qint64 injectionSteps)
{
    if (injectionSteps > 0)
        return tr("%1: what dropping each layer costs, and what a new block after it learns (%2 steps)")
            .arg(model)
            .arg(injectionSteps);
    return tr("%1: what dropping each layer alone costs").arg(model);
}

QString ResultTitles::lossSample(const QString &file, qint64 documents, qint64 excludedTrained)
{
    const QString name = QFileInfo(file).fileName();
    const QString sample = tr("%n document(s) of %1", nullptr, static_cast<int>(documents)).arg(name);
    if (excludedTrained <= 0)
        return sample;
    return tr("%1, %n trained on left out", nullptr, static_cast<int>(excludedTrained)).arg(sample);
}

QString ResultTitles::sweepOutcome(const lc::SweepResult &result, double seconds,
                                   const std::filesystem::path &resultFile)
{
    const int points = static_cast<int>(result.points.size());
    QString text = result.cancelled
                       ? tr("Cancelled after %n point(s).", nullptr, points)
                       : tr("Finished: %n point(s) in %1 s.", nullptr, points).arg(QLocale().toString(seconds, 'f', 1));
    if (!resultFile.empty())
        text += QLatin1Char(' ') +
                tr("Saved in %1.").arg(QDir::toNativeSeparators(QString::fromStdString(resultFile.string())));
    return text;
}

QString ResultTitles::healingOutcome(const lc::HealingResult &result)
{
    QString text;
    const QLocale locale;
    if (result.cancelled) {
        const qint64 done = result.steps.empty() ? 0 : result.steps.back().step;
        const qint64 total = result.steps.empty() ? 0 : result.steps.back().totalSteps;
        text = tr("Healing cancelled after %1 of %2 steps; the model keeps what it learnt.").arg(done).arg(total);
    } else if (!result.steps.empty()) {
        text = tr("Healed in %n step(s): training loss %1", nullptr, static_cast<int>(result.steps.back().step))
                   .arg(locale.toString(result.steps.back().trainLoss, 'f', 3));
        if (!result.validation.empty())
            text += tr(", validation loss %1 on %2")
                        .arg(locale.toString(result.validation.back().loss, 'f', 3),
                             lossSample(QString::fromStdString(result.validationSource), result.validationDocuments,
                                        result.validationExcluded));
        text += QLatin1Char('.');
    } else {
        text = tr("Healing finished.");
    }
    if (!result.adapterDir.empty())
        text +=
            QLatin1Char(' ') + tr("Adapters saved in %1.")
                                   .arg(QDir::toNativeSeparators(QString::fromStdString(result.adapterDir.string())));
    return text;
}
