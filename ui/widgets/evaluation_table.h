// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "jobs/metatypes.h"

class QLabel;
class QTableWidget;

/**
 * One evaluation's results: a summary line (MMLU overall, BoolQ against its majority class, GSM8K, the
 * held-out loss and its value over ln V) above a sortable table with a row per MMLU subject, per category
 * and overall, BoolQ, and GSM8K under both of the harness's answer filters: name, category, accuracy,
 * correct answers and questions.
 */
class EvaluationTable final : public QWidget
{
    Q_OBJECT

public:
    enum Column { SubjectColumn, CategoryColumn, AccuracyColumn, CorrectColumn, QuestionsColumn, ColumnCount };

    explicit EvaluationTable(QWidget *parent = nullptr);

    /** Shows `result`; `caption` says what was evaluated (model, layers, healed). */
    void setResult(const lc::EvalResult &result, const QString &caption = QString());
    void clear();

    QTableWidget *table() const { return m_table; }
    QString summaryText() const;
    /** The row whose subject cell reads `text` (a subject as shown, e.g. "anatomy"), or -1. */
    int rowOf(const QString &text) const;
    /** The harness's category key ("stem", …) as shown, translated. */
    static QString categoryText(const QString &category);

private:
    void addRow(const QString &name, const QString &category, const lc::Tally &tally, bool bold);

    QLabel *m_caption = nullptr, *m_summary = nullptr;
    QTableWidget *m_table = nullptr;
};
