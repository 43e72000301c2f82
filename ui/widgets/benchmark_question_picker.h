// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <QWidget>

namespace lc {
class Session;
}
class QComboBox;
class QLabel;
class QSpinBox;

/** A benchmark question as the evaluation asks it, for the Generate tab to continue. */
struct BenchmarkPrompt
{
    QString prompt;        // the harness's whole prompt: few-shot examples, then the question
    QStringList stops;     // where the harness's generation would stop
    int maxNewTokens = 0;  // enough for the answer the task expects
    QString reference;     // the right answer, as the user reads it
};

/**
 * Picks the n-th question of the GSM8K, MMLU or BoolQ file set in the Evaluation dock (the session's input
 * paths) and builds the prompt the evaluation gives the model, with k solved examples (the harness's
 * defaults: 5 for GSM8K and MMLU, none for BoolQ): GSM8K's from its examples file (else its own first rows,
 * then not asked) with generation's stop strings; MMLU's from the subject's dev questions; BoolQ's the
 * file's first rows. So a user sees what a pruned model answers to a question it is scored on.
 */
class BenchmarkQuestionPicker final : public QWidget
{
    Q_OBJECT

public:
    enum class Task { Gsm8k, Mmlu, Boolq };

    explicit BenchmarkQuestionPicker(lc::Session *session, QWidget *parent = nullptr);

    void setTask(Task task);
    void setNumber(int number);  // 1-based, in file order (MMLU: over the subjects in alphabetical order)
    void setShots(int shots);    // solved examples before the question; a new task resets it to its default
    /** The chosen question's prompt; nullopt with the reason shown when there is none. */
    std::optional<BenchmarkPrompt> chosen();
    QString message() const;

signals:
    void questionChosen(const BenchmarkPrompt &prompt);

private:
    /** Reads the task's file into m_prompts unless it is read already. Throws lc::Error. */
    void load(Task task, const std::filesystem::path &file, const std::filesystem::path &examples, int64_t shots);

    lc::Session *m_session;
    QComboBox *m_task = nullptr;
    QSpinBox *m_number = nullptr, *m_shots = nullptr;
    QLabel *m_message = nullptr;
    // What is read: the task and its files, and every question's prompt.
    std::optional<Task> m_loadedTask;
    std::filesystem::path m_loadedFile, m_loadedExamples;
    int64_t m_loadedShots = 0;
    std::vector<BenchmarkPrompt> m_prompts;
};
