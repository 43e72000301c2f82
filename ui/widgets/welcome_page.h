// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

/** What the window shows before a model is open: what LayerCut does, and a button to open a model folder. */
class WelcomePage final : public QWidget
{
    Q_OBJECT

public:
    explicit WelcomePage(QWidget *parent = nullptr);

signals:
    void openRequested();
};
