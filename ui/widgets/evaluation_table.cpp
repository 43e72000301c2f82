// SPDX-License-Identifier: GPL-3.0-or-later
// The per-subject results table. Numeric columns sort by value (the display text is formatted), and the
// summary rows (overall, categories, BoolQ, GSM8K) are bold so they stand out wherever sorting puts them.
#include "widgets/evaluation_table.h"

#include <cmath>

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

#include "format.h"
#include "result_titles.h"

namespace {

/** A cell that sorts by the number in Qt::UserRole rather than by its text. */
class NumberItem final : public QTableWidgetItem
{
public:
    NumberItem(const QString &text, double value) : QTableWidgetItem(text)
    {
        setData(Qt::UserRole, value);
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem &other) const override
    {
        return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
    }
};

QString percent(double fraction)
{
    return QLocale().toString(100 * fraction, 'f', 1) + QLatin1Char('%');
}

}  // namespace

EvaluationTable::EvaluationTable(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_caption = new QLabel(this);
    QFont bold = m_caption->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() + 1);
    m_caption->setFont(bold);
    m_caption->setWordWrap(true);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setHorizontalHeaderLabels({tr("Subject"), tr("Category"), tr("Accuracy"), tr("Correct"), tr("Questions")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(SubjectColumn, QHeaderView::Stretch);
    for (int c = CategoryColumn; c < ColumnCount; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    layout->addWidget(m_caption);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    clear();
}

QString EvaluationTable::categoryText(const QString &category)
{
    if (category == QLatin1String("stem"))
        return tr("STEM");
    if (category == QLatin1String("humanities"))
        return tr("Humanities");
    if (category == QLatin1String("social_sciences"))
        return tr("Social sciences");
    if (category == QLatin1String("other"))
        return tr("Other");
    return category;
}

void EvaluationTable::clear()
{
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    m_caption->setText(tr("No evaluation yet"));
    m_summary->setText(tr("Choose benchmarks in the Evaluation dock and press Evaluate Model."));
}

void EvaluationTable::addRow(const QString &name, const QString &category, const lc::Tally &tally, bool bold)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto *nameItem = new QTableWidgetItem(name);
    auto *categoryItem = new QTableWidgetItem(category);
    auto *accuracy = new NumberItem(percent(tally.accuracy()), tally.accuracy());
    auto *correct = new NumberItem(QLocale().toString(tally.correct), static_cast<double>(tally.correct));
    auto *questions = new NumberItem(QLocale().toString(tally.total), static_cast<double>(tally.total));
    QTableWidgetItem *items[] = {nameItem, categoryItem, accuracy, correct, questions};
    for (int c = 0; c < ColumnCount; ++c) {
        if (bold) {
            QFont f = items[c]->font();
            f.setBold(true);
            items[c]->setFont(f);
        }
        m_table->setItem(row, c, items[c]);
    }
}

void EvaluationTable::setResult(const lc::EvalResult &result, const QString &caption)
{
    m_table->setSortingEnabled(false);
    m_table->setRowCount(0);
    m_caption->setText(caption.isEmpty() ? tr("Evaluation") : caption);
    QStringList summary;
    if (result.mmlu) {
        const lc::TaskResult &t = *result.mmlu;
        summary << tr("MMLU: %1 of %n question(s) right (%2; chance 25%)", nullptr, static_cast<int>(t.overall.total))
                       .arg(QLocale().toString(t.overall.correct), percent(t.overall.accuracy()));
        addRow(tr("MMLU overall"), QString(), t.overall, true);
        for (const auto &[category, tally] : t.categories)
            addRow(tr("MMLU %1").arg(categoryText(QString::fromStdString(category))), tr("all of the category"), tally,
                   true);
        for (const auto &[subject, tally] : t.subjects)
            addRow(QString::fromStdString(lc::mmluSubjectText(subject)),
                   categoryText(QString::fromStdString(lc::mmluCategory(subject))), tally, false);
    }
    if (result.boolq) {
        const lc::TaskResult &t = *result.boolq;
        summary << tr("BoolQ: %1 (majority class %2)").arg(percent(t.overall.accuracy()), percent(t.majorityBaseline));
        addRow(tr("BoolQ"), QString(), t.overall, true);
    }
    if (result.gsm8k) {
        const lc::GenerativeResult &g = *result.gsm8k;
        summary << tr("GSM8K: %1 strict, %2 flexible (%3 tokens generated at %4 per second)")
                       .arg(percent(g.strict.accuracy()), percent(g.flexible.accuracy()),
                            format::count(g.generatedTokens),
                            format::count(g.seconds > 0 ? static_cast<int64_t>(g.generatedTokens / g.seconds) : 0));
        if (g.truncatedPrompts > 0)
            summary << tr("%n GSM8K prompt(s) cut at the start to leave room for the answer", nullptr,
                          static_cast<int>(g.truncatedPrompts));
        addRow(tr("GSM8K, strict match"), tr("the \"#### number\" answer"), g.strict, true);
        addRow(tr("GSM8K, flexible extract"), tr("the last number"), g.flexible, false);
    }
    if (result.loss)
        summary << tr("held-out loss %1 nats per token, %2 of ln V (perplexity %3) on %4")
                       .arg(QLocale().toString(result.loss->loss, 'f', 3),
                            QLocale().toString(result.normalizedLoss, 'f', 3),
                            format::significant(result.loss->perplexity()),
                            ResultTitles::lossSample(QString::fromStdString(result.lossData.string()),
                                                     result.loss->sequences, result.lossExcludedTrained));
    summary << tr("%1 tokens computed in %2 s")
                   .arg(format::count(result.tokensComputed), QLocale().toString(result.seconds, 'f', 1));
    m_summary->setText(summary.join(QStringLiteral(" · ")));
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // insertion order until a header is clicked
    m_table->setSortingEnabled(true);
}

QString EvaluationTable::summaryText() const
{
    return m_summary->text();
}

int EvaluationTable::rowOf(const QString &text) const
{
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (m_table->item(r, SubjectColumn) && m_table->item(r, SubjectColumn)->text() == text)
            return r;
    return -1;
}
