// SPDX-License-Identifier: GPL-3.0-or-later
#include "panels/selection_panel.h"

#include <cmath>

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QToolButton>

#include "format.h"

namespace {

QString rangeText(int first, int last)
{
    return first == last ? QString::number(first) : QStringLiteral("%1–%2").arg(first).arg(last);
}

int bytesPerParameter(const std::string &dtype)
{
    return dtype == "float32" ? 4 : 2;
}

} // namespace

SelectionPanel::SelectionPanel(QWidget *parent) : QWidget(parent)
{
    auto *form = new QFormLayout(this);
    form->setLabelAlignment(Qt::AlignRight);
    auto add = [&](const QString &label) {
        auto *value = new QLabel(this);
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(label, value);
        return value;
    };
    m_dropped = add(tr("Layers dropped:"));
    m_kept = add(tr("Layers kept:"));
    m_distance = add(tr("Distance d:"));
    m_share = add(tr("Parameters removed:"));
    m_memory = add(tr("Memory saved:"));
    m_buttons = new QHBoxLayout;
    form->addRow(m_buttons);
    auto *heading = new QLabel(tr("<b>Model now</b>"), this);
    form->addRow(heading);
    m_pruned = add(tr("Running:"));
    m_loss = add(tr("Held-out loss:"));
    setSelection(-1, -1, std::nan(""));
    m_pruned->setText(QStringLiteral("—"));
    m_loss->setText(QStringLiteral("—"));
}

void SelectionPanel::setActions(QAction *drop, QAction *restore, QAction *exportModel)
{
    for (QAction *a : {drop, restore, exportModel}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(a);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        m_buttons->addWidget(button);
    }
    m_buttons->addStretch(1);
}

void SelectionPanel::setPruneResult(const lc::PrunePlan &plan, const lc::LossResult &before,
                                    const lc::LossResult &after, bool heldOut)
{
    const int L = static_cast<int>(plan.sourceLayers), K = static_cast<int>(plan.kept.size());
    m_pruned->setText(plan.prunesAnything()
                          ? tr("%1 of %2 layers; dropped %3").arg(K).arg(L).arg(QString::fromStdString(lc::PrunePlan::ranges(plan.dropped())))
                          : tr("all %1 layers").arg(L));
    if (before.tokens == 0) {
        m_loss->setText(plan.prunesAnything() ? tr("choose analysis data to check the loss") : QStringLiteral("—"));
        return;
    }
    const auto loss = [](const lc::LossResult &r) {
        return tr("%1 (perplexity %2)").arg(QLocale().toString(r.loss, 'f', 3), QLocale().toString(r.perplexity(), 'f', 1));
    };
    QString text = plan.prunesAnything()
                       ? tr("before %1, after %2: %3%4").arg(loss(before), loss(after),
                                                             after.loss >= before.loss ? QStringLiteral("+") : QString(),
                                                             QLocale().toString(after.loss - before.loss, 'f', 3))
                       : loss(before);
    text += QLatin1Char('\n') + tr("%n held-out sequence(s), %1 tokens", nullptr, static_cast<int>(before.sequences))
                                     .arg(before.tokens);
    if (!heldOut)
        text += QLatin1Char('\n') + tr("(the analysis used every document, so these overlap it)");
    m_loss->setText(text);
}

void SelectionPanel::setModel(const lc::ModelInfo &info)
{
    m_info = info;
    setSelection(-1, -1, std::nan(""));
}

void SelectionPanel::setSelection(int first, int last, double distance)
{
    const int L = static_cast<int>(m_info.config.numLayers);
    if (first < 0 || L == 0) {
        const QString none = tr("select a block on the heatmap or the layer strip");
        m_dropped->setText(none);
        for (QLabel *l : {m_kept, m_distance, m_share, m_memory})
            l->setText(QStringLiteral("—"));
        return;
    }
    const int n = last - first + 1;
    m_dropped->setText(tr("%1 (%n layer(s))", nullptr, n).arg(rangeText(first, last)));
    QStringList kept;
    if (first > 0)
        kept << rangeText(0, first - 1);
    if (last < L - 1)
        kept << rangeText(last + 1, L - 1);
    m_kept->setText(tr("%1 (%n layer(s))", nullptr, L - n).arg(kept.isEmpty() ? tr("none") : kept.join(QStringLiteral(", "))));
    m_distance->setText(std::isnan(distance) ? QStringLiteral("—") : QLocale().toString(distance, 'f', 4));
    const int64_t removed = n * m_info.config.parametersPerLayer();
    const double share = m_info.parameterCount ? 100.0 * static_cast<double>(removed) / m_info.parameterCount : 0;
    m_share->setText(tr("%1 (%2% of the model)").arg(format::count(removed), QLocale().toString(share, 'f', 1)));
    const std::string dtype = m_info.computeDtype.empty() ? m_info.checkpointDtype : m_info.computeDtype;
    m_memory->setText(tr("%1 in %2").arg(format::bytes(static_cast<quint64>(removed * bytesPerParameter(dtype))),
                                        QString::fromStdString(dtype)));
}

QString SelectionPanel::droppedText() const { return m_dropped->text(); }
QString SelectionPanel::prunedText() const { return m_pruned->text(); }
QString SelectionPanel::lossText() const { return m_loss->text(); }
QString SelectionPanel::keptText() const { return m_kept->text(); }
QString SelectionPanel::shareText() const { return m_share->text(); }
