// SPDX-License-Identifier: GPL-3.0-or-later
// Runs layercut-cli as a user would, for the suites that check its output.
#pragma once

#include <csignal>
#include <sys/resource.h>

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

/** Caps on the child process, in bytes (0: none): its address space, and the size of any file it writes. */
struct CliLimits
{
    quint64 addressSpace = 0;
    quint64 fileSize = 0;  // a write past it fails with EFBIG, as a full disk fails with ENOSPC
};

inline CliRun runCli(const QStringList &args, int timeoutMs = 300000, CliLimits limits = {})
{
    QProcess p;
    p.setChildProcessModifier([limits] {
        if (limits.addressSpace) {
            const struct rlimit r = {limits.addressSpace, limits.addressSpace};
            setrlimit(RLIMIT_AS, &r);
        }
        if (limits.fileSize) {
            std::signal(SIGXFSZ, SIG_IGN);  // else the kernel kills the writer instead of failing its write
            const struct rlimit r = {limits.fileSize, limits.fileSize};
            setrlimit(RLIMIT_FSIZE, &r);
        }
    });
    p.start(LAYERCUT_CLI, args);
    p.waitForFinished(timeoutMs);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

}  // namespace lc::test
