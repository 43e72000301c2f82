// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation: MMLU and BoolQ files read as their releases write them, prompts byte for byte as
// lm-evaluation-harness builds them, and scores equal to a direct computation from the forward pass (with
// and without the shared few-shot prefix's keys and values).
#include <algorithm>
#include <cmath>
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "test_device.h"

#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/evaluation_json.h"
#include "layercut/json_file.h"
#include "layercut/tokenizer.h"

#include <nlohmann/json.hpp>

using namespace lc;
using lc::test::testDevice;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = LAYERCUT_FIXTURES_DIR;
const std::string kMmlu = kFixtures + "/data/mmlu";
const std::string kBoolq = kFixtures + "/data/boolq_tiny.jsonl";

void write(const fs::path &path, const std::string &text)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

/** Sum of log p(continuation | context) computed here from full forward passes, in double. */
double directLoglikelihood(ModelSession &s, const std::string &context, const std::string &continuation)
{
    const Tokenizer &tok = *s.tokenizer();
    const auto ctx = tok.encode(context, true), whole = tok.encode(context + continuation, true);
    std::vector<int64_t> input(ctx.begin(), ctx.end());
    input.insert(input.end(), whole.begin() + static_cast<std::ptrdiff_t>(ctx.size()), whole.end());
    const int64_t T = static_cast<int64_t>(input.size()) - 1;
    const ForwardResult r = s.forward(TokenBatch::single({input.begin(), input.end() - 1}));
    double sum = 0;
    for (int64_t t = static_cast<int64_t>(ctx.size()) - 1; t < T; ++t) {
        const float *row = r.logits.data() + t * r.vocab;
        double m = -INFINITY, z = 0;
        for (int64_t v = 0; v < r.vocab; ++v)
            m = std::max(m, double(row[v]));
        for (int64_t v = 0; v < r.vocab; ++v)
            z += std::exp(double(row[v]) - m);
        sum += double(row[input[static_cast<size_t>(t) + 1]]) - m - std::log(z);
    }
    return sum;
}

}  // namespace

class TestEvaluation final : public QObject
{
    Q_OBJECT

private slots:
    void mmluReleaseLayout()
    {
        const MmluData d = readMmlu(kMmlu, 2);
        QCOMPARE(d.test.size(), size_t(2));
        const auto &anatomy = d.test.at("anatomy");
        QCOMPARE(anatomy.size(), size_t(3));
        QCOMPARE(anatomy[1].question, std::string("Largest organ, by area?"));  // quoted comma
        QCOMPARE(anatomy[2].choices[2], std::string("Glands\nin the eye"));     // quoted newline
        QCOMPARE(anatomy[2].answer, int64_t(2));
        QCOMPARE(anatomy[2].index, int64_t(2));
        QCOMPARE(d.test.at("high_school_us_history")[0].question, std::string("The \"Great Emancipator\"?"));
        // The release root and its data/ folder are the same.
        QCOMPARE(readMmlu(kMmlu + "/data", 2).test.at("anatomy").size(), size_t(3));
        QCOMPARE(mmluCategory("anatomy"), std::string("stem"));
        QCOMPARE(mmluCategory("high_school_us_history"), std::string("humanities"));
        QCOMPARE(mmluCategory("professional_psychology"), std::string("social_sciences"));
    }

    void promptsAreTheHarnessStrings()
    {
        const MmluData d = readMmlu(kMmlu, 2);
        const std::string prefix = mmluFewShotPrefix("anatomy", d.dev.at("anatomy"));
        QCOMPARE(prefix, std::string("The following are multiple choice questions (with answers) about anatomy.\n\n"
                                     "Which organ pumps blood?\nA. Heart\nB. Lung\nC. Liver\nD. Skin\nAnswer: A\n\n"
                                     "How many lungs?\nA. One\nB. Two\nC. Three\nD. Four\nAnswer: B\n\n"));
        QCOMPARE(mmluQuestionText(d.test.at("anatomy")[2]),
                 std::string("Tears come from?\nA. Ears\nB. Lungs\nC. Glands\nin the eye\nD. Feet\nAnswer:"));
        // question.strip(); underscores become spaces in the description.
        const auto &history = d.test.at("high_school_us_history");
        QCOMPARE(mmluQuestionText(history[1]),
                 std::string("Capital city?\nA. Boston\nB. Denver\nC. Austin\nD. Washington\nAnswer:"));
        QVERIFY(mmluFewShotPrefix("high_school_us_history", {}) ==
                "The following are multiple choice questions (with answers) about high school us history.\n\n");
        const std::vector<ChoiceQuestion> b = readBoolq(kBoolq);
        QCOMPARE(boolqQuestionText(b[0]),
                 std::string("The sky looks blue by day.\nQuestion: is the sky blue?\nAnswer:"));
        QCOMPARE(b[0].answer, int64_t(1));
        QCOMPARE(b[1].answer, int64_t(0));
        QCOMPARE(b[2].answer, int64_t(1));  // super_glue's label
        QCOMPARE(mmluContinuations(), (std::vector<std::string>{" A", " B", " C", " D"}));
        QCOMPARE(boolqContinuations(), (std::vector<std::string>{" no", " yes"}));
        // k-shot BoolQ: solved examples with the harness's " " target delimiter and "\n\n" between examples.
        QCOMPARE(boolqFewShotPrefix({b[0], b[1]}),
                 boolqQuestionText(b[0]) + " yes\n\n" + boolqQuestionText(b[1]) + " no\n\n");
        QCOMPARE(boolqFewShotPrefix({}), std::string());
    }

    void questionIsStrippedAsPythonStrips_data()
    {
        // lm-evaluation-harness builds the prompt from question.strip(): every character str.isspace()
        // accepts goes at either end, nothing else does, and the inside stays as it is.
        QTest::addColumn<QByteArray>("space");
        QTest::addColumn<bool>("stripped");
        const std::vector<std::pair<const char *, const char *>> pythonSpaces = {
            {"tab", "\t"},
            {"LF", "\n"},
            {"VT", "\v"},
            {"FF", "\f"},
            {"CR", "\r"},
            {"U+001C", "\x1c"},
            {"U+001D", "\x1d"},
            {"U+001E", "\x1e"},
            {"U+001F", "\x1f"},
            {"space", " "},
            {"U+0085 NEL", "\u0085"},
            {"U+00A0 no-break space", "\u00a0"},
            {"U+1680 ogham", "\u1680"},
            {"U+2000", "\u2000"},
            {"U+2001", "\u2001"},
            {"U+2002", "\u2002"},
            {"U+2003 em space", "\u2003"},
            {"U+2004", "\u2004"},
            {"U+2005", "\u2005"},
            {"U+2006", "\u2006"},
            {"U+2007", "\u2007"},
            {"U+2008", "\u2008"},
            {"U+2009", "\u2009"},
            {"U+200A", "\u200a"},
            {"U+2028 line separator", "\u2028"},
            {"U+2029 paragraph separator", "\u2029"},
            {"U+202F", "\u202f"},
            {"U+205F", "\u205f"},
            {"U+3000 ideographic space", "\u3000"}};
        for (const auto &[name, space] : pythonSpaces)
            QTest::newRow(name) << QByteArray(space) << true;
        // Not whitespace to Python: kept. (U+00C2 shares U+0085's lead byte; U+2030 is U+2028's neighbour.)
        for (const auto &[name, other] :
             std::vector<std::pair<const char *, const char *>>{{"U+200B zero width space", "\u200b"},
                                                                {"U+FEFF BOM", "\ufeff"},
                                                                {"U+00C2", "\u00c2"},
                                                                {"U+2030", "\u2030"},
                                                                {"U+180E", "\u180e"}})
            QTest::newRow(name) << QByteArray(other) << false;
    }

    void questionIsStrippedAsPythonStrips()
    {
        QFETCH(QByteArray, space);
        QFETCH(bool, stripped);
        const std::string s = space.toStdString();
        ChoiceQuestion q;
        q.question = s + " " + s + "Why" + s + "  not?" + s + s;  // runs at both ends, mixed with ASCII
        q.choices = {"a", "b", "c", "d"};
        const std::string inner = "Why" + s + "  not?";
        const std::string expected = stripped ? inner : s + " " + s + inner + s + s;
        QCOMPARE(mmluQuestionText(q), expected + "\nA. a\nB. b\nC. c\nD. d\nAnswer:");
    }

    void mmluJsonLines()
    {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "mmlu.jsonl";
        write(file, R"({"question": "q0", "subject": "virology", "choices": ["a","b","c","d"], "answer": 1}
{"question": "q1", "subject": "virology", "choices": ["a","b","c","d"], "answer": "D"}
{"question": "q2", "subject": "virology", "choices": ["a","b","c","d"], "answer": 0}
)");
        const MmluData d = readMmlu(file, 1);  // the first row of each subject is its example
        QCOMPARE(d.dev.at("virology").size(), size_t(1));
        QCOMPARE(d.test.at("virology").size(), size_t(2));
        QCOMPARE(d.test.at("virology")[0].answer, int64_t(3));
        QCOMPARE(d.test.at("virology")[0].index, int64_t(1));  // the row's position in the file
    }

    void badFilesNameTheFileAndLine_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("five fields") << "data/test/x_test.csv"
                                     << "q,a,b,c,A\n"
                                     << "line 1";
        QTest::newRow("open quote") << "data/test/x_test.csv"
                                    << "q,a,b,c,d,A\n\"q,a,b,c,d,A\n"
                                    << "never closed";
        QTest::newRow("bad letter") << "data/test/x_test.csv"
                                    << "q,a,b,c,d,E\n"
                                    << "A-D";
        QTest::newRow("boolq answer") << "boolq.jsonl"
                                      << "{\"question\": \"q\", \"passage\": \"p\"}\n"
                                      << "line 1";
        QTest::newRow("boolq json") << "boolq.jsonl"
                                    << "{\"question\": \n"
                                    << "not JSON";
    }

    void badFilesNameTheFileAndLine()
    {
        QFETCH(QString, name);
        QFETCH(QString, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / name.toStdString();
        write(file, content.toStdString());
        try {
            if (name.endsWith(".jsonl"))
                readBoolq(file);
            else
                readMmlu(dir.path().toStdString(), 0);
            QFAIL("no error");
        } catch (const Error &e) {
            const std::string what = e.what();
            QVERIFY2(what.find(file.filename().string()) != std::string::npos, e.what());
            QVERIFY2(what.find(expected.toStdString()) != std::string::npos, e.what());
        }
    }

    void scoresEqualTheForwardPass_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("llama3") << "llama3_gqa_sharded";
        // A window of 4 tokens: the shared prefix's keys are cut by it, in the cache as in the whole prompt.
        QTest::newRow("mistral, sliding window") << "mistral_window";
        QTest::newRow("olmo2, q/k norms over the projection") << "olmo2_postnorm";
        // Attention soft-capping (no SDPA) over the cached prefix; final soft-capping on the scored rows.
        QTest::newRow("gemma2, soft-capping") << "gemma2_softcap";
        QTest::newRow("gemma3, local and global RoPE") << "gemma3_text";
        QTest::newRow("phi3, fused projections, LongRoPE") << "phi3_longrope";
    }

    void scoresEqualTheForwardPass()
    {
        QFETCH(QString, fixture);
        ModelSession s;
        s.load(kFixtures + "/models/" + fixture.toStdString(), testDevice());
        s.applyPrunePlan(PrunePlan::dropBlock(6, 3, 1));  // a pruned model, as the sweep evaluates
        EvalOptions o;
        o.mmlu = kMmlu;
        o.boolq = kBoolq;
        o.shots = 2;
        // Several batches; their rows differ in length, so the passes run packed (PackedTokens: projections on
        // the real tokens only) and the prefix pass of two subjects' prefixes too.
        o.batchTokens = 300;
        const EvalResult r = evaluateModel(s, o);
        const MmluData d = readMmlu(kMmlu, 2);
        QCOMPARE(r.mmlu->overall.total, int64_t(5));
        for (const QuestionResult &q : r.mmlu->questions) {
            const ChoiceQuestion &source = d.test.at(q.subject)[static_cast<size_t>(q.index)];
            const std::string context = mmluFewShotPrefix(q.subject, d.dev.at(q.subject)) + mmluQuestionText(source);
            QCOMPARE(q.loglikelihoods.size(), size_t(4));
            for (size_t c = 0; c < 4; ++c) {
                const double direct = directLoglikelihood(s, context, mmluContinuations()[c]);
                QVERIFY2(std::abs(q.loglikelihoods[c] - direct) < 1e-4,
                         qPrintable(QStringLiteral("%1 #%2 choice %3: %4 vs %5")
                                        .arg(QString::fromStdString(q.subject))
                                        .arg(q.index)
                                        .arg(c)
                                        .arg(q.loglikelihoods[c])
                                        .arg(direct)));
            }
            QCOMPARE(q.prediction, int64_t(std::max_element(q.loglikelihoods.begin(), q.loglikelihoods.end()) -
                                           q.loglikelihoods.begin()));
        }
        const std::vector<ChoiceQuestion> b = readBoolq(kBoolq);
        for (const QuestionResult &q : r.boolq->questions)
            for (size_t c = 0; c < 2; ++c)
                QVERIFY(std::abs(q.loglikelihoods[c] -
                                 directLoglikelihood(s, boolqQuestionText(b[static_cast<size_t>(q.index)]),
                                                     boolqContinuations()[c])) < 1e-4);
        // The same numbers without the shared prefix, with more tokens run.
        o.reusePrefix = false;
        const EvalResult whole = evaluateModel(s, o);
        for (size_t i = 0; i < whole.mmlu->questions.size(); ++i)
            for (size_t c = 0; c < 4; ++c)
                QVERIFY(std::abs(whole.mmlu->questions[i].loglikelihoods[c] - r.mmlu->questions[i].loglikelihoods[c]) <
                        1e-4);
        QVERIFY(whole.tokensComputed > r.tokensComputed);

        // BoolQ with one solved example: the file's first row becomes the shot and is not scored; the
        // shared prefix gives what the whole prompt gives.
        EvalOptions k;
        k.boolq = kBoolq;
        k.boolqShots = 1;
        const EvalResult shot = evaluateModel(s, k);
        QCOMPARE(shot.boolq->questions.size(), b.size() - 1);
        QCOMPARE(shot.boolq->questions.front().index, int64_t(1));
        for (const QuestionResult &q : shot.boolq->questions)
            for (size_t c = 0; c < 2; ++c)
                QVERIFY(std::abs(q.loglikelihoods[c] -
                                 directLoglikelihood(
                                     s, boolqFewShotPrefix({b[0]}) + boolqQuestionText(b[static_cast<size_t>(q.index)]),
                                     boolqContinuations()[c])) < 1e-4);
        k.boolqShots = static_cast<int64_t>(b.size());
        QVERIFY_THROWS_EXCEPTION(lc::Error, evaluateModel(s, k));  // no question left to score
    }

    // On a GPU in bfloat16 (the fused kernels and the attention kernels a user's bf16 checkpoint meets), rows
    // of several subjects continuing their shared prefixes give the log-likelihoods of the whole contexts,
    // within bfloat16's precision. The gpu entry tst_evaluation_cuda_bf16 runs it.
    void prefixReuseInBfloat16OnTheGpu_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::newRow("llama3, grouped queries") << "llama3_gqa_sharded";
        QTest::newRow("qwen3, q/k norms") << "qwen3_qknorm";
    }

    void prefixReuseInBfloat16OnTheGpu()
    {
        QFETCH(QString, fixture);
        LoadOptions load = testDevice();
        if (load.device == "cpu")
            QSKIP("the flash kernels run on CUDA (LAYERCUT_TEST_DEVICE=cuda)");
        load.dtype = DType::BFloat16;
        ModelSession s;
        s.load(kFixtures + "/models/" + fixture.toStdString(), load);
        EvalOptions o;
        o.mmlu = kMmlu;
        o.shots = 2;
        o.batchTokens = 300;  // several batches, rows of several subjects' prefixes in one
        const EvalResult apart = evaluateModel(s, o);
        o.reusePrefix = false;
        const EvalResult whole = evaluateModel(s, o);
        double largest = 0;
        for (size_t i = 0; i < whole.mmlu->questions.size(); ++i)
            for (size_t c = 0; c < 4; ++c)
                largest = std::max(largest, std::abs(whole.mmlu->questions[i].loglikelihoods[c] -
                                                     apart.mmlu->questions[i].loglikelihoods[c]));
        QVERIFY2(largest < 0.05, qPrintable(QString::number(largest)));
        qInfo("largest |difference| of a log-likelihood: %.2e", largest);
    }

    void tallyAndJson()
    {
        ModelSession s;
        s.load(kFixtures + "/models/qwen2_tied_f16", testDevice());  // no BOS: a tokenizer default the prompts follow
        EvalOptions o;
        o.mmlu = kMmlu;
        o.shots = 1;
        o.limit = 2;
        o.validationData = kFixtures + "/data/tiny_corpus.txt";
        const EvalResult r = evaluateModel(s, o);
        QCOMPARE(r.mmlu->overall.total, int64_t(4));  // 2 per subject
        QCOMPARE(r.mmlu->subjects.size(), size_t(2));
        int64_t correct = 0;
        for (const QuestionResult &q : r.mmlu->questions)
            correct += q.prediction == q.answer;
        QCOMPARE(r.mmlu->overall.correct, correct);
        QVERIFY(r.loss && r.loss->loss > 0);
        QCOMPARE(r.normalizedLoss, r.loss->loss / std::log(double(s.info().config.vocabSize)));
        const nlohmann::ordered_json j = evalResultToJson(r);
        QVERIFY(j["mmlu"]["accuracy"].is_number());
        QVERIFY(j["mmlu"]["subjects"].contains("anatomy"));
        QVERIFY(j["mmlu"]["categories"].contains("stem"));
        const auto &q = j["mmlu"]["questions"][0];
        for (const char *key : {"subject", "index", "loglikelihoods", "prediction", "answer"})
            QVERIFY2(q.contains(key), key);
        QCOMPARE(q["loglikelihoods"].size(), size_t(4));
        QVERIFY(j["loss"]["normalized"].is_number());
    }
};

QTEST_APPLESS_MAIN(TestEvaluation)
#include "tst_evaluation.moc"
