// SPDX-License-Identifier: GPL-3.0-or-later
// Token ids against the oracle: `tokenizers` (byte-level BPE) and `sentencepiece` (tokenizer.model), both
// on hard strings (accents, combining marks, CJK, emoji, digit and whitespace runs, CRLF, contractions,
// special tokens inside text, the empty string). References come from tests/fixtures/make_fixtures.py.
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>
#include <QElapsedTimer>
#include <QTemporaryDir>
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
        QCOMPARE(tok->kind(), std::string("byte-level BPE (tokenizer.json)"));
        QVERIFY(tok->bosId().has_value());
    }

    void sentencepieceSpecials()
    {
        const auto tok = loadTokenizer(LAYERCUT_FIXTURES_DIR "/tokenizers/llama2_spm/tokenizer.model");
        QCOMPARE(tok->kind(), std::string("sentencepiece (tokenizer.model)"));
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
        // No pre-tokenizer: the whole text is one word to BPE (Llama 2 and Mistral files, as `tokenizers` runs them).
        QTest::newRow("sentencepiece-style") << "sentencepiece_style/legacy/tokenizer.json";
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

    void badTokenizerJson_data()
    {
        // Each row changes one place of the llama3 fixture (JSON pointer, new value or "remove") and expects a
        // clear error naming the file and the place; before, several crashed, wrapped or printed nlohmann's text.
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        const QString template_ = R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>"}}],
                                      "special_tokens": {"<s>": {"id": "<s>", "ids": [%1], "tokens": ["<s>"]}}})";
        QTest::newRow("negative id") << "/model/vocab/zzz"
                                     << "-5"
                                     << "vocab entry 'zzz' has id -5, outside";
        QTest::newRow("id past 2^32") << "/model/vocab/zzz"
                                      << "4294967303"
                                      << "has id 4294967303, outside";
        QTest::newRow("id 2^31-1") << "/model/vocab/zzz"
                                   << "2147483647"
                                   << "has id 2147483647, outside";
        QTest::newRow("sparse ids") << "/model/vocab/zzz"
                                    << "100000000"
                                    << "token ids are sparse";
        QTest::newRow("id not a number") << "/model/vocab/zzz"
                                         << R"("7")"
                                         << "vocab entry 'zzz' has no integer id";
        QTest::newRow("added id a string") << "/added_tokens/0/id"
                                           << R"("480")"
                                           << "added token 0";
        QTest::newRow("added id missing") << "/added_tokens/0/id"
                                          << "remove"
                                          << R"(added token 0 has no "id")";
        QTest::newRow("added token a number") << "/added_tokens/0"
                                              << "5"
                                              << "added token 0 is not an object";
        QTest::newRow("added content a number") << "/added_tokens/0/content"
                                                << "5"
                                                << "is not a string";
        QTest::newRow("added lstrip a string") << "/added_tokens/0/lstrip"
                                               << R"("no")"
                                               << "is not true or false";
        QTest::newRow("model type a number") << "/model/type"
                                             << "7"
                                             << "is not a string";
        QTest::newRow("ignore_merges a string") << "/model/ignore_merges"
                                                << R"("yes")"
                                                << "is not true or false";
        QTest::newRow("Split without pattern") << "/pre_tokenizer"
                                               << R"({"type": "Split", "behavior": "Isolated"})"
                                               << R"(has no "pattern")";
        QTest::newRow("Split pattern a number") << "/pre_tokenizer"
                                                << R"({"type": "Split", "behavior": "Isolated", "pattern": 3})"
                                                << "neither Regex nor String";
        QTest::newRow("Sequence without list") << "/pre_tokenizer"
                                               << R"({"type": "Sequence"})"
                                               << R"(has no "pretokenizers")";
        QTest::newRow("Sequence list a number") << "/pre_tokenizer"
                                                << R"({"type": "Sequence", "pretokenizers": 5})"
                                                << "is not a list";
        QTest::newRow("normalizer Sequence") << "/normalizer"
                                             << R"({"type": "Sequence"})"
                                             << R"(has no "normalizers")";
        QTest::newRow("template without single") << "/post_processor"
                                                 << R"({"type": "TemplateProcessing"})"
                                                 << R"(has no "single")";
        QTest::newRow("template id negative") << "/post_processor" << template_.arg("-1") << "has id -1, outside";
        QTest::newRow("template id unknown") << "/post_processor" << template_.arg("99999") << "beyond the vocabulary";
        QTest::newRow("template token undefined")
            << "/post_processor"
            << R"({"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<x>"}}], "special_tokens": {}})"
            << "template special token '<x>' is not defined";
    }

    void badTokenizerJson()
    {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        std::ifstream in(LAYERCUT_FIXTURES_DIR "/tokenizers/llama3_bpe/tokenizer.json");
        nlohmann::json j = nlohmann::json::parse(in);
        const nlohmann::json::json_pointer at(pointer.toStdString());
        if (value == "remove")
            j[at.parent_pointer()].erase(at.back());
        else
            j[at] = nlohmann::json::parse(value.toStdString());
        QTemporaryDir dir;
        const std::string path = dir.filePath("tokenizer.json").toStdString();
        std::ofstream(path) << j.dump();
        try {
            loadTokenizer(path);
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
            QVERIFY2(QString(e.what()).contains(expected), e.what());
            QVERIFY2(!QString(e.what()).contains("[json.exception"), e.what());
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
