// SPDX-License-Identifier: GPL-3.0-or-later
// The Generate tab's question picker. Files are read when a question is asked for, and kept while the task
// and its files stay the same: MMLU's release is a few thousand rows, read in a blink, but not on every click.
#include "widgets/benchmark_question_picker.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>

#include "jobs/session.h"
#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/gsm8k.h"

namespace {

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

std::filesystem::path pathOf(const QString &path)
{
    return QDir::fromNativeSeparators(path.trimmed()).toStdString();
}

}  // namespace

BenchmarkQuestionPicker::BenchmarkQuestionPicker(lc::Session *session, QWidget *parent)
    : QWidget(parent), m_session(session)
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("Benchmark question:"), this));
    m_task = new QComboBox(this);
    m_task->setObjectName(QStringLiteral("benchmarkTask"));
    m_task->addItem(tr("GSM8K"), static_cast<int>(Task::Gsm8k));
    m_task->addItem(tr("MMLU"), static_cast<int>(Task::Mmlu));
    m_task->addItem(tr("BoolQ"), static_cast<int>(Task::Boolq));
    m_task->setToolTip(tr("A question of the file set in the Evaluation dock, asked as the evaluation asks it"));
    row->addWidget(m_task);
    m_number = new QSpinBox(this);
    m_number->setObjectName(QStringLiteral("benchmarkNumber"));
    m_number->setRange(1, 1000000);
    m_number->setPrefix(tr("No. "));
    m_number->setToolTip(tr("The question's place in the file (MMLU: over the subjects in alphabetical order)"));
    row->addWidget(m_number);
    m_shots = new QSpinBox(this);
    m_shots->setObjectName(QStringLiteral("benchmarkShots"));
    m_shots->setRange(0, 25);
    m_shots->setSuffix(tr(" shots"));
    m_shots->setToolTip(tr("Solved examples before the question (the harness's defaults: 5 for GSM8K and MMLU, "
                           "none for BoolQ)"));
    row->addWidget(m_shots);
    const auto defaultShots = [this] { m_shots->setValue(m_task->currentData().toInt() == int(Task::Boolq) ? 0 : 5); };
    connect(m_task, &QComboBox::currentIndexChanged, this, defaultShots);
    defaultShots();
    auto *use = new QPushButton(tr("Use Question"), this);
    use->setObjectName(QStringLiteral("useQuestionButton"));
    use->setToolTip(tr("Put the question's prompt, its stop strings and a fitting number of new tokens into the "
                       "form"));
    row->addWidget(use);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("benchmarkReference"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_message, 1);
    connect(use, &QPushButton::clicked, this, [this] {
        if (const std::optional<BenchmarkPrompt> p = chosen())
            emit questionChosen(*p);
    });
}

void BenchmarkQuestionPicker::setTask(Task task)
{
    m_task->setCurrentIndex(m_task->findData(static_cast<int>(task)));
}

void BenchmarkQuestionPicker::setNumber(int number)
{
    m_number->setValue(number);
}

void BenchmarkQuestionPicker::setShots(int shots)
{
    m_shots->setValue(shots);
}

QString BenchmarkQuestionPicker::message() const
{
    return m_message->text();
}

void BenchmarkQuestionPicker::load(Task task, const std::filesystem::path &file, const std::filesystem::path &examples,
                                   int64_t shots)
{
    if (m_loadedTask == task && m_loadedFile == file && m_loadedExamples == examples && m_loadedShots == shots)
        return;
    m_loadedTask.reset();
    m_prompts.clear();
    std::vector<BenchmarkPrompt> prompts;
    switch (task) {
    case Task::Gsm8k: {
        std::vector<lc::MathProblem> problems = lc::readGsm8k(file);
        std::vector<lc::MathProblem> solved = examples.empty() ? problems : lc::readGsm8k(examples);
        solved.resize(std::min<size_t>(solved.size(), static_cast<size_t>(shots)));
        if (examples.empty())  // the file's first rows are the examples, as the evaluation takes them
            problems.erase(problems.begin(), problems.begin() + static_cast<std::ptrdiff_t>(solved.size()));
        const std::string prefix = lc::gsm8kFewShotPrefix(solved);
        QStringList stops;
        for (const std::string &s : lc::gsm8kStopStrings())
            stops << text(s);
        for (const lc::MathProblem &p : problems)
            prompts.push_back({text(prefix + lc::gsm8kQuestionText(p)), stops, 256,
                               tr("Reference answer: %1").arg(text(lc::normalizeGsm8kAnswer(p.answer)))});
        break;
    }
    case Task::Mmlu: {
        const lc::MmluData data = lc::readMmlu(file, shots);
        for (const auto &[subject, questions] : data.test) {
            std::vector<lc::ChoiceQuestion> solved;
            if (const auto dev = data.dev.find(subject); dev != data.dev.end())  // the first k, as evaluated
                solved.assign(dev->second.begin(),
                              dev->second.begin() + std::min<std::ptrdiff_t>(shots, std::ssize(dev->second)));
            const std::string prefix = lc::mmluFewShotPrefix(subject, solved);
            for (const lc::ChoiceQuestion &q : questions) {
                const QString letter(QChar(static_cast<char16_t>(u'A' + q.answer)));
                prompts.push_back({text(prefix + lc::mmluQuestionText(q)),
                                   {QStringLiteral("\n")},
                                   2,
                                   tr("Reference answer: %1 (%2; %3)")
                                       .arg(letter, text(q.choices.at(static_cast<size_t>(q.answer))),
                                            text(lc::mmluSubjectText(subject)))});
            }
        }
        break;
    }
    case Task::Boolq: {
        const std::vector<lc::ChoiceQuestion> rows = lc::readBoolq(file);
        const auto k = std::min<std::ptrdiff_t>(shots, std::ssize(rows));  // the first k, then not asked
        const std::string prefix = lc::boolqFewShotPrefix({rows.begin(), rows.begin() + k});
        for (auto q = rows.begin() + k; q != rows.end(); ++q)
            prompts.push_back(
                {text(prefix + lc::boolqQuestionText(*q)),
                 {QStringLiteral("\n")},
                 2,
                 tr("Reference answer: %1").arg(q->answer == 1 ? QStringLiteral("yes") : QStringLiteral("no"))});
        break;
    }
    }
    m_prompts = std::move(prompts);
    m_loadedTask = task;
    m_loadedFile = file;
    m_loadedExamples = examples;
    m_loadedShots = shots;
}

std::optional<BenchmarkPrompt> BenchmarkQuestionPicker::chosen()
{
    const auto task = static_cast<Task>(m_task->currentData().toInt());
    const lc::InputPaths &paths = m_session->inputPaths();
    const QString file = task == Task::Gsm8k  ? paths.evaluationGsm8k
                         : task == Task::Mmlu ? paths.evaluationMmlu
                                              : paths.evaluationBoolq;
    if (file.trimmed().isEmpty()) {
        m_message->setText(tr("Set the %1 file in the Evaluation dock first.").arg(m_task->currentText()));
        return std::nullopt;
    }
    try {
        load(task, pathOf(file), task == Task::Gsm8k ? pathOf(paths.evaluationGsm8kTrain) : std::filesystem::path(),
             m_shots->value());
    } catch (const lc::Error &e) {
        m_message->setText(text(e.what()));
        return std::nullopt;
    }
    const int n = m_number->value();
    if (n > static_cast<int>(m_prompts.size())) {
        m_message->setText(tr("The file has %n question(s) to ask.", nullptr, static_cast<int>(m_prompts.size())));
        return std::nullopt;
    }
    const BenchmarkPrompt &p = m_prompts[static_cast<size_t>(n - 1)];
    m_message->setText(p.reference);
    return p;
}
