// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/job_texts.h"

#include <QLocale>

#include "format.h"

QString JobTexts::stage(const QString &stage)
{
    // Core stage names are English identifiers; show them translated.
    static const struct
    {
        const char *id;
        const char *text;
    } kStages[] = {
        {"opening checkpoint", QT_TR_NOOP("Opening checkpoint…")},
        {"loading weights", QT_TR_NOOP("Loading weights…")},
        {"reading data", QT_TR_NOOP("Reading and tokenising the data…")},
        {"measuring distances", QT_TR_NOOP("Measuring distances…")},
        {"measuring loss", QT_TR_NOOP("Measuring the held-out loss…")},
        {"exporting", QT_TR_NOOP("Exporting…")},
        {"tokenizing", QT_TR_NOOP("Tokenising…")},
        {"tokenizing training data", QT_TR_NOOP("Tokenising the training data…")},
        {"tokenizing validation data", QT_TR_NOOP("Tokenising the validation data…")},
        {"quantizing", QT_TR_NOOP("Quantising the base to NF4…")},
        {"attaching adapters", QT_TR_NOOP("Attaching the adapters…")},
        {"validating", QT_TR_NOOP("Measuring the validation loss…")},
        {"writing checkpoint", QT_TR_NOOP("Writing a checkpoint…")},
        {"evaluating", QT_TR_NOOP("Evaluating…")},
        {"sweep", QT_TR_NOOP("Sweeping…")},
    };
    for (const auto &s : kStages)
        if (stage == QLatin1String(s.id))
            return tr(s.text);
    return stage;
}

QString JobTexts::progress(const lc::JobProgress &p)
{
    if (p.kind == lc::JobKind::Heal && p.steps > 0 && p.stage != QLatin1String("writing checkpoint")) {
        const QString step = tr("Healing: step %1 of %2").arg(p.step).arg(p.steps);
        // A validation pass between steps takes a while: say so beside the step.
        return p.stage == QLatin1String("validating") && p.current < p.total
                   ? tr("%1 · %2").arg(step, stage(p.stage))
                   : step;
    }
    QString text = p.stage.isEmpty() ? QString() : stage(p.stage);
    if (p.stage == QLatin1String("measuring distances") && p.total > 0)
        text = tr("%1 %2 of %3 samples").arg(text).arg(p.current).arg(p.total);
    else if ((p.stage == QLatin1String("measuring loss") || p.stage == QLatin1String("evaluating")) && p.total > 0)
        text = tr("%1 %2 of %3 sequences").arg(text).arg(p.current).arg(p.total);
    else if ((p.stage == QLatin1String("loading weights") || p.stage == QLatin1String("exporting")) && p.total > 1)
        text = tr("%1 %2 of %3").arg(text, format::bytes(static_cast<quint64>(p.current)),
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
    case lc::JobKind::None: break;
    }
    return tr("The job failed.");
}
