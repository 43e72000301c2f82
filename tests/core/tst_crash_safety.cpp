// SPDX-License-Identifier: GPL-3.0-or-later
// kill -9 at random moments of the commands that write outputs: a pruned export (replacing an earlier one with
// --force), a healing run's checkpoints and merged model, and a sweep's result file. After every kill the
// previous output must still be whole (never half-written, never missing), and the next run must clean what the
// killed one left beside it.
#include <functional>
#include <random>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "layercut/checkpoint.h"
#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/model_config.h"
#include "layercut/safetensors_file.h"

using lc::test::runCli;

namespace {

const QString kFixtures = QStringLiteral(LAYERCUT_FIXTURES_DIR);
const QString kModel = kFixtures + "/models/qwen3_qknorm";  // 6 layers, 1.5 MB
const QString kCorpus = kFixtures + "/data/tiny_corpus.txt";
const QString kBoolq = kFixtures + "/data/boolq_tiny.jsonl";
constexpr int kKills = 21;  // 7 of each kind of moment

/** The entries a killed writer leaves beside its outputs (temporaries and locks), anywhere below `dir`. */
QStringList leftovers(const QString &dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (it.fileName().contains(".layercut-"))
            found << QDir(dir).relativeFilePath(path);
    }
    return found;
}

/** When a kill's delay starts counting. */
enum class Moment {
    Start,         // the process started
    Marker,        // a progress line on stderr
    WhileWriting,  // a temporary output appeared: the kill lands inside a write
};

/**
 * Runs layercut-cli with `args` and kills it with SIGKILL `ms` milliseconds after `moment` (`marker` is the
 * progress line, `folder` where temporaries appear), unless it ends first. Returns whether it was killed, and
 * through `momentMs` (when given) how long the moment took to come.
 */
bool runAndKill(const QStringList &args, Moment moment, const QString &marker, const QString &folder, int ms,
                int *momentMs = nullptr)
{
    const QStringList before = leftovers(folder);  // a killed run's, cleaned by this one
    const auto writing = [&] {
        for (const QString &entry : leftovers(folder))
            if (entry.contains(".layercut-tmp-") && !before.contains(entry))
                return true;
        return false;
    };
    QProcess p;
    QElapsedTimer timer;
    p.start(LAYERCUT_CLI, args);
    if (!p.waitForStarted())
        return false;
    timer.start();
    QByteArray err;
    for (;;) {
        if (moment == Moment::Start)
            break;
        if (moment == Moment::Marker && (err += p.readAllStandardError()).contains(marker.toUtf8()))
            break;
        if (moment == Moment::WhileWriting && writing())
            break;
        if (p.waitForFinished(moment == Moment::WhileWriting ? 0 : 1))
            return false;
    }
    if (momentMs)
        *momentMs = static_cast<int>(timer.elapsed());
    if (ms > 0 && p.waitForFinished(ms))
        return false;
    p.kill();
    p.waitForFinished();
    return true;
}

/** Empty when `dir` is a whole model folder of one of `layerCounts` layers; else what is wrong. */
QString wholeModel(const QString &dir, const QList<int64_t> &layerCounts)
{
    try {
        const auto config = lc::ModelConfig::fromFile((dir + "/config.json").toStdString());
        if (!layerCounts.contains(config.numLayers))
            return dir + ": " + QString::number(config.numLayers) + " layers";
        const nlohmann::json record = lc::readJsonFile((dir + "/layercut.json").toStdString());
        if (record.at("kept_layers").size() != static_cast<size_t>(config.numLayers))
            return dir + "/layercut.json does not match config.json";
        // Every shard opens (its header inside the file, every tensor's data within it) and every tensor of the
        // configured layers is there with its shape.
        lc::Checkpoint::open(dir.toStdString()).checkAgainst(config);
    } catch (const std::exception &e) {
        return e.what();
    }
    return {};
}

/** Empty when every checkpoint folder of a healing run is whole; else what is wrong. */
QString wholeCheckpoints(const QString &out)
{
    const QStringList steps = QDir(out + "/checkpoints").entryList({"step-*"}, QDir::Dirs);
    for (const QString &step : steps) {
        const QString dir = out + "/checkpoints/" + step;
        try {
            const nlohmann::json state = lc::readJsonFile((dir + "/trainer_state.json").toStdString());
            if (state.at("step").get<int64_t>() != step.mid(5).toLongLong())
                return dir + ": trainer_state.json is of another step";
            lc::SafetensorsFile training((dir + "/training_state.safetensors").toStdString());
            lc::SafetensorsFile adapter((dir + "/adapter_model.safetensors").toStdString());
        } catch (const std::exception &e) {
            return e.what();
        }
    }
    return {};
}

}  // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

    std::mt19937 m_random{20261201};

    /**
     * Runs `args(i)` once to the end (it must succeed), then kKills times killed at a random moment, checking
     * `whole()` after every kill; then once more to the end, after which nothing may be left beside the outputs
     * below `folder`. The kills take turns: anywhere in a run (uniform over 0–110 % of the first run's time),
     * after the progress line `writing` (within the time the first run took from there to its end), and 0–2 ms
     * after a temporary output appears (inside a write). With `mustHitWrites`, some kill must have landed inside
     * a write (seen by what it left).
     */
    void killRepeatedly(const QString &folder, const QString &writing, const std::function<QStringList(int)> &args,
                        const std::function<QString()> &whole, bool mustHitWrites = true)
    {
        QElapsedTimer timer;
        timer.start();
        int writingMs = 0;
        QVERIFY(!runAndKill(args(0), writing.isEmpty() ? Moment::Start : Moment::Marker, writing, folder, 600000,
                            &writingMs));
        const int runMs = static_cast<int>(timer.elapsed());
        QCOMPARE(whole(), QString());
        int killed = 0, killedMidWrite = 0;
        for (int i = 1; i <= kKills; ++i) {
            Moment moment = i % 3 == 0 ? Moment::Start : i % 3 == 1 ? Moment::Marker : Moment::WhileWriting;
            if (moment == Moment::Marker && writing.isEmpty())
                moment = Moment::Start;
            const int upTo = moment == Moment::Start    ? runMs * 11 / 10
                             : moment == Moment::Marker ? runMs - writingMs
                                                        : 2;
            const int ms = std::uniform_int_distribution<int>(0, upTo)(m_random);
            if (runAndKill(args(i), moment, writing, folder, ms))
                ++killed;
            if (!leftovers(folder).isEmpty())
                ++killedMidWrite;
            const QString problem = whole();
            const QString when = moment == Moment::Start    ? "its start"
                                 : moment == Moment::Marker ? "'" + writing + "'"
                                                            : "a temporary appeared";
            QVERIFY2(problem.isEmpty(), qPrintable(QString("killed %1 ms after %2: %3").arg(ms).arg(when, problem)));
        }
        const auto last = runCli(args(kKills + 1));
        QVERIFY2(last.exitCode == 0, last.err.constData());
        QCOMPARE(whole(), QString());
        QCOMPARE(leftovers(folder), QStringList());
        qInfo("%d of %d runs killed, %d of them while writing (temporaries left for the next run to clean)", killed,
              kKills, killedMidWrite);
        QVERIFY2(!mustHitWrites || killedMidWrite > 0,
                 "no kill landed while an output was being written: the test proved nothing");
    }

private slots:
    void pruneWithForce()
    {
        // Two plans in turn (4 and 5 layers kept), in 13 shards, so a kill can land between shards.
        QTemporaryDir dir;
        const QString out = dir.filePath("pruned");
        killRepeatedly(
            dir.path(), "exporting",
            [&](int i) {
                return QStringList{"prune",   kModel,         "--layers", i % 2 ? "1,2" : "4", "--out", out,
                                   "--force", "--shard-size", "100KB"};
            },
            [&] {
                return wholeModel(out, {4, 5});
            });
    }

    void fullDiskKeepsThePreviousExport()
    {
        // A file-size cap fails the writes as a full disk does (EFBIG for ENOSPC), part-way through the weights.
        QTemporaryDir dir;
        const QString out = dir.filePath("pruned");
        const auto first = runCli({"prune", kModel, "--layers", "1,2", "--out", out});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        const auto full =
            runCli({"prune", kModel, "--layers", "4", "--out", out, "--force"}, 120000, {.fileSize = 256 * 1024});
        QCOMPARE(full.exitCode, 1);
        const QString err = QString::fromUtf8(full.err).trimmed().section('\n', -1);
        QVERIFY2(err.startsWith("layercut-cli: error: '" + out + "/model.safetensors': cannot be written: "),
                 qPrintable(err));
        QCOMPARE(wholeModel(out, {4}), QString());  // the previous export, untouched
        QCOMPARE(leftovers(dir.path()), QStringList());
    }

    void healWithCheckpointsAndMerge()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("healed");
        killRepeatedly(
            dir.path(), "writing checkpoint",
            [&](int i) {
                return QStringList{"heal",
                                   kModel,
                                   "--layers",
                                   "1,2",
                                   "--data",
                                   kCorpus,
                                   "--steps",
                                   "3",
                                   "--batch",
                                   "2",
                                   "--seq-len",
                                   "32",
                                   "--checkpoint-every",
                                   "1",
                                   "--seed",
                                   QString::number(i),
                                   "--out",
                                   out,
                                   "--merge",
                                   "--force",
                                   "--shard-size",
                                   "100KB"};
            },
            [&] {
                const QString checkpoints = wholeCheckpoints(out);
                return checkpoints.isEmpty() ? wholeModel(out + "/merged", {4}) : checkpoints;
            });
    }

    void sweepResultFile()
    {
        // A sweep saves its result file after every point and resumes from it; whenever it exists it is whole.
        QTemporaryDir dir;
        const QString out = dir.filePath("sweep.json");
        killRepeatedly(
            dir.path(), "",
            [&](int) {
                QFile::remove(out);  // start over each time, so every run writes every point
                return QStringList{"sweep",      kModel,    "--out",          out,    "--fractions",   "0.2,0.4,0.6",
                                   "--strategy", "deepest", "--boolq",        kBoolq, "--limit",       "4",
                                   "--val-data", kCorpus,   "--loss-samples", "2",    "--loss-length", "16"};
            },
            [&]() -> QString {
                if (!QFile::exists(out))
                    return {};
                try {
                    const nlohmann::json j = lc::readJsonFile(out.toStdString());
                    return j.at("points").is_array() ? QString() : out + ": no points";
                } catch (const std::exception &e) {
                    return e.what();
                }
            },
            /*mustHitWrites=*/false);  // a few kilobytes, written in microseconds: a kill seldom lands inside
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crash_safety.moc"
