// SPDX-License-Identifier: GPL-3.0-or-later
#include "panels/analysis_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include "settings/app_settings.h"

AnalysisPanel::AnalysisPanel(QWidget *parent) : QWidget(parent)
{
    auto *form = new QFormLayout(this);
    form->setLabelAlignment(Qt::AlignRight);

    auto *dataRow = new QHBoxLayout;
    m_data = new QLineEdit(settings::analysisData.value(), this);
    m_data->setPlaceholderText(tr("text, JSON Lines or C4 .json.gz"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Choose Data"), m_data->text(),
                                                          tr("Datasets (*.txt *.jsonl *.json *.gz);;All files (*)"));
        if (!file.isEmpty())
            setDataFile(file);
    });
    connect(m_data, &QLineEdit::textChanged, this, [this] { emit dataFileChanged(dataFile()); });
    dataRow->addWidget(m_data, 1);
    dataRow->addWidget(browse);
    form->addRow(tr("Data:"), dataRow);

    auto spin = [&](int min, int max, int value, const QString &tip) {
        auto *s = new QSpinBox(this);
        s->setRange(min, max);
        s->setValue(value);
        s->setToolTip(tip);
        return s;
    };
    m_samples = spin(0, 1'000'000, settings::analysisSamples.value(), tr("Documents to use; 0 uses all"));
    m_samples->setSpecialValueText(tr("all"));
    m_maxLength = spin(8, 131072, settings::analysisMaxLength.value(), tr("Longer documents are truncated"));
    m_batch = spin(1, 512, settings::analysisBatch.value(), tr("Documents per forward pass"));
    m_seed = spin(0, 1'000'000, 0, tr("Which documents are sampled"));
    form->addRow(tr("Samples:"), m_samples);
    form->addRow(tr("Max tokens:"), m_maxLength);
    form->addRow(tr("Batch:"), m_batch);
    form->addRow(tr("Seed:"), m_seed);
    m_run = new QPushButton(tr("Measure Distances"), this);
    m_run->setDefault(true);
    connect(m_run, &QPushButton::clicked, this, &AnalysisPanel::runRequested);
    form->addRow(m_run);

    m_metric = new QComboBox(this);
    m_metric->addItem(tr("Angular distance, last token"));
    m_metric->addItem(tr("Angular distance, all tokens"));
    connect(m_metric, &QComboBox::currentIndexChanged, this, &AnalysisPanel::metricChanged);
    form->addRow(tr("Metric:"), m_metric);
    m_normalize = new QCheckBox(tr("Normalise each row (as in the paper)"), this);
    connect(m_normalize, &QCheckBox::toggled, this, &AnalysisPanel::normalizeRowsChanged);
    form->addRow(m_normalize);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    form->addRow(m_status);
}

int AnalysisPanel::metric() const
{
    return m_metric->currentIndex();
}

void AnalysisPanel::setMetric(int metric)
{
    if (metric >= 0 && metric < m_metric->count())
        m_metric->setCurrentIndex(metric);  // emits metricChanged, which the heatmap follows
}

bool AnalysisPanel::normalizeRows() const
{
    return m_normalize->isChecked();
}

void AnalysisPanel::setNormalizeRows(bool normalize)
{
    m_normalize->setChecked(normalize);
}

QString AnalysisPanel::dataFile() const
{
    return m_data->text().trimmed();
}

void AnalysisPanel::setDataFile(const QString &path)
{
    m_data->setText(path);
}

void AnalysisPanel::rememberSettings() const
{
    settings::analysisData.setValue(dataFile());
    settings::analysisSamples.setValue(m_samples->value());
    settings::analysisMaxLength.setValue(m_maxLength->value());
    settings::analysisBatch.setValue(m_batch->value());
}

lc::DatasetOptions AnalysisPanel::datasetOptions() const
{
    return {.samples = m_samples->value(),
            .maxLength = m_maxLength->value(),
            .seed = static_cast<uint64_t>(m_seed->value())};
}

int AnalysisPanel::batchSize() const
{
    return m_batch->value();
}

void AnalysisPanel::setRunEnabled(bool enabled)
{
    m_run->setEnabled(enabled);
}

void AnalysisPanel::setStatus(const QString &text)
{
    m_status->setText(text);
}
