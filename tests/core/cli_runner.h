// SPDX-License-Identifier: GPL-3.0-or-later
// Runs layercut-cli as a user would, for the suites that check its output.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace lc::test {

struct CliRun
{
    int exitCode = -1;
    QByteArray out, err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

inline CliRun runCli(const QStringList &args, int timeoutMs = 300000)
{
    QProcess p;
    p.start(LAYERCUT_CLI, args);
    p.waitForFinished(timeoutMs);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

}  // namespace lc::test
