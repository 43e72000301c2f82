// SPDX-License-Identifier: GPL-3.0-or-later
// Dataset files: plain text (lines or blank-line blocks), JSON Lines with text or input_ids, and gzip
// JSON Lines as C4 ships it; sampling, truncation, skipped documents, and errors naming file and line.
#include <fstream>

#include <QTemporaryDir>
#include <QTest>
#include <zlib.h>

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

std::string text(const Document &d) { return std::get<std::string>(d); }

} // namespace

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
        const std::string body = "{\"text\":\"Beginners BBQ Class.\\nSecond paragraph.\",\"timestamp\":\"2019-04-25T12:57:54Z\","
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
        const TokenizedDataset all = tokenizeDocuments(docs, *tok, {.maxLength = 6});
        QCOMPARE(all.documents, int64_t(5));
        QCOMPARE(all.skippedEmpty, int64_t(1));
        QCOMPARE(all.sequences.size(), size_t(4));
        QCOMPARE(all.sequences[0].front(), int64_t(1));  // BOS from tokenizer_config.json
        QVERIFY(all.truncated >= 1);
        for (const auto &s : all.sequences)
            QVERIFY(s.size() <= 6);
        QCOMPARE(all.sequences[2], (std::vector<int64_t>{5, 6}));
        const TokenizedDataset a = tokenizeDocuments(docs, *tok, {.samples = 2, .seed = 3});
        const TokenizedDataset b = tokenizeDocuments(docs, *tok, {.samples = 2, .seed = 3});
        QCOMPARE(a.sequences.size(), size_t(2));
        QCOMPARE(a.sequences, b.sequences);  // the same seed picks the same documents
    }
};

QTEST_APPLESS_MAIN(TestTextDataset)
#include "tst_text_dataset.moc"
