// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include "jobs/metatypes.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

/** Settings of the distance analysis (dataset and sampling) and of how the heatmap shows it. */
class AnalysisPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit AnalysisPanel(QWidget *parent = nullptr);

    QString dataFile() const;
    void setDataFile(const QString &path);
    lc::DatasetOptions datasetOptions() const;
    int batchSize() const;
    /** Stores the current choices as the defaults of the next session. */
    void rememberSettings() const;
    void setRunEnabled(bool enabled);
    void setStatus(const QString &text);
    /** How the heatmap shows the distances: SimilarityHeatmap::Metric as int, and row normalisation. */
    int metric() const;
    void setMetric(int metric);
    bool normalizeRows() const;
    void setNormalizeRows(bool normalize);

signals:
    void runRequested();
    void dataFileChanged(const QString &path);
    void metricChanged(int metric);  // SimilarityHeatmap::Metric as int
    void normalizeRowsChanged(bool normalize);

private:
    QLineEdit *m_data = nullptr;
    QSpinBox *m_samples = nullptr, *m_maxLength = nullptr, *m_batch = nullptr, *m_seed = nullptr;
    QPushButton *m_run = nullptr;
    QComboBox *m_metric = nullptr;
    QCheckBox *m_normalize = nullptr;
    QLabel *m_status = nullptr;
};
