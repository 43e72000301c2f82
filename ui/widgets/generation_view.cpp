// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/generation_view.h"

#include <cmath>

#include <QCheckBox>
#include <QColor>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "jobs/session.h"
#include "widgets/benchmark_question_picker.h"

namespace {

constexpr std::array<lc::ModelVariant, 3> kVariants = {lc::ModelVariant::Original, lc::ModelVariant::Pruned,
                                                       lc::ModelVariant::Healed};

size_t indexOf(lc::ModelVariant v)
{
    return static_cast<size_t>(v);
}

/** "a, \n\n" -> {"a", "\n\n"}: comma-separated, with \n and \t written as escapes. */
std::vector<std::string> parseStops(const QString &text)
{
    std::vector<std::string> stops;
    for (QString part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        part = part.trimmed().replace(QLatin1String("\\n"), QLatin1String("\n")).replace(QLatin1String("\\t"), "\t");
        if (!part.isEmpty())
            stops.push_back(part.toStdString());
    }
    return stops;
}

/** The inverse of parseStops: {"a", "\n\n"} -> "a, \n\n". */
QString stopsText(const QStringList &stops)
{
    QStringList escaped;
    for (QString s : stops)
        escaped
            << s.replace(QLatin1String("\n"), QLatin1String("\\n")).replace(QLatin1String("\t"), QLatin1String("\\t"));
    return escaped.join(QLatin1String(", "));
}

}  // namespace

GenerationView::GenerationView(lc::Session *session, QWidget *parent) : QWidget(parent), m_session(session)
{
    auto *layout = new QVBoxLayout(this);
    m_picker = new BenchmarkQuestionPicker(session, this);
    layout->addWidget(m_picker);
    auto *top = new QHBoxLayout;
    m_prompt = new QPlainTextEdit(this);
    m_prompt->setObjectName(QStringLiteral("generationPrompt"));
    m_prompt->setPlaceholderText(tr("Type a prompt, e.g. \"Question: What is the capital of France?\\nAnswer:\""));
    m_prompt->setMaximumHeight(m_prompt->fontMetrics().lineSpacing() * 6);
    top->addWidget(m_prompt, 1);
    auto *settings = new QFormLayout;
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setObjectName(QStringLiteral("generationMaxTokens"));
    m_maxTokens->setRange(1, 4096);
    m_maxTokens->setValue(64);
    settings->addRow(tr("New tokens:"), m_maxTokens);
    m_stops = new QLineEdit(this);
    m_stops->setObjectName(QStringLiteral("generationStops"));
    m_stops->setPlaceholderText(tr("e.g. Question:, \\n\\n"));
    m_stops->setToolTip(tr("Texts that end a continuation, separated by commas (\\n for a line break). The "
                           "model's end-of-sequence token always ends it."));
    settings->addRow(tr("Stop at:"), m_stops);
    auto *which = new QHBoxLayout;
    const std::array<QString, 3> names = {tr("Original"), tr("Pruned"), tr("Healed")};
    for (size_t i = 0; i < 3; ++i) {
        m_use[i] = new QCheckBox(names[i], this);
        m_use[i]->setChecked(true);
        which->addWidget(m_use[i]);
    }
    settings->addRow(tr("Models:"), which);
    m_generate = new QPushButton(tr("&Generate"), this);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    settings->addRow(m_generate);
    top->addLayout(settings);
    layout->addLayout(top);

    auto *grid = new QGridLayout;
    for (size_t i = 0; i < 3; ++i) {
        m_titles[i] = new QLabel(this);
        m_titles[i]->setTextFormat(Qt::PlainText);
        QFont bold = m_titles[i]->font();
        bold.setBold(true);
        m_titles[i]->setFont(bold);
        m_columns[i] = new QTextBrowser(this);
        m_columns[i]->setObjectName(QStringLiteral("generationColumn%1").arg(i));
        m_footers[i] = new QLabel(this);
        m_footers[i]->setWordWrap(true);
        grid->addWidget(m_titles[i], 0, static_cast<int>(i));
        grid->addWidget(m_columns[i], 1, static_cast<int>(i));
        grid->addWidget(m_footers[i], 2, static_cast<int>(i));
    }
    grid->setRowStretch(1, 1);
    layout->addLayout(grid, 1);
    auto *legend = new QLabel(tr("Each token's background: the probability its model gave it, from red (unlikely) "
                                 "through yellow to green (certain). Greedy decoding: each model picks its most "
                                 "likely token."),
                              this);
    legend->setWordWrap(true);
    layout->addWidget(legend);

    connect(m_generate, &QPushButton::clicked, this, &GenerationView::generate);
    connect(m_picker, &BenchmarkQuestionPicker::questionChosen, this, [this](const BenchmarkPrompt &p) {
        m_prompt->setPlainText(p.prompt);
        m_stops->setText(stopsText(p.stops));
        m_maxTokens->setValue(p.maxNewTokens);
    });
    connect(m_session, &lc::Session::generationStep, this, &GenerationView::showStep);
    connect(m_session, &lc::Session::generationUnavailable, this, &GenerationView::showUnavailable);
    connect(m_session, &lc::Session::busyChanged, this, &GenerationView::showAvailability);
    for (auto signal : {&lc::Session::planChanged, &lc::Session::modelChanged})
        connect(m_session, signal, this, &GenerationView::showAvailability);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, &GenerationView::showAvailability);
    showAvailability();
}

QString GenerationView::columnTitle(lc::ModelVariant variant) const
{
    const qint64 all = m_session->modelInfo().config.numLayers;
    const auto kept = static_cast<qint64>(m_session->plan().kept.size());
    const auto added = static_cast<int>(m_session->blocks().insertedAfter().size());
    // QLoRA quantised the kept layers for healing: the columns without adapters run that NF4 base.
    const bool nf4Base = m_session->isHealed() && !m_session->healingRuns().empty() &&
                         m_session->healingRuns().back().config.quantization == lc::BaseQuantization::Nf4;
    switch (variant) {
    case lc::ModelVariant::Original:
        return nf4Base ? tr("Original (%1 layers, the kept ones as healing's NF4 base)").arg(all)
                       : tr("Original (%1 layers)").arg(all);
    case lc::ModelVariant::Pruned:
        if (added > 0)  // new blocks, untrained: the identity
            return tr("Pruned (%1 of %2 layers, %n new block(s) untrained)", nullptr, added).arg(kept).arg(all);
        return nf4Base ? tr("Pruned (%1 of %2 layers, healing's NF4 base)").arg(kept).arg(all)
                       : tr("Pruned (%1 of %2 layers)").arg(kept).arg(all);
    case lc::ModelVariant::Healed:
        if (added > 0)
            return tr("Healed (%1 of %2 layers, %n new block(s))", nullptr, added).arg(kept).arg(all);
        return tr("Healed (%1 of %2 layers)").arg(kept).arg(all);
    }
    return {};
}

void GenerationView::showAvailability()
{
    const bool model = m_session->hasModel();
    const bool pruned = model && m_session->changesModel();
    const std::array<bool, 3> available = {model, pruned || m_session->isHealed(), m_session->isHealed()};
    for (size_t i = 0; i < 3; ++i) {
        m_use[i]->setEnabled(available[i]);
        m_titles[i]->setText(available[i] ? columnTitle(kVariants[i]) : QString());
    }
    m_use[1]->setToolTip(available[1] ? QString() : tr("Drop layers first: the model runs all of them."));
    m_use[2]->setToolTip(available[2] ? QString() : tr("Heal the pruned model first."));
    m_generate->setEnabled(model && !m_session->isBusy() && !m_prompt->toPlainText().isEmpty() &&
                           !request().variants.empty());
}

lc::GenerationRequest GenerationView::request() const
{
    lc::GenerationRequest r;
    r.prompt = m_prompt->toPlainText().toStdString();
    r.options.maxNewTokens = m_maxTokens->value();
    r.options.stopStrings = parseStops(m_stops->text());
    r.options.batchSize = 1;
    for (size_t i = 0; i < 3; ++i)
        if (m_use[i]->isEnabled() && m_use[i]->isChecked())
            r.variants.push_back(kVariants[i]);
    return r;
}

void GenerationView::setPrompt(const QString &prompt)
{
    m_prompt->setPlainText(prompt);
}

QString GenerationView::prompt() const
{
    return m_prompt->toPlainText();
}

QString GenerationView::stopStrings() const
{
    return m_stops->text();
}

void GenerationView::setMaxNewTokens(int tokens)
{
    m_maxTokens->setValue(tokens);
}

QString GenerationView::columnText(lc::ModelVariant variant) const
{
    return m_columns[indexOf(variant)]->toPlainText();
}

bool GenerationView::generate()
{
    const lc::GenerationRequest r = request();
    if (!m_session->generate(r))
        return false;
    for (size_t i = 0; i < 3; ++i) {
        m_columns[i]->clear();
        m_footers[i]->clear();
        // Only the models asked for get a column.
        const bool runs = std::find(r.variants.begin(), r.variants.end(), kVariants[i]) != r.variants.end();
        for (QWidget *w : {static_cast<QWidget *>(m_titles[i]), static_cast<QWidget *>(m_columns[i]),
                           static_cast<QWidget *>(m_footers[i])})
            w->setVisible(runs);
        m_titles[i]->setText(runs ? columnTitle(kVariants[i]) : QString());
        if (runs)
            m_footers[i]->setText(tr("Waiting…"));
    }
    return true;
}

QString GenerationView::coloredHtml(const lc::GeneratedText &text)
{
    QString html = QStringLiteral("<div style=\"white-space: pre-wrap;\">");
    for (size_t i = 0; i < text.pieces.size() && i < text.logprobs.size(); ++i) {
        const double p = std::exp(text.logprobs[i]);
        // Hue 0 (red) at p = 0 to 120 (green) at p = 1, pale enough for black text.
        const QColor background = QColor::fromHsl(static_cast<int>(std::lround(120.0 * p)), 170, 205);
        QString piece = QString::fromStdString(text.pieces[i]).toHtmlEscaped();
        piece.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
        html += QStringLiteral("<span style=\"background-color: %1;\">%2</span>").arg(background.name(), piece);
    }
    return html + QStringLiteral("</div>");
}

void GenerationView::showStep(lc::ModelVariant variant, const lc::GeneratedText &soFar)
{
    const size_t i = indexOf(variant);
    m_columns[i]->setHtml(coloredHtml(soFar));
    double sum = 0;
    for (const double lp : soFar.logprobs)
        sum += lp;
    const auto n = static_cast<int>(soFar.tokens.size());
    QString footer =
        tr("%n token(s), mean log-probability %1", nullptr, n).arg(QLocale().toString(n > 0 ? sum / n : 0.0, 'f', 2));
    if (soFar.done) {
        switch (soFar.finish) {
        case lc::FinishReason::StopString:
            footer = tr("%1 · stopped at \"%2\"").arg(footer, QString::fromStdString(soFar.stopString).toHtmlEscaped());
            break;
        case lc::FinishReason::EndOfSequence: footer = tr("%1 · end of sequence").arg(footer); break;
        case lc::FinishReason::Length: footer = tr("%1 · token limit").arg(footer); break;
        }
    }
    m_footers[i]->setText(footer);
}

void GenerationView::showUnavailable(lc::ModelVariant variant, const QString &reason)
{
    const size_t i = indexOf(variant);
    m_columns[i]->clear();
    m_footers[i]->setText(tr("Not available: %1").arg(reason));
}
