// SPDX-License-Identifier: GPL-3.0-or-later
// Angular distances: the formula on synthetic states, agreement with distances computed (here, in double)
// from transformers' own residual states of the fixtures, and invariance to batching and padding; the
// cache's key.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>
#include <QTemporaryDir>
#include <QTest>

#include "layercut/analysis_cache.h"
#include "layercut/error.h"
#include "layercut/file_tree.h"
#include "layercut/layer_distances.h"
#include "test_device.h"
#include "layercut/model_session.h"
#include "reference_data.h"

using namespace lc;

namespace {

/** d(l, n) from the reference states [B, S, T, H] in double, at the last real token (and all tokens). */
struct ReferenceDistances
{
    std::vector<double> last, all;  // [(S) * (S)], row n, column l
};

ReferenceDistances fromStates(const test::Reference &ref)
{
    const int64_t B = ref.statesShape[0], S = ref.statesShape[1], T = ref.statesShape[2], H = ref.statesShape[3];
    ReferenceDistances r;
    r.last.assign(static_cast<size_t>(S * S), 0.0);
    r.all.assign(static_cast<size_t>(S * S), 0.0);
    auto vec = [&](int64_t b, int64_t s, int64_t t) {
        return &ref.states[static_cast<size_t>(((b * S + s) * T + t) * H)];
    };
    auto angle = [&](const float *a, const float *c) {
        double dot = 0, na = 0, nc = 0;
        for (int64_t h = 0; h < H; ++h)
            dot += double(a[h]) * c[h], na += double(a[h]) * a[h], nc += double(c[h]) * c[h];
        return std::acos(std::clamp(dot / std::sqrt(na * nc), -1.0, 1.0)) / M_PI;
    };
    int64_t tokens = 0;
    for (int64_t b = 0; b < B; ++b) {
        int64_t len = 0;
        for (int64_t t = 0; t < T; ++t)
            len += ref.batch.mask[static_cast<size_t>(b * T + t)];
        tokens += len;
        for (int64_t n = 1; n < S; ++n)
            for (int64_t l = 0; l + n < S; ++l) {
                r.last[static_cast<size_t>(n * S + l)] += angle(vec(b, l, len - 1), vec(b, l + n, len - 1)) / double(B);
                for (int64_t t = 0; t < len; ++t)
                    r.all[static_cast<size_t>(n * S + l)] += angle(vec(b, l, t), vec(b, l + n, t));
            }
    }
    for (auto &v : r.all)
        v /= double(tokens);
    return r;
}

std::vector<std::vector<int64_t>> unpaddedRows(const TokenBatch &batch)
{
    std::vector<std::vector<int64_t>> rows(static_cast<size_t>(batch.batch));
    for (int64_t b = 0; b < batch.batch; ++b)
        for (int64_t t = 0; t < batch.length; ++t)
            if (batch.mask[static_cast<size_t>(b * batch.length + t)])
                rows[static_cast<size_t>(b)].push_back(batch.ids[static_cast<size_t>(b * batch.length + t)]);
    return rows;
}

}  // namespace

class TestLayerDistances final : public QObject
{
    Q_OBJECT

private slots:
    void identicalAndOpposite()
    {
        // Three states of a 2-layer model, two tokens: x0 = v, x1 = v, x2 = -v.
        const int64_t T = 2, H = 3;
        const std::vector<float> v = {1, 2, -0.5f, 0.3f, -1, 4};
        std::vector<float> states;
        for (const float sign : {1.f, 1.f, -1.f})
            for (const float x : v)
                states.push_back(sign * x);
        LayerDistanceAccumulator acc(2);
        acc.addSequence(states.data(), T, H);
        const LayerDistances d = acc.result();
        QCOMPARE(d.samples, int64_t(1));
        QCOMPARE(d.tokens, T);
        QVERIFY(std::abs(d.angularAt(1, 0) - 0.0) < 1e-6);  // identical
        QVERIFY(std::abs(d.angularAt(1, 1) - 1.0) < 1e-6);  // opposite
        QVERIFY(std::abs(d.angularAt(2, 0) - 1.0) < 1e-6);
        QVERIFY(std::isnan(d.angularAt(0, 0)) && std::isnan(d.angularAt(2, 1)) && std::isnan(d.angularAt(3, 0)));
        QVERIFY(std::abs(d.blockInfluence[0] - 0.0) < 1e-6);
        QVERIFY(std::abs(d.blockInfluence[1] - 2.0) < 1e-6);
        QCOMPARE(d.optimalStart(1), int64_t(0));
        QCOMPARE(d.optimalStart(0), int64_t(-1));
    }

    void optimalStartPerMetric()
    {
        // L = 3 with the two metrics' minima at different starts: each argmin reads its own matrix.
        LayerDistances d;
        d.numLayers = 3;
        const double nan = std::nan("");
        d.angular.assign(16, nan);
        d.allTokens.assign(16, nan);
        auto set = [](std::vector<double> &m, int64_t n, std::vector<double> row) {
            for (size_t l = 0; l < row.size(); ++l)
                m[static_cast<size_t>(n * 4) + l] = row[l];
        };
        set(d.angular, 1, {0.10, 0.30, 0.20});
        set(d.allTokens, 1, {0.50, 0.40, 0.05});
        set(d.angular, 2, {0.40, 0.35});
        set(d.allTokens, 2, {0.20, 0.60});
        set(d.angular, 3, {0.7});
        set(d.allTokens, 3, {0.8});
        QCOMPARE(d.optimalStart(1), int64_t(0));
        QCOMPARE(d.optimalAllTokensStart(1), int64_t(2));
        QCOMPARE(d.optimalStart(2), int64_t(1));
        QCOMPARE(d.optimalAllTokensStart(2), int64_t(0));
        QCOMPARE(d.optimalAllTokensStart(3), int64_t(0));
        QCOMPARE(d.optimalAllTokensStart(0), int64_t(-1));
        QCOMPARE(d.optimalAllTokensStart(4), int64_t(-1));
        d.allTokens.clear();  // distances without the all-token means
        QCOMPARE(d.optimalAllTokensStart(1), int64_t(-1));
    }

    void orthogonalIsHalf()
    {
        const std::vector<float> states = {1, 0, 0, 1};  // S = 2, T = 1, H = 2
        LayerDistanceAccumulator acc(1);
        acc.addSequence(states.data(), 1, 2);
        QVERIFY(std::abs(acc.result().angularAt(1, 0) - 0.5) < 1e-6);
    }

    void matchesTransformersStates_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const char *name : {"llama3_gqa_sharded", "qwen2_tied_f16", "qwen3_qknorm"})
            QTest::newRow(name) << name;
    }

    void matchesTransformersStates()
    {
        QFETCH(QString, fixture);
        const std::string folder = LAYERCUT_FIXTURES_DIR "/models/" + fixture.toStdString();
        const test::Reference ref = test::readReference(folder);
        const ReferenceDistances expected = fromStates(ref);
        ModelSession session;
        session.load(folder, {});
        const LayerDistances d = computeLayerDistances(session, unpaddedRows(ref.batch), {.batchSize = 2});
        const int64_t S = d.numLayers + 1;
        double worst = 0, worstAll = 0;
        for (int64_t n = 1; n < S; ++n)
            for (int64_t l = 0; l + n < S; ++l) {
                worst = std::max(worst, std::abs(d.angularAt(n, l) - expected.last[static_cast<size_t>(n * S + l)]));
                worstAll =
                    std::max(worstAll, std::abs(d.allTokensAt(n, l) - expected.all[static_cast<size_t>(n * S + l)]));
            }
        qInfo("%s: max |d - d_ref| last token %.2g, all tokens %.2g", qPrintable(fixture), worst, worstAll);
        QVERIFY2(worst <= 1e-4, qPrintable(QString::number(worst)));
        QVERIFY2(worstAll <= 1e-4, qPrintable(QString::number(worstAll)));
    }

    void batchingAndPaddingDoNotMatter()
    {
        // Different lengths force padding in the batched run; one at a time has none.
        const std::string folder = LAYERCUT_FIXTURES_DIR "/models/llama2_spm_classic";
        ModelSession session;
        session.load(folder, {});
        const std::vector<std::vector<int64_t>> seqs = {{1, 5, 9, 200, 31, 7, 8, 99, 100, 3},
                                                        {1, 77, 12},
                                                        {1, 400, 401, 402, 5, 6},
                                                        {1, 2},
                                                        {1, 300, 301, 302, 303}};
        const LayerDistances one = computeLayerDistances(session, seqs, {.batchSize = 1});
        const LayerDistances all = computeLayerDistances(session, seqs, {.batchSize = 5});
        const LayerDistances three = computeLayerDistances(session, seqs, {.batchSize = 3});
        QCOMPARE(all.samples, int64_t(5));
        QCOMPARE(all.tokens, int64_t(26));
        for (size_t i = 0; i < one.angular.size(); ++i) {
            if (std::isnan(one.angular[i]))
                continue;
            QVERIFY(std::abs(one.angular[i] - all.angular[i]) < 1e-5);
            QVERIFY(std::abs(one.angular[i] - three.angular[i]) < 1e-5);
            QVERIFY(std::abs(one.allTokens[i] - all.allTokens[i]) < 1e-5);
        }
        for (size_t i = 0; i < one.blockInfluence.size(); ++i)
            QVERIFY(std::abs(one.blockInfluence[i] - all.blockInfluence[i]) < 1e-5);
    }

    // The streamed pass (block by block over all sequences, streams in host memory) gives the ordinary pass's
    // last-token distances and Block Influence, for families with padding, windows, NoPE layers, soft-capping
    // and post-norms; it measures no all-token means.
    void streamedEqualsOnePass_data()
    {
        QTest::addColumn<QString>("family");
        QTest::addColumn<bool>("blocksOnDemand");
        for (const char *f : {"llama2_spm_classic", "mistral_window", "gemma2_softcap", "smollm3_nope",
                              "olmo2_postnorm", "qwen3_qknorm", "phi3_longrope"})
            for (const bool onDemand : {false, true})
                QTest::addRow("%s%s", f, onDemand ? " blocks on demand" : "") << QString(f) << onDemand;
    }

    void streamedEqualsOnePass()
    {
        QFETCH(QString, family);
        QFETCH(bool, blocksOnDemand);
        const std::string folder = LAYERCUT_FIXTURES_DIR "/models/" + family.toStdString();
        LoadOptions load = test::testDevice();  // the gpu entry runs it on CUDA
        ModelSession session;
        session.load(folder, load);
        const std::vector<std::vector<int64_t>> seqs = {
            {1, 5, 9, 200, 31, 7, 8, 99, 100, 3}, {1, 77, 12}, {1, 40, 41, 42, 5, 6}, {1, 2}, {1, 30, 31, 32, 33}};
        const LayerDistances whole = computeLayerDistances(session, seqs, {.batchSize = 3});
        if (blocksOnDemand) {
            // The blocks stay in the checkpoint until the streamed pass reads each; nothing else can run.
            load.blocksOnDemand = true;
            session.load(folder, load);
            QVERIFY_THROWS_EXCEPTION(Error, computeLayerDistances(session, seqs, {.batchSize = 3}));
            QVERIFY_THROWS_EXCEPTION(Error, session.forward(TokenBatch::single(seqs[0])));
        }
        int64_t reports = 0;
        const LayerDistances streamed = computeLayerDistances(session, seqs, {.batchSize = 3, .streamed = true},
                                                              [&](const Progress &) { ++reports; });
        QCOMPARE(streamed.samples, whole.samples);
        QCOMPARE(streamed.tokens, whole.tokens);
        QCOMPARE(reports, whole.numLayers + 1);  // the start, then each block
        double largest = 0;
        for (size_t i = 0; i < whole.angular.size(); ++i) {
            QCOMPARE(std::isnan(streamed.angular[i]), std::isnan(whole.angular[i]));
            if (!std::isnan(whole.angular[i]))
                largest = std::max(largest, std::abs(streamed.angular[i] - whole.angular[i]));
            QVERIFY(std::isnan(streamed.allTokens[i]));
        }
        for (size_t i = 0; i < whole.blockInfluence.size(); ++i)
            largest = std::max(largest, std::abs(streamed.blockInfluence[i] - whole.blockInfluence[i]));
        QVERIFY2(largest < 1e-6, qPrintable(QString::number(largest)));
        QCOMPARE(streamed.optimalStart(2), whole.optimalStart(2));
        // A stop during the streamed pass ends it.
        std::stop_source stop;
        QVERIFY_THROWS_EXCEPTION(Cancelled, computeLayerDistances(
                                                session, seqs, {.batchSize = 3, .streamed = true},
                                                [&](const Progress &p) {
                                                    if (p.current > 0)
                                                        stop.request_stop();
                                                },
                                                stop.get_token()));
    }

    // Blocks fetched from the checkpoint in NF4 are quantised as a whole NF4 load quantises them.
    void blocksOnDemandInNf4()
    {
        const std::string folder = LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded";
        const std::vector<std::vector<int64_t>> seqs = {{1, 5, 9, 200, 31, 7}, {1, 77, 12}, {1, 40, 41, 42}};
        LoadOptions load = test::testDevice();
        load.nf4 = true;
        ModelSession session;
        session.load(folder, load);
        const LayerDistances loaded = computeLayerDistances(session, seqs, {.batchSize = 2, .streamed = true});
        load.blocksOnDemand = true;
        session.load(folder, load);
        const LayerDistances fetched = computeLayerDistances(session, seqs, {.batchSize = 2, .streamed = true});
        for (size_t i = 0; i < loaded.angular.size(); ++i)
            if (!std::isnan(loaded.angular[i]))
                QCOMPARE(fetched.angular[i], loaded.angular[i]);
    }

    void cancelStopsWithinABatch()
    {
        ModelSession session;
        session.load(LAYERCUT_FIXTURES_DIR "/models/qwen3_qknorm", {});
        std::stop_source stop;
        const std::vector<std::vector<int64_t>> seqs(6, {1, 2, 3, 4});
        int reports = 0;
        QVERIFY_THROWS_EXCEPTION(Cancelled, computeLayerDistances(
                                                session, seqs, {.batchSize = 2},
                                                [&](const Progress &) {
                                                    if (++reports == 2)  // after the first batch
                                                        stop.request_stop();
                                                },
                                                stop.get_token()));
        QCOMPARE(reports, 2);
    }

    void jsonRoundTrip()
    {
        ModelSession session;
        session.load(LAYERCUT_FIXTURES_DIR "/models/qwen3_qknorm", {});
        const LayerDistances d = computeLayerDistances(session, {{1, 2, 3}, {4, 5, 6, 7}}, {});
        const nlohmann::json j = nlohmann::json::parse(distancesToJson(d).dump());
        QCOMPARE(j["angular_distance"].size(), size_t(7));
        QVERIFY(j["angular_distance"][0][0].is_null());
        QVERIFY(j["angular_distance"][6][1].is_null());
        QVERIFY(j["optimal_start"][0].is_null());
        QCOMPARE(j["block_influence"].size(), size_t(6));
        const LayerDistances back = distancesFromJson(j, "x.json");
        QCOMPARE(back.numLayers, d.numLayers);
        QCOMPARE(back.optimalStart(3), d.optimalStart(3));
        QVERIFY(std::abs(back.angularAt(2, 1) - d.angularAt(2, 1)) < 1e-12);
        nlohmann::json broken = j;
        broken["angular_distance"][2] = "x";
        QVERIFY_THROWS_EXCEPTION(Error, distancesFromJson(broken, "x.json"));
    }

    void cacheKeyIsSortedAndCoversWeightStorage()
    {
        namespace fs = std::filesystem;
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString(), model = root / "model", data = root / "data.txt";
        std::ofstream(data) << "some text\n";
        // Neither sorted nor reverse-sorted, so neither a creation-order nor a reverse-creation-order listing
        // is sorted by chance (and a hash order is one of 8! orders).
        const std::vector<std::string> names = {"model-00003-of-00004.safetensors", "config.json",
                                                "model-00001-of-00004.safetensors", "tokenizer.json",
                                                "model-00004-of-00004.safetensors", "generation_config.json",
                                                "model-00002-of-00004.safetensors", "model.safetensors.index.json"};
        const auto when = fs::file_time_type::clock::now() - std::chrono::hours(1);
        const auto writeModel = [&](const std::vector<std::string> &order) {
            QVERIFY(removeTree(model));
            fs::create_directories(model);
            for (const std::string &name : order) {
                std::ofstream(model / name) << name;
                fs::last_write_time(model / name, when);  // the same stamps both times
            }
        };
        writeModel(names);
        const DatasetOptions options;
        const std::string key = distancesCacheKey(model, data, options, "float32", "");
        std::vector<std::string> sorted = names;
        std::sort(sorted.begin(), sorted.end());
        size_t previous = 0;
        for (const std::string &name : sorted) {
            const size_t at = key.find("/" + name + ":");
            QVERIFY2(at != std::string::npos && at >= previous,
                     qPrintable(QString::fromStdString(name + " in " + key)));
            previous = at;
        }
        // The same files written in another order give the same file name.
        const fs::path first = distancesCachePath(root / "cache", model, data, options, "float32", "");
        writeModel({names.rbegin(), names.rend()});
        QCOMPARE(distancesCachePath(root / "cache", model, data, options, "float32", "").string(), first.string());
        // NF4 weights are not the dense ones: another entry; so is another compute dtype.
        QVERIFY(distancesCachePath(root / "cache", model, data, options, "float32", "nf4") != first);
        QVERIFY(distancesCachePath(root / "cache", model, data, options, "bfloat16", "") != first);
        QCOMPARE(first.parent_path().string(), (root / "cache").string());
    }
};

QTEST_APPLESS_MAIN(TestLayerDistances)
#include "tst_layer_distances.moc"
