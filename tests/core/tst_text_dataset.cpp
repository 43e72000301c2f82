// SPDX-License-Identifier: GPL-3.0-or-later
// Dataset files: plain text (lines or blank-line blocks), JSON Lines with text or input_ids, and gzip
// JSON Lines as C4 ships it; sampling, truncation, skipped documents, and errors naming file and line.
#include <fstream>

#include <QTemporaryDir>
#include <QTest>
#include <zlib.h>

#include "layercut/document_ids.h"
#include "layercut/error.h"
#include "layercut/text_dataset.h"
#include "layercut/tokenizer.h"

using namespace lc;

namespace {

std::string write(const QTemporaryDir &dir, const char *name, const std::string &content)
{
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

std::string text(const Document &d)
{
    return std::get<std::string>(d);
}

}  // namespace

class TestTextDataset final : public QObject
{
    Q_OBJECT

private slots:
    void plainTextLinesAndBlocks()
    {
        QTemporaryDir dir;
        const auto lines = readDocuments(write(dir, "a.txt", "one\r\ntwo\nthree"));
        QCOMPARE(lines.size(), size_t(3));
        QCOMPARE(text(lines[0]), std::string("one"));
        const auto blocks = readDocuments(write(dir, "b.txt", "para one\nstill one\n\n\npara two\n"));
        QCOMPARE(blocks.size(), size_t(2));
        QCOMPARE(text(blocks[0]), std::string("para one\nstill one"));
    }

    void jsonLines()
    {
        QTemporaryDir dir;
        const auto docs = readDocuments(write(dir, "d.jsonl", "{\"text\": \"hello\"}\n\n{\"input_ids\": [1, 2, 3]}\n"));
        QCOMPARE(docs.size(), size_t(2));
        QCOMPARE(text(docs[0]), std::string("hello"));
        QCOMPARE(std::get<std::vector<int64_t>>(docs[1]), (std::vector<int64_t>{1, 2, 3}));
    }

    void gzipJsonLinesLikeC4()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("c4-validation.00000-of-00008.json.gz").toStdString();
        gzFile gz = gzopen(path.c_str(), "wb");
        const std::string body =
            "{\"text\":\"Beginners BBQ Class.\\nSecond paragraph.\",\"timestamp\":\"2019-04-25T12:57:54Z\","
            "\"url\":\"https://example.com/a\"}\n{\"text\":\"Another doc\",\"timestamp\":\"x\",\"url\":\"y\"}\n";
        gzwrite(gz, body.data(), static_cast<unsigned>(body.size()));
        gzclose(gz);
        const auto docs = readDocuments(path);
        QCOMPARE(docs.size(), size_t(2));
        QCOMPARE(text(docs[0]), std::string("Beginners BBQ Class.\nSecond paragraph."));
    }

    void errorsNameFileAndLine()
    {
        QTemporaryDir dir;
        try {
            readDocuments(write(dir, "bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": oops}\n"));
            QFAIL("malformed JSON Lines accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("bad.jsonl' line 2"), e.what());
        }
        try {
            readDocuments(write(dir, "nofield.jsonl", "{\"body\": \"x\"}\n"));
            QFAIL("a line without text was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("line 1") && QString(e.what()).contains("\"text\""), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, readDocuments(write(dir, "broken.json.gz", "not gzip at all")));
        QVERIFY_THROWS_EXCEPTION(Error, readDocuments("/nonexistent/data.txt"));
    }

    void tokenizeSamplesTruncatesAndSkips()
    {
        const auto tok = loadTokenizer(LAYERCUT_FIXTURES_DIR "/tokenizers/llama2_spm");
        std::vector<Document> docs = {std::string("first document here"), std::string(""),
                                      std::string("second one is a bit longer than the others, really"),
                                      std::vector<int64_t>{5, 6}, std::string("third")};
        const TokenizedDataset all = tokenizeDocuments(docs, tok.get(), {.maxLength = 6});
        QCOMPARE(all.documents, int64_t(5));
        QCOMPARE(all.skippedEmpty, int64_t(1));
        QCOMPARE(all.sequences.size(), size_t(4));
        QCOMPARE(all.sequences[0].front(), int64_t(1));  // BOS from tokenizer_config.json
        QVERIFY(all.truncated >= 1);
        for (const auto &s : all.sequences)
            QVERIFY(s.size() <= 6);
        QCOMPARE(all.sequences[2], (std::vector<int64_t>{5, 6}));
        const TokenizedDataset a = tokenizeDocuments(docs, tok.get(), {.samples = 2, .seed = 3});
        const TokenizedDataset b = tokenizeDocuments(docs, tok.get(), {.samples = 2, .seed = 3});
        QCOMPARE(a.sequences.size(), size_t(2));
        QCOMPARE(a.sequences, b.sequences);  // the same seed picks the same documents
    }

    // Token ids need no tokenizer; only text does, and then the error says which file and what to do.
    void tokenIdsNeedNoTokenizer()
    {
        QTemporaryDir dir;
        const std::string ids = write(dir, "ids.jsonl", "{\"input_ids\": [1, 2, 3]}\n{\"input_ids\": [4, 5]}\n");
        const TokenizedDataset data = readTokenized(ids, nullptr, {});
        QCOMPARE(data.sequences, (std::vector<std::vector<int64_t>>{{1, 2, 3}, {4, 5}}));
        const std::string mixed = write(dir, "mixed.jsonl", "{\"input_ids\": [1, 2]}\n{\"text\": \"words\"}\n");
        try {
            readTokenized(mixed, nullptr, {});
            QFAIL("text was accepted without a tokenizer");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("mixed.jsonl") && QString(e.what()).contains("input_ids"), e.what());
        }
    }

    // A binary file, UTF-16 text or invalid UTF-8 chosen as data is refused, naming the file (and line).
    void dataThatIsNotTextIsRefused_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("expected");
        QByteArray binary;
        for (int i = 0; i < 4096; ++i)
            binary.append(static_cast<char>((i * 7919) % 256));
        QTest::newRow("binary") << binary << "weights.txt"
                                << "control characters";
        QTest::newRow("utf-16") << QByteArray("h\0e\0l\0l\0o\0 \0w\0o\0r\0l\0d\0\n\0", 24) << "utf16.txt"
                                << "control characters";
        QTest::newRow("latin-1") << QByteArray("caf\xe9 au lait\nna\xefve\n") << "latin1.txt"
                                 << "line 1: not valid UTF-8";
        QTest::newRow("truncated sequence") << QByteArray("ok\nfine\nhalf \xe2\x82\n") << "cut.txt"
                                            << "line 3";
        QTest::newRow("overlong") << QByteArray("\xc0\xaf\n") << "overlong.txt"
                                  << "not valid UTF-8";
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80\n") << "surrogate.txt"
                                   << "not valid UTF-8";
        QTest::newRow("escaped controls in JSON")
            << QByteArray("{\"text\": \"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0008\"}\n") << "ctl.jsonl"
            << "control characters";
    }

    void dataThatIsNotTextIsRefused()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, name);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = write(dir, name.toUtf8().constData(), content.toStdString());
        try {
            readDocuments(path);
            QFAIL("data that is not text was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(name) && QString(e.what()).contains(expected), e.what());
        }
    }

    // Real text passes: every script, emoji, a form feed or a stray escape among much text.
    void realTextIsAccepted()
    {
        QTemporaryDir dir;
        std::string text = "Grüße, 日本語, Ελληνικά, עברית, 😀 and \f a form feed\n";
        for (int i = 0; i < 20; ++i)
            text += "A long line of ordinary prose that goes on for a while, as scraped text does.\n";
        text += "one stray \x1b escape\n";
        QCOMPARE(readDocuments(write(dir, "ok.txt", text)).size(), size_t(22));
    }

    // Documents are known by content, wherever they come from: a loss sample leaves out those trained on.
    void documentIdsAndExclusion()
    {
        QTemporaryDir dir;
        const auto fromText = readDocuments(write(dir, "a.txt", "alpha beta\ngamma delta\nepsilon\n"));
        const auto fromJson =
            readDocuments(write(dir, "b.jsonl", "{\"text\": \"gamma delta\"}\n{\"text\": \"zeta\"}\n"));
        QCOMPARE(documentId(fromText[1]), documentId(fromJson[0]));
        QVERIFY(documentId(fromText[0]) != documentId(fromText[1]));
        QVERIFY(documentId(Document(std::string())) != documentId(Document(std::vector<int64_t>{})));
        DocumentIds trained;
        for (const Document &d : fromText)
            trained.add(d);
        int64_t excluded = 0;
        const std::vector<Document> kept = withoutDocuments(fromJson, &trained, excluded);
        QCOMPARE(excluded, int64_t(1));
        QCOMPARE(kept.size(), size_t(1));
        QCOMPARE(text(kept[0]), std::string("zeta"));
        // Saved and read back, as a healing run leaves them beside its adapters.
        const std::string file = dir.filePath("trained_documents.txt").toStdString();
        trained.save(file);
        const DocumentIds back = DocumentIds::load(file);
        QCOMPARE(back.size(), size_t(3));
        QVERIFY(back.contains(fromJson[0]));
        QVERIFY(!back.contains(fromJson[1]));
        // readTokenized leaves them out before sampling and says how many.
        const auto tok = loadTokenizer(LAYERCUT_FIXTURES_DIR "/tokenizers/llama2_spm");
        const TokenizedDataset data = readTokenized(dir.filePath("b.jsonl").toStdString(), tok.get(), {}, &trained);
        QCOMPARE(data.documents, int64_t(2));
        QCOMPARE(data.excluded, int64_t(1));
        QCOMPARE(data.sequences.size(), size_t(1));
        try {
            readTokenized(dir.filePath("a.txt").toStdString(), tok.get(), {}, &trained);
            QFAIL("a loss sample of trained documents only was accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("a.txt") && QString(e.what()).contains("trained"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, DocumentIds::load(write(dir, "bad.txt", "0123456789abcdef\nnot an id\n")));
    }
};

QTEST_APPLESS_MAIN(TestTextDataset)
#include "tst_text_dataset.moc"
