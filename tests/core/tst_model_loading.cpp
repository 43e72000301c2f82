// SPDX-License-Identifier: GPL-3.0-or-later
// Loading: progress, cancel at any moment, and clear errors for broken folders (missing or misshapen
// tensors, a truncated shard, an unknown architecture), each naming the file and the tensor.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <QTemporaryDir>
#include <QTest>

#include "layercut/error.h"
#include "layercut/model_session.h"
#include "layercut/safetensors_file.h"

using namespace lc;
namespace fs = std::filesystem;

namespace {

const std::string kQwen3 = LAYERCUT_FIXTURES_DIR "/models/qwen3_qknorm";

/** Copies the fixture into `dir`, rewriting model.safetensors through `edit` (name -> bytes, shape). */
void copyWithEdit(const std::string &dir, const std::function<void(std::vector<TensorToWrite> &)> &edit)
{
    for (const auto &e : fs::directory_iterator(kQwen3))
        if (e.path().filename() != "model.safetensors")
            fs::copy_file(e.path(), dir / e.path().filename());
    SafetensorsFile src(kQwen3 + "/model.safetensors");
    std::vector<TensorToWrite> tensors;
    for (const auto &t : src.tensors())
        tensors.push_back({t.name, t.dtype, t.shape, t.data, t.byteSize()});
    edit(tensors);
    writeSafetensors(dir + "/model.safetensors", tensors);
}

QString errorOf(const std::function<void()> &fn)
{
    try {
        fn();
    } catch (const Error &e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

}  // namespace

class TestModelLoading final : public QObject
{
    Q_OBJECT

private slots:
    void progressReachesTotal()
    {
        ModelSession session;
        std::vector<Progress> seen;
        const ModelInfo info = session.load(kQwen3, {}, [&](const Progress &p) { seen.push_back(p); });
        QVERIFY(session.isLoaded());
        QVERIFY(seen.size() >= 3);
        QCOMPARE(seen.back().current, seen.back().total);
        QCOMPARE(info.config.numLayers, int64_t(6));
        QCOMPARE(info.computeDtype, std::string("float32"));
        QCOMPARE(info.device, std::string("cpu"));
        QVERIFY(session.tokenizer());
        QCOMPARE(info.parameterCount, info.config.parameterCount());
    }

    void cancelAtEveryPoint()
    {
        // Stop after k progress reports for every k: the session must end empty and usable.
        for (int stopAfter = 0; stopAfter < 40; ++stopAfter) {
            ModelSession session;
            std::stop_source stop;
            int reports = 0;
            bool cancelled = false;
            try {
                session.load(
                    kQwen3, {},
                    [&](const Progress &) {
                        if (reports++ == stopAfter)
                            stop.request_stop();
                    },
                    stop.get_token());
            } catch (const Cancelled &) {
                cancelled = true;
            }
            if (!cancelled) {
                QVERIFY(stopAfter > 0);  // ran out of reports before the stop: loading finished
                QVERIFY(session.isLoaded());
                return;
            }
            QVERIFY(!session.isLoaded());
        }
    }

    void missingTensor()
    {
        QTemporaryDir dir;
        copyWithEdit(dir.path().toStdString(), [](std::vector<TensorToWrite> &t) {
            std::erase_if(t, [](const TensorToWrite &w) { return w.name == "model.layers.3.mlp.up_proj.weight"; });
        });
        ModelSession session;
        const QString err = errorOf([&] { session.load(dir.path().toStdString(), {}); });
        QVERIFY2(err.contains("'model.layers.3.mlp.up_proj.weight' is missing"), qPrintable(err));
        QVERIFY(!session.isLoaded());
    }

    void wrongShape()
    {
        QTemporaryDir dir;
        std::vector<float> small(64 * 10);
        copyWithEdit(dir.path().toStdString(), [&](std::vector<TensorToWrite> &t) {
            for (auto &w : t)
                if (w.name == "model.layers.1.self_attn.k_proj.weight")
                    w = {w.name, "F32", {10, 64}, small.data(), small.size() * 4};
        });
        const QString err = errorOf([&] { ModelSession().load(dir.path().toStdString(), {}); });
        QVERIFY2(err.contains("model.safetensors"), qPrintable(err));
        QVERIFY2(err.contains("'model.layers.1.self_attn.k_proj.weight' has shape [10, 64]"), qPrintable(err));
        QVERIFY2(err.contains("[64, 64]"), qPrintable(err));
    }

    void truncatedFile()
    {
        QTemporaryDir dir;
        copyWithEdit(dir.path().toStdString(), [](std::vector<TensorToWrite> &) {});
        const fs::path file = dir.path().toStdString() + "/model.safetensors";
        fs::resize_file(file, fs::file_size(file) - 100);
        const QString err = errorOf([&] { ModelSession::inspect(dir.path().toStdString()); });
        QVERIFY2(err.contains("model.safetensors") && err.contains("run past the end"), qPrintable(err));
    }

    void unknownArchitecture()
    {
        QTemporaryDir dir;
        copyWithEdit(dir.path().toStdString(), [](std::vector<TensorToWrite> &) {});
        std::ifstream in(dir.path().toStdString() + "/config.json");
        auto cfg = nlohmann::json::parse(in);
        cfg["model_type"] = "gpt_neox";
        std::ofstream(dir.path().toStdString() + "/config.json") << cfg.dump();
        const QString err = errorOf([&] { ModelSession().load(dir.path().toStdString(), {}); });
        QVERIFY2(err.contains("config.json") && err.contains("unknown model_type 'gpt_neox'"), qPrintable(err));
    }

    // A folder that cannot be opened leaves the model loaded before as it was, usable; the window that
    // still shows it is then right.
    void failedOpenKeepsTheLoadedModel()
    {
        ModelSession session;
        session.load(kQwen3, {});
        const std::vector<float> before = session.forward(TokenBatch::single({1, 2, 3})).logits;
        QTemporaryDir empty, unknown, truncated;
        copyWithEdit(unknown.path().toStdString(), [](std::vector<TensorToWrite> &) {});
        {
            std::ifstream in(unknown.path().toStdString() + "/config.json");
            auto cfg = nlohmann::json::parse(in);
            cfg["model_type"] = "gpt_neox";
            std::ofstream(unknown.path().toStdString() + "/config.json") << cfg.dump();
        }
        copyWithEdit(truncated.path().toStdString(), [](std::vector<TensorToWrite> &) {});
        const fs::path file = truncated.path().toStdString() + "/model.safetensors";
        fs::resize_file(file, fs::file_size(file) - 100);
        for (const std::string &folder : {std::string("/nonexistent/model"), empty.path().toStdString(),
                                          unknown.path().toStdString(), truncated.path().toStdString()}) {
            QVERIFY2(!errorOf([&] { session.load(folder, {}); }).isEmpty(), folder.c_str());
            QVERIFY(session.isLoaded());
            QCOMPARE(session.info().folder.string(), kQwen3);
            QCOMPARE(session.forward(TokenBatch::single({1, 2, 3})).logits, before);
        }
    }

    void badIdsAndDevice()
    {
        ModelSession session;
        QVERIFY(!errorOf([&] { session.forward(TokenBatch::single({1})); }).isEmpty());  // nothing loaded
        session.load(kQwen3, {});
        QVERIFY(errorOf([&] { session.forward(TokenBatch::single({1, 99999})); }).contains("outside the vocabulary"));
        QVERIFY(errorOf([&] { ModelSession().load(kQwen3, {.device = "tpu"}); }).contains("tpu"));
    }
};

QTEST_APPLESS_MAIN(TestModelLoading)
#include "tst_model_loading.moc"
