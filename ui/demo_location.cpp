// SPDX-License-Identifier: GPL-3.0-or-later
// The demo folder: looked up where a developer, a test or the installed package puts it, in that order.
#include "demo_location.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

QStringList DemoLocation::candidates()
{
    QStringList folders;
    // An explicit choice wins, so tests and packagers can point anywhere.
    if (const QString env = qEnvironmentVariable("LAYERCUT_DEMO_DIR"); !env.isEmpty())
        folders << QDir::cleanPath(env);
    folders << QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/layercut/demo"));
#ifdef LAYERCUT_SOURCE_DEMO_DIR
    folders << QDir::cleanPath(QStringLiteral(LAYERCUT_SOURCE_DEMO_DIR));
#endif
    return folders;
}

DemoLocation DemoLocation::find()
{
    for (const QString &folder : candidates())
        if (const DemoLocation demo(folder); demo.isValid())
            return demo;
    return {};
}

DemoLocation::DemoLocation(const QString &root) : m_root(QDir::cleanPath(root)) {}

bool DemoLocation::isValid() const
{
    // A folder without the model's config (e.g. only part of the demo copied yet) is not a demo.
    return !m_root.isEmpty() && QFileInfo(modelFolder() + QStringLiteral("/config.json")).isFile();
}

QString DemoLocation::modelFolder() const
{
    return m_root + QStringLiteral("/model");
}

QString DemoLocation::trainData() const
{
    return m_root + QStringLiteral("/data/train.txt");
}

QString DemoLocation::validationData() const
{
    return m_root + QStringLiteral("/data/validation.txt");
}

QString DemoLocation::mmlu() const
{
    return m_root + QStringLiteral("/data/mmlu");
}

QString DemoLocation::boolq() const
{
    return m_root + QStringLiteral("/data/boolq.jsonl");
}

QString DemoLocation::gsm8k() const
{
    return m_root + QStringLiteral("/data/gsm8k/test.jsonl");
}

QString DemoLocation::gsm8kTrain() const
{
    return m_root + QStringLiteral("/data/gsm8k/train.jsonl");
}
