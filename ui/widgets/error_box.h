// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

class QWidget;

/**
 * Shows a non-modal error box over `parent`: a translated headline over the details (the core's English
 * message, which names the file and the problem). Non-modal, so the compute thread's signals keep flowing.
 * Its object name is "errorBox", for tests.
 */
void showErrorBox(QWidget *parent, const QString &headline, const QString &details);
