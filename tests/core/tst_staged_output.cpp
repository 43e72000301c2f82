// SPDX-License-Identifier: GPL-3.0-or-later
// StagedOutput: outputs appear whole or not at all, a replace never loses the previous target, and what a killed
// writer left behind is cleaned by the next writer in the folder, without touching a live writer's work.
#include <csignal>
#include <sys/resource.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "layercut/atomic_file.h"
#include "layercut/error.h"
#include "layercut/staged_output.h"

using lc::StagedOutput;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

void writeText(const QString &path, const QByteArray &content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

/** The folder's entries, hidden ones included, sorted. */
QStringList entries(const QString &dir)
{
    QStringList list = QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    return list;
}

std::string path(const QString &p)
{
    return p.toStdString();
}

}  // namespace

class TestStagedOutput : public QObject
{
    Q_OBJECT

private slots:
    void fileAppearsOnlyOnCommit()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath("out.json");
        writeText(target, "previous");
        {
            StagedOutput out(path(target), StagedOutput::Kind::File);
            out.write(std::string_view("new"));
            QCOMPARE(readAll(target), QByteArray("previous"));  // not before commit
        }
        QCOMPARE(readAll(target), QByteArray("previous"));  // dropped without commit: nothing changed
        QCOMPARE(entries(dir.path()), QStringList{"out.json"});
        lc::writeFileAtomically(path(target), "new");
        QCOMPARE(readAll(target), QByteArray("new"));
        QCOMPARE(entries(dir.path()), QStringList{"out.json"});
    }

    void folderReplacesThePreviousInOneStep()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath("model");
        QVERIFY(QDir().mkpath(target));
        writeText(target + "/a", "old a");
        writeText(target + "/b", "old b");
        {
            StagedOutput out(path(target + "/"), StagedOutput::Kind::Folder);  // a trailing slash, as shells add
            QCOMPARE(QString::fromStdString(out.target().string()), QDir::cleanPath(target));
            writeText(QString::fromStdString(out.path().string()) + "/a", "new a");
            out.commit();
        }
        QCOMPARE(entries(target), QStringList{"a"});
        QCOMPARE(readAll(target + "/a"), QByteArray("new a"));
        QCOMPARE(entries(dir.path()), QStringList{"model"});
    }

    void anErrorWhileFillingNamesTheTarget()
    {
        QTemporaryDir dir;
        StagedOutput out(path(dir.filePath("model")), StagedOutput::Kind::Folder);
        const std::string message = "'" + (out.path() / "config.json").string() + "': cannot be written";
        QCOMPARE(QString::fromStdString(out.inTargetTerms(message)),
                 "'" + dir.filePath("model") + "/config.json': cannot be written");
    }

    void aSecondWriterOfTheSameTargetIsRefused()
    {
        QTemporaryDir dir;
        StagedOutput first(path(dir.filePath("out.json")), StagedOutput::Kind::File);
        try {
            StagedOutput second(path(dir.filePath("out.json")), StagedOutput::Kind::File);
            QFAIL("a second writer was let in");
        } catch (const lc::Error &e) {
            QVERIFY2(QString(e.what()).contains("is writing it right now"), e.what());
            QVERIFY2(QString(e.what()).contains(dir.filePath("out.json")), e.what());
        }
    }

    void aKilledWritersLeftoversAreCleanedByTheNextWriter()
    {
        QTemporaryDir dir;
        // What `kill -9` leaves: a free lock and a half-written temporary, for this target and for another.
        for (const QString name : {"model", "other"}) {
            writeText(dir.filePath("." + name + ".layercut-lock"), "");
            QVERIFY(QDir().mkpath(dir.filePath("." + name + ".layercut-tmp-0123456789abcdef/sub")));
            writeText(dir.filePath("." + name + ".layercut-tmp-0123456789abcdef/sub/model.safetensors"), "half");
        }
        writeText(dir.filePath(".model.layercut-tmp-notours"), "a user's file that only looks like ours");
        {
            StagedOutput out(path(dir.filePath("model")), StagedOutput::Kind::Folder);
            out.commit();
        }
        QCOMPARE(entries(dir.path()), (QStringList{".model.layercut-tmp-notours", "model"}));
    }

    void aLiveWritersWorkIsNotTouched()
    {
        QTemporaryDir dir;
        StagedOutput live(path(dir.filePath("big")), StagedOutput::Kind::Folder);
        const QStringList before = entries(dir.path());
        QCOMPARE(before.size(), 2);  // the lock and the temporary
        QVERIFY(lc::cleanStaleOutputs(path(dir.path())).empty());
        lc::writeFileAtomically(path(dir.filePath("small.json")), "{}");  // another output in the same folder
        QVERIFY(QFileInfo(QString::fromStdString(live.path().string())).isDir());
        QCOMPARE(entries(dir.path()), before + QStringList{"small.json"});
    }

    void anInterruptedTwoRenameReplaceGetsThePreviousBack()
    {
        // Without RENAME_EXCHANGE a replace is two renames; killed between them, the previous folder is under
        // the "old" name and the new one complete under "tmp", with no target.
        QTemporaryDir dir;
        writeText(dir.filePath(".model.layercut-lock"), "");
        QVERIFY(QDir().mkpath(dir.filePath(".model.layercut-old-00000000000000aa")));
        writeText(dir.filePath(".model.layercut-old-00000000000000aa/config.json"), "previous");
        QVERIFY(QDir().mkpath(dir.filePath(".model.layercut-tmp-00000000000000bb")));
        const auto cleaned = lc::cleanStaleOutputs(path(dir.path()));
        QCOMPARE(cleaned.size(), size_t{3});  // the target restored, the temporary, the lock
        QCOMPARE(entries(dir.path()), QStringList{"model"});
        QCOMPARE(readAll(dir.filePath("model/config.json")), QByteArray("previous"));
    }

    void aFullDiskIsAClearErrorAndLeavesNothing()
    {
        // A file-size limit fails write() as a full disk does (EFBIG instead of ENOSPC), without a small disk.
        QTemporaryDir dir;
        const QString target = dir.filePath("model.safetensors");
        writeText(target, "previous");
        struct rlimit saved;
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit limited = {4096, saved.rlim_max};
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
        QString message;
        try {
            StagedOutput out(path(target), StagedOutput::Kind::File);
            const std::string block(1 << 20, 'x');
            out.write(block);
            out.commit();
        } catch (const lc::Error &e) {
            message = e.what();
        }
        setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, previousHandler);
        QVERIFY2(message.startsWith("'" + target + "': cannot be written: "), qPrintable(message));
        QVERIFY2(message.contains("larger than this file system or this process may write"), qPrintable(message));
        QCOMPARE(readAll(target), QByteArray("previous"));
        QCOMPARE(entries(dir.path()), QStringList{"model.safetensors"});
    }
};

QTEST_GUILESS_MAIN(TestStagedOutput)
#include "tst_staged_output.moc"
