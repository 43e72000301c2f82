// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors reading and writing: a round trip, the fixtures, and every kind of corrupt file the
// reader must refuse with a message naming the file and the tensor.
#include <cstring>
#include <fstream>
#include <functional>
#include <sys/stat.h>

#include <QTemporaryDir>
#include <QTest>

#include "layercut/checkpoint.h"
#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/json_file.h"
#include "layercut/safetensors_file.h"
#include "layercut/text_dataset.h"
#include "layercut/tokenizer.h"

using namespace lc;

namespace {

std::string bytesWithHeader(const std::string &json, const std::string &data)
{
    std::string out(8, '\0');
    uint64_t n = json.size();
    for (int i = 0; i < 8; ++i, n >>= 8)
        out[static_cast<size_t>(i)] = static_cast<char>(n & 0xff);
    return out + json + data;
}

void writeFile(const std::string &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

class TestSafetensorsFile final : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.safetensors").toStdString();
        const float a[6] = {1, 2, 3, 4, 5, 6};
        const int64_t b[2] = {-7, 9};
        writeSafetensors(path, {{"b", "I64", {2}, b, sizeof b}, {"a", "F32", {2, 3}, a, sizeof a}}, {{"k", "v"}});
        SafetensorsFile f(path);
        QCOMPARE(f.tensors().size(), size_t(2));
        const TensorEntry *ta = f.find("a");
        QVERIFY(ta);
        QCOMPARE(ta->shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(std::memcmp(ta->data, a, sizeof a), 0);
        QCOMPARE(std::memcmp(f.find("b")->data, b, sizeof b), 0);
        QCOMPARE(f.metadata().at("format"), std::string("pt"));
        QCOMPARE(f.metadata().at("k"), std::string("v"));
        // The header is padded so the data starts 8-aligned.
        QCOMPARE((f.fileSize() - 6 * 4 - 2 * 8) % 8, uint64_t(0));
        QVERIFY(!QFile::exists(QString::fromStdString(path) + ".tmp"));
    }

    void shardedFixture()
    {
        const Checkpoint ckpt = Checkpoint::open(LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded");
        QVERIFY(ckpt.sharded());
        QCOMPARE(ckpt.files().size(), size_t(4));
        QVERIFY(ckpt.find("model.layers.5.mlp.down_proj.weight").first);
        QCOMPARE(ckpt.dominantDtype(), std::string("F32"));
    }

    void corrupt_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");  // a fragment the error message must contain
        const std::string ok = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        const std::string data(8, '\0');
        auto row = [](const char *name, const std::string &bytes, const char *expected) {
            QTest::newRow(name) << QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())) << expected;
        };
        row("shorter than the length field", "abc", "truncated");
        {
            std::string b = bytesWithHeader(ok, data);
            b[0] = '\xff', b[1] = '\xff', b[2] = '\xff', b[3] = '\x7f';
            row("header length over the limit", b, "exceeds");
        }
        row("header past the end", bytesWithHeader(ok, data).substr(0, 20), "truncated");
        row("invalid JSON", bytesWithHeader(R"({"w": {"dtype": )", ""), "not valid JSON");
        row("not an object", bytesWithHeader("[1, 2, 3]", ""), "not a JSON object");
        row("unknown dtype", bytesWithHeader(R"({"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", data),
            "tensor 'w': unsupported dtype 'Q4'");
        row("size mismatch", bytesWithHeader(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data),
            "tensor 'w': shape × dtype size is 12 bytes");
        row("offsets outside", bytesWithHeader(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data),
            "tensor 'w': data_offsets [0, 16) run past the end");
        row("truncated data", bytesWithHeader(ok, data.substr(0, 5)), "tensor 'w': data_offsets [0, 8) run past");
        row("overlap",
            bytesWithHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                            R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                            data),
            "overlaps");
        row("trailing bytes", bytesWithHeader(ok, data + "xx"), "2 trailing bytes");
        row("negative shape", bytesWithHeader(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data),
            "tensor 'w': shape holds a value");
        // 2⁶⁴ − 1 beside a zero: no overflow in the product, and it used to read back as [0, -1].
        row("dimension past int64",
            bytesWithHeader(R"({"w":{"dtype":"F32","shape":[0,18446744073709551615],"data_offsets":[0,0]}})", ""),
            "tensor 'w': shape dimension 18446744073709551615 is too large");
        row("missing offsets", bytesWithHeader(R"({"w":{"dtype":"F32","shape":[2]}})", data),
            "tensor 'w': entry needs");
    }

    void corrupt()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = dir.filePath("bad.safetensors").toStdString();
        writeFile(path, bytes.toStdString());
        try {
            SafetensorsFile f(path);
            QFAIL("a corrupt file was accepted");
        } catch (const Error &e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains("bad.safetensors"), qPrintable(message));
            QVERIFY2(message.contains(expected), qPrintable(message));
        }
    }

    void brokenIndex()
    {
        QTemporaryDir dir;
        const QString folder = dir.path();
        const float a[2] = {1, 2};
        writeSafetensors((folder + "/model-00001-of-00001.safetensors").toStdString(), {{"a", "F32", {2}, a, 8}});
        writeFile(
            (folder + "/model.safetensors.index.json").toStdString(),
            R"({"weight_map": {"a": "model-00001-of-00001.safetensors", "b": "model-00002-of-00002.safetensors"}})");
        QVERIFY_THROWS_EXCEPTION(Error, Checkpoint::open(folder.toStdString()));
        try {
            Checkpoint::open(folder.toStdString());
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).contains("model-00002-of-00002.safetensors"));
            QVERIFY(QString(e.what()).contains("missing"));
        }
        writeFile(
            (folder + "/model.safetensors.index.json").toStdString(),
            R"({"weight_map": {"a": "model-00001-of-00001.safetensors", "c": "model-00001-of-00001.safetensors"}})");
        try {
            Checkpoint::open(folder.toStdString());
            QFAIL("an index naming an absent tensor was accepted");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).contains("tensor 'c'"));
        }
        writeFile((folder + "/model.safetensors.index.json").toStdString(), "{ not json");
        QVERIFY_THROWS_EXCEPTION(Error, Checkpoint::open(folder.toStdString()));
    }

    void namedPipesAndFoldersAreRefused()
    {
        // Fault: a named pipe as model.safetensors (or any input) blocked every command forever in open(); a
        // folder read as an empty file. Each reader now says what the path is. Were the check missing, this
        // test would hang in the first open and ctest's timeout would fail it.
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        struct Reader
        {
            std::string name;
            std::function<void(const std::filesystem::path &)> read;
            const char *ofFolder = "a folder";  // what the error says of a folder by that name
        };
        const std::vector<Reader> readers = {
            {"model.safetensors", [](const auto &p) { SafetensorsFile file(p); }},
            {"config.json", [](const auto &p) { readJsonFile(p); }},
            {"data.txt", [](const auto &p) { readDocuments(p); }},
            {"data.json.gz", [](const auto &p) { readDocuments(p); }},
            {"boolq.jsonl", [](const auto &p) { readBoolq(p); }},
            // A folder is a model folder to the tokenizer loader: it names what it found missing there.
            {"tokenizer.json", [](const auto &p) { loadTokenizer(p); }, "no tokenizer.json or tokenizer.model"},
            {"tokenizer.model", [](const auto &p) { loadTokenizer(p); }, "no tokenizer.json or tokenizer.model"},
        };
        for (const auto &[name, read, ofFolder] : readers) {
            const std::filesystem::path pipe = root / "pipes" / name, folder = root / "folders" / name;
            std::filesystem::create_directories(pipe.parent_path());
            QCOMPARE(::mkfifo(pipe.c_str(), 0600), 0);
            std::filesystem::create_directories(folder);
            for (const auto &[path, what] : {std::pair{pipe, "a named pipe"}, std::pair{folder, ofFolder}}) {
                try {
                    read(path);
                    QFAIL(qPrintable(QString::fromStdString(path.string()) + " was read"));
                } catch (const Error &e) {
                    QVERIFY2(QString(e.what()).contains(QString::fromStdString(path.string())), e.what());
                    QVERIFY2(QString(e.what()).contains(what), e.what());
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestSafetensorsFile)
#include "tst_safetensors_file.moc"
