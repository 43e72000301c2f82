// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/error_box.h"

#include <QCoreApplication>
#include <QMessageBox>

void showErrorBox(QWidget *parent, const QString &headline, const QString &details)
{
    auto *box = new QMessageBox(QMessageBox::Critical, QCoreApplication::translate("MainWindow", "LayerCut"), headline,
                                QMessageBox::Ok, parent);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setInformativeText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}
