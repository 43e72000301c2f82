// SPDX-License-Identifier: GPL-3.0-or-later
#include "welcome_page.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    auto *hint = new QLabel(tr("<h2>LayerCut</h2><p>Open a Hugging Face checkpoint folder (Llama, Mistral, Qwen2, "
                               "Qwen3; safetensors) to see which of its layers can be dropped.</p>"),
                            this);
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    auto *openButton = new QPushButton(tr("Open Model Folder…"), this);
    connect(openButton, &QPushButton::clicked, this, &WelcomePage::openRequested);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(hint);
    layout->addWidget(openButton, 0, Qt::AlignCenter);
    layout->addStretch(2);
}
