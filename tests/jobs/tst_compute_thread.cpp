// SPDX-License-Identifier: GPL-3.0-or-later
// The compute thread: loads off the calling thread with progress, reports failures as signals, and
// cancels promptly.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "jobs/compute_thread.h"

using namespace lc;

namespace {

/** See tst_main_window.cpp: wait on the main-thread busy flag, then read the worker's spies. */
bool waitIdle(const ComputeThread &compute, int ms = 30000)
{
    return QTest::qWaitFor([&compute] { return !compute.isBusy(); }, ms);
}

bool load(ComputeThread &compute, const QString &folder)
{
    return compute.run([folder](ModelWorker *w, std::stop_token stop) { w->loadModel(folder, {}, stop); });
}

bool measure(ComputeThread &compute, const QString &data, const QString &cache)
{
    return compute.run([data, cache](ModelWorker *w, std::stop_token stop) {
        w->measureDistances(data, {.samples = 8, .maxLength = 16}, 4, cache, stop);
    });
}

}  // namespace

class TestComputeThread final : public QObject
{
    Q_OBJECT

private slots:
    void loadsOnTheComputeThread()
    {
        ComputeThread compute;
        QThread *workerThread = nullptr;
        connect(
            compute.worker(), &ModelWorker::progressChanged, this, [&] { workerThread = QThread::currentThread(); },
            Qt::DirectConnection);
        QSignalSpy loaded(compute.worker(), &ModelWorker::modelLoaded);
        QSignalSpy progress(compute.worker(), &ModelWorker::progressChanged);
        QSignalSpy busy(&compute, &ComputeThread::busyChanged);
        load(compute, LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded");
        QVERIFY(compute.isBusy());
        QVERIFY(waitIdle(compute));
        QCOMPARE(loaded.count(), 1);
        QVERIFY(progress.count() > 2);
        QVERIFY(workerThread && workerThread != QThread::currentThread());
        const auto info = loaded.first().first().value<ModelInfo>();
        QCOMPARE(info.config.numLayers, int64_t(6));
        QCOMPARE(info.shardCount, 4);
        QCOMPARE(busy.count(), 2);
    }

    void failureBecomesSignal()
    {
        ComputeThread compute;
        QSignalSpy failed(compute.worker(), &ModelWorker::failed);
        load(compute, "/nonexistent/model");
        QVERIFY(waitIdle(compute));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains("/nonexistent/model"));
    }

    void cancelStopsTheLoad()
    {
        ComputeThread compute;
        QSignalSpy cancelled(compute.worker(), &ModelWorker::cancelled);
        QSignalSpy loaded(compute.worker(), &ModelWorker::modelLoaded);
        // Cancel from the first progress report: the load must end as cancelled, not loaded.
        connect(
            compute.worker(), &ModelWorker::progressChanged, &compute, [&] { compute.cancel(); }, Qt::DirectConnection);
        load(compute, LAYERCUT_FIXTURES_DIR "/models/qwen3_qknorm");
        QVERIFY(waitIdle(compute));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(loaded.count(), 0);
    }

    // A binary file chosen as data is refused: no distances come back, and the cache keeps only the good result.
    void garbageDataNeverReplacesAResult()
    {
        QTemporaryDir dir;
        ComputeThread compute;
        QSignalSpy ready(compute.worker(), &ModelWorker::distancesReady);
        QSignalSpy failed(compute.worker(), &ModelWorker::failed);
        load(compute, LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded");
        QVERIFY(waitIdle(compute));
        const QString cache = dir.filePath(QStringLiteral("cache"));
        measure(compute, LAYERCUT_FIXTURES_DIR "/data/tiny_corpus.txt", cache);
        QVERIFY(waitIdle(compute));
        QCOMPARE(ready.count(), 1);
        QCOMPARE(QDir(cache).entryList(QDir::Files).size(), 1);

        QFile binary(dir.filePath(QStringLiteral("weights.txt")));
        QVERIFY(binary.open(QIODevice::WriteOnly));
        for (int i = 0; i < 4096; ++i)
            binary.putChar(static_cast<char>((i * 7919) % 256));
        binary.close();
        measure(compute, binary.fileName(), cache);
        QVERIFY(waitIdle(compute));
        QCOMPARE(ready.count(), 1);
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("weights.txt")),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(QDir(cache).entryList(QDir::Files).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestComputeThread)
#include "tst_compute_thread.moc"
