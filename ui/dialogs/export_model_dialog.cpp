// SPDX-License-Identifier: GPL-3.0-or-later
#include "dialogs/export_model_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QComboBox>

ExportModelDialog::ExportModelDialog(const QString &suggested, const QString &checkpointDtype, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export Pruned Model"));
    auto *form = new QFormLayout(this);
    m_folder = new QLineEdit(QDir::toNativeSeparators(suggested), this);
    m_folder->setMinimumWidth(420);
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString parent = QFileDialog::getExistingDirectory(this, tr("Folder to Create the Model In"),
                                                                 QFileInfo(folder()).absolutePath());
        if (!parent.isEmpty())
            m_folder->setText(QDir::toNativeSeparators(QDir(parent).filePath(QFileInfo(folder()).fileName())));
    });
    auto *row = new QHBoxLayout;
    row->addWidget(m_folder, 1);
    row->addWidget(browse);
    form->addRow(tr("New model folder:"), row);
    m_dtype = new QComboBox(this);
    m_dtype->addItem(tr("Keep the checkpoint's (%1)").arg(checkpointDtype), QString());
    for (const char *name : {"float32", "bfloat16", "float16"})
        m_dtype->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    form->addRow(tr("Weights stored as:"), m_dtype);
    m_shardGb = new QDoubleSpinBox(this);
    m_shardGb->setRange(0.01, 100);
    m_shardGb->setDecimals(2);
    m_shardGb->setValue(5);
    m_shardGb->setSuffix(tr(" GB"));
    form->addRow(tr("Largest shard:"), m_shardGb);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QString ExportModelDialog::folder() const
{
    return QDir::fromNativeSeparators(m_folder->text().trimmed());
}

lc::ExportOptions ExportModelDialog::options() const
{
    lc::ExportOptions o;
    o.maxShardBytes = static_cast<uint64_t>(m_shardGb->value() * 1e9);
    if (const QString dtype = m_dtype->currentData().toString(); !dtype.isEmpty())
        o.dtype = lc::parseDType(dtype.toStdString());
    o.overwrite = m_replace;
    return o;
}

void ExportModelDialog::accept()
{
    if (folder().isEmpty())
        return;
    m_replace = false;
    if (QFileInfo::exists(folder())) {
        const auto answer = QMessageBox::question(
            this, tr("Replace Folder?"),
            tr("%1 already exists. Replace it? The old folder is removed only once the new one is complete.")
                .arg(QDir::toNativeSeparators(folder())));
        if (answer != QMessageBox::Yes)
            return;
        m_replace = true;
    }
    QDialog::accept();
}
