// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job_texts.h"

#include <QLocale>

#include "format.h"

QString JobTexts::stage(lc::Stage stage)
{
    // A switch without a default: a new core stage without its text here is a compiler warning.
    switch (stage) {
    case lc::Stage::OpeningCheckpoint: return tr("Opening checkpoint…");
    case lc::Stage::LoadingWeights: return tr("Loading weights…");
    case lc::Stage::ReadingData: return tr("Reading and tokenising the data…");
    case lc::Stage::MeasuringDistances: return tr("Measuring distances…");
    case lc::Stage::MeasuringLoss: return tr("Measuring the held-out loss…");
    case lc::Stage::Exporting: return tr("Exporting…");
    case lc::Stage::Tokenizing: return tr("Tokenising…");
    case lc::Stage::TokenizingTrainingData: return tr("Tokenising the training data…");
    case lc::Stage::TokenizingValidationData: return tr("Tokenising the validation data…");
    case lc::Stage::Quantizing: return tr("Quantising the base to NF4…");
    case lc::Stage::AttachingAdapters: return tr("Attaching the adapters…");
    case lc::Stage::Validating: return tr("Measuring the validation loss…");
    case lc::Stage::WritingCheckpoint: return tr("Writing a checkpoint…");
    case lc::Stage::Evaluating: return tr("Evaluating…");
    case lc::Stage::Generating: return tr("Generating…");
    case lc::Stage::Sweep: return tr("Sweeping…");
    }
    return QString::fromLatin1(lc::stageName(stage));
}

QString JobTexts::progress(const lc::JobProgress &p)
{
    if (p.kind == lc::JobKind::Heal && p.steps > 0 && p.stage != lc::Stage::WritingCheckpoint) {
        const QString step = tr("Healing: step %1 of %2").arg(p.step).arg(p.steps);
        // A validation pass between steps takes a while: say so beside the step.
        return p.stage == lc::Stage::Validating && p.current < p.total
                   ? tr("%1 · %2").arg(step, stage(lc::Stage::Validating))
                   : step;
    }
    QString text = p.stage ? stage(*p.stage) : QString();
    if (p.stage == lc::Stage::MeasuringDistances && p.total > 0)
        text = tr("%1 %2 of %3 samples").arg(text).arg(p.current).arg(p.total);
    else if ((p.stage == lc::Stage::MeasuringLoss || p.stage == lc::Stage::Evaluating) && p.total > 0)
        text = tr("%1 %2 of %3 sequences").arg(text).arg(p.current).arg(p.total);
    else if (p.stage == lc::Stage::Generating && p.total > 0)
        text = tr("%1 %2 of %3 prompts").arg(text).arg(p.current).arg(p.total);
    else if ((p.stage == lc::Stage::LoadingWeights || p.stage == lc::Stage::Exporting) && p.total > 1)
        text = tr("%1 %2 of %3")
                   .arg(text, format::bytes(static_cast<quint64>(p.current)),
                        format::bytes(static_cast<quint64>(p.total)));
    if ((p.kind == lc::JobKind::Sweep || p.kind == lc::JobKind::Importance) && p.points > 0)
        text = tr("Sweep point %1 of %2: %3").arg(std::max<qint64>(p.point, 0) + 1).arg(p.points).arg(text);
    return text;
}

QString JobTexts::pace(const lc::JobProgress &p)
{
    QStringList parts;
    if (p.tokensPerSecond > 0)
        parts << tr("%1 tokens/s").arg(QLocale().toString(p.tokensPerSecond, 'f', 0));
    if (p.secondsLeft >= 0)
        parts << tr("%1 left").arg(format::duration(p.secondsLeft));
    return parts.join(QStringLiteral(" · "));
}

QString JobTexts::failure(lc::JobKind kind)
{
    switch (kind) {
    case lc::JobKind::Open: return tr("The model could not be opened.");
    case lc::JobKind::Distances: return tr("The distances could not be measured.");
    case lc::JobKind::Prune: return tr("The layers could not be dropped.");
    case lc::JobKind::Export: return tr("The pruned model could not be exported.");
    case lc::JobKind::Heal: return tr("The model could not be healed.");
    case lc::JobKind::ExportHealed: return tr("The healed model could not be exported.");
    case lc::JobKind::Evaluate: return tr("The model could not be evaluated.");
    case lc::JobKind::Sweep: return tr("The sweep could not be run.");
    case lc::JobKind::Importance: return tr("The importance scan could not be run.");
    case lc::JobKind::Generate: return tr("The continuations could not be generated.");
    case lc::JobKind::None: break;
    }
    return tr("The job failed.");
}
