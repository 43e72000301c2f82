// SPDX-License-Identifier: GPL-3.0-or-later
#include "panels/selection_panel.h"

#include <algorithm>
#include <cmath>

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QToolButton>

#include "format.h"
#include "layercut/prune_plan.h"

namespace {

int bytesPerParameter(const std::string &dtype)
{
    return dtype == "float32" ? 4 : 2;
}

QString rangesText(const std::vector<int64_t> &sorted)
{
    return QString::fromStdString(lc::PrunePlan::ranges(sorted));
}

}  // namespace

SelectionPanel::SelectionPanel(QWidget *parent) : QWidget(parent)
{
    auto *form = new QFormLayout(this);
    form->setLabelAlignment(Qt::AlignRight);
    auto add = [&](const QString &label, const QString &toolTip) {
        auto *value = new QLabel(this);
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setToolTip(toolTip);
        form->addRow(label, value);
        if (auto *name = qobject_cast<QLabel *>(form->labelForField(value)))
            name->setToolTip(toolTip);
        return value;
    };
    form->addRow(new QLabel(tr("<b>Dropping the selection</b>"), this));
    m_dropped = add(tr("Selected layers:"), tr("The layers selected on the heatmap or the layer strip: those a drop "
                                               "would remove (0-based, original numbering)"));
    m_kept = add(tr("Would keep:"), tr("The layers that would remain after dropping the selection"));
    m_distance = add(tr("Distance d:"), tr("The angular distance between the streams before and after the block; "
                                           "defined for one contiguous block"));
    m_share = add(tr("Would remove:"), tr("The parameters of the selected layers"));
    m_memory = add(tr("Would save:"), tr("The memory the selected layers' weights take"));
    m_buttons = new QHBoxLayout;
    form->addRow(m_buttons);
    form->addRow(new QLabel(tr("<b>Model now</b>"), this));
    m_running = add(tr("Running:"), tr("The layers the model runs now"));
    m_pruned = add(tr("Layers dropped:"), tr("The layers dropped from the model now (original numbering)"));
    m_loss = add(tr("Held-out loss:"), tr("The held-out loss before and after the layers were dropped"));
    setSelection(-1, -1, std::nan(""));
    for (QLabel *l : {m_running, m_pruned, m_loss})
        l->setText(QStringLiteral("—"));
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

void SelectionPanel::setPruneResult(const lc::PrunePlan &plan, const lc::BlockPlan &blocks,
                                    const lc::LossResult &before, const lc::LossResult &after, bool heldOut)
{
    const int L = static_cast<int>(plan.sourceLayers), K = static_cast<int>(plan.kept.size());
    const std::vector<int64_t> dropped = plan.dropped(), inserted = blocks.insertedAfter();
    QString running = plan.prunesAnything() ? tr("%1 of %2 layers").arg(K).arg(L) : tr("all %1 layers").arg(L);
    if (!inserted.empty())
        running +=
            QLatin1Char('\n') + tr("and %n new block(s), after layer(s) %1", nullptr, static_cast<int>(inserted.size()))
                                    .arg(rangesText(inserted));
    m_running->setText(running);
    m_pruned->setText(plan.prunesAnything()
                          ? tr("%1 (%n layer(s))", nullptr, static_cast<int>(dropped.size())).arg(rangesText(dropped))
                          : tr("none"));
    const bool changes = plan.prunesAnything() || !inserted.empty();
    if (before.tokens == 0) {
        m_loss->setText(changes ? tr("choose analysis data to check the loss") : QStringLiteral("—"));
        return;
    }
    const auto loss = [](const lc::LossResult &r) {
        return tr("%1 (perplexity %2)")
            .arg(QLocale().toString(r.loss, 'f', 3), QLocale().toString(r.perplexity(), 'f', 1));
    };
    QString text =
        changes ? tr("before %1, after %2: %3%4")
                      .arg(loss(before), loss(after), after.loss >= before.loss ? QStringLiteral("+") : QString(),
                           QLocale().toString(after.loss - before.loss, 'f', 3))
                : loss(before);
    text += QLatin1Char('\n') +
            tr("%n held-out sequence(s), %1 tokens", nullptr, static_cast<int>(before.sequences)).arg(before.tokens);
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
    std::vector<int64_t> layers;
    if (first >= 0)
        for (int i = std::min(first, last); i <= std::max(first, last); ++i)
            layers.push_back(i);
    setSelectedLayers(layers, distance);
}

void SelectionPanel::setSelectedLayers(const std::vector<int64_t> &layers, double distance)
{
    const int64_t L = m_info.config.numLayers;
    m_selected.clear();
    for (const int64_t l : layers)
        if (l >= 0 && l < L)
            m_selected.push_back(l);
    std::sort(m_selected.begin(), m_selected.end());
    m_selected.erase(std::unique(m_selected.begin(), m_selected.end()), m_selected.end());
    if (m_selected.empty()) {
        m_dropped->setText(tr("none: select layers on the heatmap or the layer strip"));
        for (QLabel *l : {m_kept, m_distance, m_share, m_memory})
            l->setText(QStringLiteral("—"));
        return;
    }
    const int n = static_cast<int>(m_selected.size());
    m_dropped->setText(tr("%1 (%n layer(s))", nullptr, n).arg(rangesText(m_selected)));
    std::vector<int64_t> kept;
    for (int64_t i = 0; i < L; ++i)
        if (!std::binary_search(m_selected.begin(), m_selected.end(), i))
            kept.push_back(i);
    m_kept->setText(tr("%1 (%n layer(s))", nullptr, static_cast<int>(kept.size()))
                        .arg(kept.empty() ? tr("none") : rangesText(kept)));
    const bool contiguous = m_selected.back() - m_selected.front() + 1 == n;
    m_distance->setText(!std::isnan(distance) ? QLocale().toString(distance, 'f', 4)
                        : contiguous          ? QStringLiteral("—")
                                              : tr("— (not one contiguous block)"));
    const int64_t removed = n * m_info.config.parametersPerLayer();
    const double share = m_info.parameterCount ? 100.0 * static_cast<double>(removed) / m_info.parameterCount : 0;
    m_share->setText(
        tr("%1 parameters (%2% of the model)").arg(format::count(removed), QLocale().toString(share, 'f', 1)));
    const std::string dtype = m_info.computeDtype.empty() ? m_info.checkpointDtype : m_info.computeDtype;
    m_memory->setText(tr("%1 in %2")
                          .arg(format::bytes(static_cast<quint64>(removed * bytesPerParameter(dtype))),
                               QString::fromStdString(dtype)));
}

QString SelectionPanel::droppedText() const
{
    return m_dropped->text();
}
QString SelectionPanel::keptText() const
{
    return m_kept->text();
}
QString SelectionPanel::shareText() const
{
    return m_share->text();
}
QString SelectionPanel::prunedText() const
{
    return m_pruned->text();
}
QString SelectionPanel::runningText() const
{
    return m_running->text();
}
QString SelectionPanel::lossText() const
{
    return m_loss->text();
}
