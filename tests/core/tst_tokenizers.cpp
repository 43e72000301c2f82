// SPDX-License-Identifier: GPL-3.0-or-later
// Token ids against the oracle: `tokenizers` (byte-level BPE) and `sentencepiece` (tokenizer.model), both
// on hard strings (accents, combining marks, CJK, emoji, digit and whitespace runs, CRLF, contractions,
// special tokens inside text, the empty string). References come from tests/fixtures/make_fixtures.py.
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>
#include <QElapsedTimer>
#include <QTest>

#include "layercut/error.h"
#include "layercut/tokenizer.h"

using namespace lc;

Q_DECLARE_METATYPE(std::vector<int32_t>)

class TestTokenizers final : public QObject
{
    Q_OBJECT

private slots:
    void matchesOracle_data()
    {
        QTest::addColumn<QString>("tokenizer");
        QTest::addColumn<QString>("text");
        QTest::addColumn<std::vector<int32_t>>("ids");
        QTest::addColumn<std::vector<int32_t>>("idsSpecial");
        std::ifstream in(LAYERCUT_FIXTURES_DIR "/tokenizers/cases.json");
        const auto cases = nlohmann::json::parse(in);
        for (auto it = cases.begin(); it != cases.end(); ++it) {
            int i = 0;
            for (const auto &c : it.value()) {
                const std::string row = it.key() + " #" + std::to_string(i++);
                QTest::newRow(row.c_str())
                    << QString::fromStdString(it.key()) << QString::fromStdString(c["text"].get<std::string>())
                    << c["ids"].get<std::vector<int32_t>>() << c["ids_special"].get<std::vector<int32_t>>();
            }
        }
    }

    void matchesOracle()
    {
        QFETCH(QString, tokenizer);
        QFETCH(QString, text);
        QFETCH(std::vector<int32_t>, ids);
        QFETCH(std::vector<int32_t>, idsSpecial);
        static std::map<QString, std::unique_ptr<Tokenizer>> cache;
        auto &tok = cache[tokenizer];
        if (!tok)
            tok = loadTokenizer(LAYERCUT_FIXTURES_DIR "/tokenizers/" + tokenizer.toStdString());
        const std::string utf8 = text.toStdString();
        QCOMPARE(tok->encode(utf8, false), ids);
        QCOMPARE(tok->encode(utf8, true), idsSpecial);
    }

    void decodeRoundTrip()
    {
        const auto tok = loadTokenizer(LAYERCUT_FIXTURES_DIR "/tokenizers/llama3_bpe/tokenizer.json");
        const std::string text = "café 日本 😀 DON'T\r\n  x";
        QCOMPARE(tok->decode(tok->encode(text, false)), text);
        QCOMPARE(tok->kind(), std::string("byte-level BPE"));
        QVERIFY(tok->bosId().has_value());
    }

    void sentencepieceSpecials()
    {
        const auto tok = loadTokenizer(LAYERCUT_FIXTURES_DIR "/tokenizers/llama2_spm/tokenizer.model");
        QCOMPARE(tok->kind(), std::string("sentencepiece"));
        QCOMPARE(tok->bosId(), std::optional<int32_t>(1));
        QCOMPARE(tok->eosId(), std::optional<int32_t>(2));
        QCOMPARE(tok->vocabSize(), int64_t(520));
        QCOMPARE(tok->decode(tok->encode("Hello world", false)), std::string("Hello world"));
    }

    void longInputsTakeLinearTime_data()
    {
        QTest::addColumn<QString>("tokenizer");
        QTest::newRow("llama3") << "llama3_bpe/tokenizer.json";
        QTest::newRow("qwen2") << "qwen2_bpe/tokenizer.json";
    }

    void longInputsTakeLinearTime()
    {
        // One long document used to hang every command that reads data: PCRE2 checked the UTF-8 of the whole
        // rest of the line at each match, and BPE rescanned every pair of a word after each merge (a 200 KB
        // token-free blob: minutes). Both are linear now (n log n for the merges); the bound is generous,
        // the old cost was hours.
        QFETCH(QString, tokenizer);
        const auto tok = loadTokenizer(LAYERCUT_FIXTURES_DIR "/tokenizers/" + tokenizer.toStdString());
        std::mt19937 random(7);
        const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string blob(1 << 20, 'x');  // 1 MB without a space: one word to the pre-tokenizer's letters class
        for (char &c : blob)
            c = alphabet[random() % alphabet.size()];
        std::string line;  // 10 MB of ordinary words on one line
        const std::vector<std::string> words = {"the ",     "layer ", "pruning ", "de ",
                                                "Schicht ", "模型 ",  "42 ",      "ok, "};
        while (line.size() < (10u << 20))
            line += words[random() % words.size()];
        for (const std::string *text : {&blob, &line}) {
            QElapsedTimer clock;
            clock.start();
            const std::vector<int32_t> ids = tok->encode(*text, false);
            const double seconds = clock.elapsed() / 1000.0;
            qInfo("%zu bytes: %zu ids in %.2f s", text->size(), ids.size(), seconds);
            QVERIFY2(seconds < 60, qPrintable(QString::number(seconds) + " s"));
            QCOMPARE(tok->decode(ids), *text);
        }
    }

    void errors()
    {
        QVERIFY_THROWS_EXCEPTION(Error, loadTokenizer("/nonexistent/tokenizer.json"));
        QVERIFY_THROWS_EXCEPTION(Error, loadTokenizer(LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded/config.json"));
        try {
            loadTokenizer(LAYERCUT_FIXTURES_DIR "/models/llama3_gqa_sharded/model-00001-of-00004.safetensors");
            QFAIL("a safetensors file was accepted as a tokenizer.model");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("model-00001-of-00004.safetensors"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestTokenizers)
#include "tst_tokenizers.moc"
