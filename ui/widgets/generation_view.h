// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>

#include <QWidget>

#include "jobs/metatypes.h"

namespace lc {
class Session;
}
class BenchmarkQuestionPicker;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTextBrowser;

/**
 * Side-by-side generations: a prompt, continued greedily by the original model (every layer), the pruned
 * one (before healing) and the healed one, streamed token by token into three columns, each token's
 * background coloured by the probability its model gave it. What a user looks at to believe a pruned model
 * still works. The prompt is typed or a benchmark question (BenchmarkQuestionPicker), and the settings are
 * the view's own; the work runs as the session's Generate job.
 */
class GenerationView final : public QWidget
{
    Q_OBJECT

public:
    explicit GenerationView(lc::Session *session, QWidget *parent = nullptr);

    /** The request the form describes (its variants: those checked and available now). */
    lc::GenerationRequest request() const;
    void setPrompt(const QString &prompt);
    void setMaxNewTokens(int tokens);
    BenchmarkQuestionPicker *questionPicker() const { return m_picker; }
    QString prompt() const;
    QString stopStrings() const;  // as typed: comma-separated, \n escaped
    /** A column's text as shown (for tests). */
    QString columnText(lc::ModelVariant variant) const;
    /** Starts the request now; false when the session is busy or there is nothing to run. */
    bool generate();

    /** HTML of `text` split into `pieces` with each token's background by its probability exp(logprob). */
    static QString coloredHtml(const lc::GeneratedText &text);

private:
    void showAvailability();
    void showStep(lc::ModelVariant variant, const lc::GeneratedText &soFar);
    void showUnavailable(lc::ModelVariant variant, const QString &reason);
    QString columnTitle(lc::ModelVariant variant) const;

    lc::Session *m_session;
    BenchmarkQuestionPicker *m_picker = nullptr;
    QPlainTextEdit *m_prompt = nullptr;
    QSpinBox *m_maxTokens = nullptr;
    QLineEdit *m_stops = nullptr;
    QPushButton *m_generate = nullptr;
    std::array<QCheckBox *, 3> m_use{};
    std::array<QLabel *, 3> m_titles{};
    std::array<QTextBrowser *, 3> m_columns{};
    std::array<QLabel *, 3> m_footers{};
};
