// SPDX-License-Identifier: GPL-3.0-or-later
// One plan everywhere: the same layer options choose the same layers in prune, heal, eval and sweep, always
// from distances of the unquantised weights; and data given as token ids needs no tokenizer.
#include <fstream>

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include "cli_runner.h"
#include "test_device.h"

#include "layercut/analysis_cache.h"
#include "layercut/json_file.h"
#include "layercut/layer_distances.h"
#include "layercut/plan_choice.h"

#include <nlohmann/json.hpp>

using namespace lc;
using lc::test::runCli;
using lc::test::testDevice;
namespace fs = std::filesystem;

namespace {

const QString kFixtures = LAYERCUT_FIXTURES_DIR;
const std::string kModel = std::string(LAYERCUT_FIXTURES_DIR) + "/models/llama3_gqa_sharded";
const std::string kCorpus = std::string(LAYERCUT_FIXTURES_DIR) + "/data/tiny_corpus.txt";

std::vector<int64_t> ints(const QJsonArray &a)
{
    std::vector<int64_t> out;
    for (const auto &v : a)
        out.push_back(v.toInteger());
    return out;
}

}  // namespace

class TestPlanChoice final : public QObject
{
    Q_OBJECT

private slots:
    // An NF4 model in memory chooses what the dense one would: the distances are the checkpoint's.
    void distancesAreAlwaysOfTheUnquantisedWeights()
    {
        const PlanSample sample{kCorpus, {.samples = 12, .maxLength = 32, .seed = 3}, 4};
        ModelSession dense;
        dense.load(kModel, testDevice());
        const LayerDistances reference = measurePlanDistances(kModel, sample, testDevice(), &dense);
        LoadOptions nf4 = testDevice();
        nf4.nf4 = true;
        ModelSession quantised;
        quantised.load(kModel, nf4);
        const LayerDistances chosenFrom = measurePlanDistances(kModel, sample, testDevice(), &quantised);
        QCOMPARE(chosenFrom.angular.size(), reference.angular.size());
        for (size_t i = 0; i < reference.angular.size(); ++i)
            QVERIFY(std::isnan(reference.angular[i]) ? std::isnan(chosenFrom.angular[i])
                                                     : chosenFrom.angular[i] == reference.angular[i]);
        // ... and not those of the NF4 weights, which differ.
        const TokenizedDataset data = readTokenized(kCorpus, quantised.tokenizer(), sample.options);
        const LayerDistances ofNf4 = computeLayerDistances(quantised, data.sequences, {.batchSize = 4});
        double difference = 0;
        for (int64_t n = 1; n <= 6; ++n)
            for (int64_t l = 0; l + n <= 6; ++l)
                difference = std::max(difference, std::abs(ofNf4.angularAt(n, l) - reference.angularAt(n, l)));
        QVERIFY(difference > 1e-6);

        PlanRequest request;
        request.count = 2;
        request.sample = sample;
        QCOMPARE(choosePrunePlan(request, kModel, testDevice(), &quantised).plan.kept,
                 choosePrunePlan(request, kModel, testDevice(), &dense).plan.kept);
        QCOMPARE(choosePrunePlan(request, kModel, testDevice(), nullptr).plan.kept,
                 choosePrunePlan(request, kModel, testDevice(), &dense).plan.kept);
    }

    void requestsAreChecked()
    {
        PlanRequest none;
        QVERIFY_THROWS_EXCEPTION(Error, choosePrunePlan(none, kModel, {}, nullptr));
        PlanRequest two;
        two.count = 2;
        two.layers = {1};
        QVERIFY_THROWS_EXCEPTION(Error, choosePrunePlan(two, kModel, {}, nullptr));
        PlanRequest noData;
        noData.count = 2;
        QVERIFY_THROWS_EXCEPTION(Error, choosePrunePlan(noData, kModel, {}, nullptr));
        PlanRequest deepest;
        deepest.count = 2;
        deepest.strategy = PruneStrategy::Deepest;
        QCOMPARE(choosePrunePlan(deepest, kModel, {}, nullptr).plan.dropped(), (std::vector<int64_t>{3, 4}));
    }

    // The same --n --strategy similarity --samples --max-length --seed drop the same layers in every command,
    // and heal's layercut.json says which.
    void everyCommandDropsTheSameLayers()
    {
        QTemporaryDir dir;
        const QStringList plan = {"--n",          "2",  "--strategy", "similarity", "--samples", "12",
                                  "--max-length", "24", "--seed",     "5"};
        const auto pruned = runCli(QStringList{"prune", QString::fromStdString(kModel), "--data",
                                               QString::fromStdString(kCorpus), "--out", dir.filePath("pruned")} +
                                   plan);
        QVERIFY2(pruned.exitCode == 0, pruned.err.constData());
        const std::vector<int64_t> dropped = ints(pruned.json()["dropped_layers"].toArray());
        QCOMPARE(dropped.size(), size_t(2));

        const auto healed =
            runCli(QStringList{"heal", QString::fromStdString(kModel), "--data", QString::fromStdString(kCorpus),
                               "--steps", "1", "--batch", "1", "--seq-len", "16", "--out", dir.filePath("healed")} +
                   plan);
        QVERIFY2(healed.exitCode == 0, healed.err.constData());
        QCOMPARE(ints(healed.json()["dropped_layers"].toArray()), dropped);
        const nlohmann::json record = readJsonFile(dir.filePath("healed/layercut.json").toStdString());
        QCOMPARE(record["dropped_layers"].get<std::vector<int64_t>>(), dropped);
        QCOMPARE(record["method"].get<std::string>(), std::string("similarity"));

        const auto evaluated =
            runCli(QStringList{"eval", QString::fromStdString(kModel), "--val-data", QString::fromStdString(kCorpus),
                               "--plan-data", QString::fromStdString(kCorpus), "--out", dir.filePath("eval.json"),
                               "--n", "2", "--samples", "12", "--max-length", "24", "--seed", "5"});
        QVERIFY2(evaluated.exitCode == 0, evaluated.err.constData());
        const nlohmann::json e = readJsonFile(dir.filePath("eval.json").toStdString());
        QCOMPARE(e["dropped"].get<std::string>(), PrunePlan::ranges(dropped));

        const auto swept =
            runCli({"sweep", QString::fromStdString(kModel), "--fractions", "0.34", "--data",
                    QString::fromStdString(kCorpus), "--val-data", QString::fromStdString(kCorpus), "--samples", "12",
                    "--max-length", "24", "--seed", "5", "--out", dir.filePath("sweep.json")});
        QVERIFY2(swept.exitCode == 0, swept.err.constData());
        const nlohmann::json s = readJsonFile(dir.filePath("sweep.json").toStdString());
        QCOMPARE(s["points"][0]["dropped_layers"].get<std::vector<int64_t>>(), dropped);
    }

    // `sweep --cache` keeps the distances it measures where the GUI keeps its heatmaps (the same key), and a
    // later sweep of the same model, data and sample reads them instead of measuring.
    void sweepCachesDistances()
    {
        QTemporaryDir dir;
        const QString cache = dir.filePath("cache");
        const QStringList sweep = {"sweep",          QString::fromStdString(kModel),
                                   "--fractions",    "0.34",
                                   "--data",         QString::fromStdString(kCorpus),
                                   "--val-data",     QString::fromStdString(kCorpus),
                                   "--loss-samples", "4",
                                   "--samples",      "12",
                                   "--max-length",   "24",
                                   "--cache",        cache};
        const auto first = runCli(sweep + QStringList{"--out", dir.filePath("first.json")});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        QVERIFY(first.err.contains("measuring distances"));
        const fs::path cached =
            distancesCachePath(cache.toStdString(), kModel, kCorpus, {.samples = 12, .maxLength = 24}, "float32", "");
        QVERIFY(fs::exists(cached));
        const auto second = runCli(sweep + QStringList{"--out", dir.filePath("second.json")});
        QVERIFY2(second.exitCode == 0, second.err.constData());
        QVERIFY2(!second.err.contains("measuring distances"), second.err.constData());
        const auto dropped = [&](const char *file) {
            const nlohmann::json sweep = readJsonFile(dir.filePath(file).toStdString());
            return sweep["points"][0]["dropped_layers"].get<std::vector<int64_t>>();
        };
        QCOMPARE(dropped("second.json"), dropped("first.json"));
        QVERIFY(runCli({"sweep", "--help"}).out.contains("--cache"));
    }

    // A folder without tokenizer files reads token ids; only text needs a tokenizer, and the error says so.
    void tokenIdsNeedNoTokenizer()
    {
        QTemporaryDir dir;
        const fs::path model = fs::path(dir.path().toStdString()) / "no-tokenizer";
        fs::create_directories(model);
        for (const auto &e : fs::directory_iterator(kModel))
            if (e.path().filename().string().rfind("tokenizer", 0) != 0)
                fs::copy_file(e.path(), model / e.path().filename());
        const std::string ids = dir.filePath("ids.jsonl").toStdString();
        std::ofstream out(ids);
        for (int d = 0; d < 12; ++d) {
            nlohmann::json row;
            for (int t = 0; t < 10 + d; ++t)
                row["input_ids"].push_back((d * 37 + t * 11) % 480 + 3);
            out << row.dump() << "\n";
        }
        out.close();
        const QString m = QString::fromStdString(model.string());
        const auto distances =
            runCli({"distances", m, "--data", QString::fromStdString(ids), "--out", dir.filePath("d.json")});
        QVERIFY2(distances.exitCode == 0, distances.err.constData());
        const auto pruned = runCli({"prune", m, "--n", "1", "--data", QString::fromStdString(ids), "--samples", "8",
                                    "--out", dir.filePath("pruned")});
        QVERIFY2(pruned.exitCode == 0, pruned.err.constData());
        QVERIFY(pruned.json()["loss_check"].toObject()["after"].toObject()["loss"].toDouble() > 0);
        const auto text =
            runCli({"distances", m, "--data", QString::fromStdString(kCorpus), "--out", dir.filePath("t.json")});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.err.contains("tiny_corpus.txt") && text.err.contains("input_ids"), text.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestPlanChoice)
#include "tst_plan_choice.moc"
