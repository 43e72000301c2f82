// SPDX-License-Identifier: GPL-3.0-or-later
// Generation: greedy decoding with the key/value cache equals a full forward pass per new token without one
// (token for token, for every fixture family, sliding windows included), a batch equals its prompts run
// alone, a shared prefix changes nothing, stop strings and EOS end a row as the harness and transformers
// end it; GSM8K's prompts, answer extraction and scoring as lm-evaluation-harness's gsm8k task.
#include <algorithm>
#include <cmath>
#include <fstream>

#include <QTemporaryDir>
#include <QTest>

#include "test_device.h"

#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/evaluation_json.h"
#include "layercut/generation.h"
#include "layercut/gsm8k.h"
#include "layercut/tokenizer.h"

#include <nlohmann/json.hpp>

using namespace lc;
using lc::test::testDevice;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = LAYERCUT_FIXTURES_DIR;
const std::string kGsm8k = kFixtures + "/data/gsm8k_tiny.jsonl";

fs::path model(const char *name)
{
    return fs::path(kFixtures) / "models" / name;
}

struct Reference
{
    std::vector<int32_t> tokens;
    std::vector<double> logprobs;
};

/** Greedy tokens from a full forward pass of the whole sequence for every new token: no cache at all. */
Reference fullForwardGreedy(ModelSession &s, const std::string &text, int steps)
{
    const auto encoded = s.tokenizer()->encode(text, true);
    std::vector<int64_t> ids(encoded.begin(), encoded.end());
    Reference ref;
    for (int i = 0; i < steps; ++i) {
        const ForwardResult r = s.forward(TokenBatch::single(ids));
        const float *row = r.logits.data() + (r.length - 1) * r.vocab;
        const int64_t best = std::max_element(row, row + r.vocab) - row;  // the first on ties, as torch.argmax
        double z = 0;
        for (int64_t v = 0; v < r.vocab; ++v)
            z += std::exp(double(row[v]) - double(row[best]));
        ref.tokens.push_back(static_cast<int32_t>(best));
        ref.logprobs.push_back(-std::log(z));
        ids.push_back(best);
    }
    return ref;
}

GenerationOptions plain(int64_t steps, int64_t batch = 8)
{
    GenerationOptions o;
    o.maxNewTokens = steps;
    o.stopAtEos = false;
    o.batchSize = batch;
    return o;
}

const std::vector<std::string> kPrompts = {"The quick brown fox", "Hello", "Numbers: 1, 2, 3, 4, 5, 6, 7", "a b c"};

}  // namespace

class TestGeneration final : public QObject
{
    Q_OBJECT

private slots:
    void cachedEqualsFullForward_data()
    {
        QTest::addColumn<QString>("fixture");
        for (const char *name :
             {"llama3_gqa_sharded", "llama2_spm_classic", "mistral_window", "qwen2_window", "qwen3_qknorm",
              "olmo2_postnorm", "smollm3_nope", "gemma2_softcap", "gemma3_text", "phi3_longrope"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void cachedEqualsFullForward()
    {
        // 24 new tokens: far past the fixtures' sliding windows of 4, so the cache's window cut is exercised.
        QFETCH(QString, fixture);
        ModelSession s;
        s.load(model(fixture.toLatin1().constData()), testDevice());
        const GenerationRun run = generateText(s, "", kPrompts, plain(24));
        QCOMPARE(run.outputs.size(), kPrompts.size());
        for (size_t i = 0; i < kPrompts.size(); ++i) {
            const Reference ref = fullForwardGreedy(s, kPrompts[i], 24);
            const GeneratedText &out = run.outputs[i];
            QCOMPARE(out.tokens, ref.tokens);
            QCOMPARE(out.finish, FinishReason::Length);
            for (size_t t = 0; t < ref.logprobs.size(); ++t)
                QVERIFY2(std::abs(out.logprobs[t] - ref.logprobs[t]) < 1e-4,
                         qPrintable(QString("prompt %1 token %2: %3 vs %4")
                                        .arg(i)
                                        .arg(t)
                                        .arg(out.logprobs[t])
                                        .arg(ref.logprobs[t])));
            QCOMPARE(out.text, s.tokenizer()->decode(out.tokens));
        }
    }

    void batchedEqualsAlone()
    {
        for (const char *name : {"llama3_gqa_sharded", "mistral_window"}) {
            ModelSession s;
            s.load(model(name), testDevice());
            const GenerationRun together = generateText(s, "", kPrompts, plain(16, 8));
            for (size_t i = 0; i < kPrompts.size(); ++i) {
                const GenerationRun alone = generateText(s, "", {kPrompts[i]}, plain(16, 1));
                QCOMPARE(together.outputs[i].tokens, alone.outputs[0].tokens);
            }
            // Two prompts per batch: the batches' paddings differ from the one batch's.
            const GenerationRun pairs = generateText(s, "", kPrompts, plain(16, 2));
            for (size_t i = 0; i < kPrompts.size(); ++i)
                QCOMPARE(pairs.outputs[i].tokens, together.outputs[i].tokens);
        }
    }

    void sharedPrefixChangesNothing()
    {
        ModelSession s;
        s.load(model("mistral_window"), testDevice());
        const std::string prefix = "Question: one two three\nAnswer: four\n\n";
        std::vector<std::string> whole;
        for (const std::string &p : kPrompts)
            whole.push_back(prefix + p);
        const GenerationRun shared = generateText(s, prefix, kPrompts, plain(12));
        const GenerationRun separate = generateText(s, "", whole, plain(12));
        for (size_t i = 0; i < kPrompts.size(); ++i) {
            QCOMPARE(shared.outputs[i].tokens, separate.outputs[i].tokens);
            QCOMPARE(shared.outputs[i].promptTokens, separate.outputs[i].promptTokens);
        }
        // The prefix ran once: fewer prompt tokens computed than the prompts hold.
        int64_t held = 0;
        for (const GeneratedText &g : separate.outputs)
            held += g.promptTokens;
        QCOMPARE(separate.promptTokens, held);
        QVERIFY(shared.promptTokens < held);
    }

    void stopStringEndsTheRow()
    {
        ModelSession s;
        s.load(model("llama3_gqa_sharded"), testDevice());
        const GenerationRun free = generateText(s, "", {kPrompts[0]}, plain(20));
        const GeneratedText &full = free.outputs[0];
        // A stop string that first appears inside the text: the continuation ends just before it.
        const std::string tail = s.tokenizer()->decode({full.tokens.begin() + 5, full.tokens.begin() + 7});
        QVERIFY(!tail.empty());
        const size_t at = full.text.find(tail);
        GenerationOptions o = plain(20);
        o.stopStrings = {"never appears \x01", tail};
        std::vector<std::pair<size_t, std::string>> streamed;
        const GenerationRun stopped = generateText(
            s, "", {kPrompts[0]}, o, [&](size_t p, const GeneratedText &g) { streamed.emplace_back(p, g.text); });
        const GeneratedText &cut = stopped.outputs[0];
        QCOMPARE(cut.text, full.text.substr(0, at));
        QCOMPARE(cut.finish, FinishReason::StopString);
        QCOMPARE(cut.stopString, tail);
        QVERIFY(cut.tokens.size() <= 7);
        QVERIFY(std::equal(cut.tokens.begin(), cut.tokens.end(), full.tokens.begin()));
        QCOMPARE(streamed.size(), cut.tokens.size());  // one report per new token
        QCOMPARE(streamed.back().second, cut.text);
    }

    void endOfSequenceEndsTheRow()
    {
        // generation_config.json names the EOS id; the row ends there and its text leaves the token out.
        QTemporaryDir dir;
        const fs::path copy = fs::path(dir.path().toStdString()) / "m";
        fs::copy(model("llama3_gqa_sharded"), copy, fs::copy_options::recursive);
        ModelSession s;
        s.load(copy, testDevice());
        const GeneratedText full = generateText(s, "", {kPrompts[0]}, plain(12)).outputs[0];
        const int32_t eos = full.tokens[4];
        const size_t first = std::find(full.tokens.begin(), full.tokens.end(), eos) - full.tokens.begin();
        std::ofstream(copy / "generation_config.json") << R"({"eos_token_id": [9999, )" << eos << "]}";
        QCOMPARE(endOfSequenceIds(s), (std::vector<int32_t>{9999, eos}));
        GenerationOptions o = plain(12);
        o.stopAtEos = true;
        const GeneratedText ended = generateText(s, "", {kPrompts[0]}, o).outputs[0];
        QCOMPARE(ended.finish, FinishReason::EndOfSequence);
        QCOMPARE(ended.tokens.size(), first + 1);
        QCOMPARE(ended.text, s.tokenizer()->decode({full.tokens.begin(), full.tokens.begin() + first}));
    }

    void badRequestsAreRefused()
    {
        ModelSession s;
        s.load(model("llama3_gqa_sharded"), testDevice());
        GenerationOptions o = plain(0);
        QVERIFY_THROWS_EXCEPTION(Error, generateText(s, "", {"x"}, o));
        o = plain(300);  // the fixture's window is 256
        try {
            generateText(s, "", {"x"}, o);
            QFAIL("a window smaller than the new tokens was accepted");
        } catch (const Error &e) {
            QVERIFY(std::string(e.what()).find("256") != std::string::npos);
        }
        ModelSession none;
        QVERIFY_THROWS_EXCEPTION(Error, generateText(none, "", {"x"}, plain(4)));
    }

    // A prompt longer than the window less the new tokens loses its start, as the harness cuts it, and the
    // run says how many did.
    void longPromptsAreCutAndCounted()
    {
        ModelSession s;
        s.load(model("llama3_gqa_sharded"), testDevice());
        GenerationOptions o = plain(8);
        o.maxLength = 40;  // room for 32 prompt tokens
        std::string longText;
        for (int i = 0; i < 40; ++i)
            longText += " word" + std::to_string(i);
        const GenerationRun run = generateText(s, "", {"Hello", longText}, o);
        QCOMPARE(run.truncatedPrompts, int64_t(1));
        QVERIFY(run.outputs[0].promptTokens < 32);
        QCOMPARE(run.outputs[1].promptTokens, int64_t(32));
        QCOMPARE(run.outputs[1].tokens.size(), size_t(8));
        o.maxLength = 0;  // the fixture's 256
        QCOMPARE(generateText(s, "", {"Hello", longText}, o).truncatedPrompts, int64_t(0));
    }

    void gsm8kPromptsAsTheHarness()
    {
        const std::vector<MathProblem> p = readGsm8k(kGsm8k);
        QCOMPARE(p.size(), size_t(5));
        QCOMPARE(p[3].index, int64_t(3));
        QCOMPARE(gsm8kQuestionText(p[0]), "Question: " + p[0].question + "\nAnswer:");
        QCOMPARE(gsm8kFewShotPrefix({p[0], p[1]}), "Question: " + p[0].question + "\nAnswer: " + p[0].answer +
                                                       "\n\nQuestion: " + p[1].question + "\nAnswer: " + p[1].answer +
                                                       "\n\n");
        QCOMPARE(gsm8kFewShotPrefix({}), std::string());
        QCOMPARE(gsm8kStopStrings(), (std::vector<std::string>{"Question:", "</s>", "<|im_end|>", "\n\n"}));
    }

    void gsm8kAnswerExtraction_data()
    {
        // What lm-evaluation-harness's strict-match ("#### (\-?[0-9\.\,]+)", first match) and flexible-extract
        // ("(-?[$0-9.,]{2,})|(-?[0-9]+)", last match, its first non-empty group) filters return, and whether
        // exact_match (",", "\$", "(?s).*#### ", "\.$" removed, lower case) counts it right.
        QTest::addColumn<QString>("generated");
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("strict");
        QTest::addColumn<QString>("flexible");
        QTest::addColumn<bool>("strictRight");
        QTest::addColumn<bool>("flexibleRight");
        const QString natalia = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 "
                                "clips altogether in April and May.\n#### 72";
        QTest::newRow("gold solution") << " " + natalia << natalia << "72"
                                       << "72" << true << true;
        QTest::newRow("no marker") << " She sold 24 in May, so 72 in all." << natalia << "[invalid]"
                                   << "72" << false << true;
        QTest::newRow("thousands and dollars") << " The total is $1,234.\n#### 1,234"
                                               << "#### 1234"
                                               << "1,234"
                                               << "1,234" << true << true;
        QTest::newRow("final period") << " So the answer is 1234."
                                      << "#### 1234"
                                      << "[invalid]"
                                      << "1234." << false << true;
        QTest::newRow("negative") << " 4 - 9 = -5\n#### -5"
                                  << "#### -5"
                                  << "-5"
                                  << "-5" << true << true;
        QTest::newRow("dollar amount last") << " It costs $18."
                                            << "#### 18"
                                            << "[invalid]"
                                            << "$18." << false << true;
        QTest::newRow("first marker wins") << " #### 3 then #### 4"
                                           << "#### 4"
                                           << "3"
                                           << "4" << false << true;
        QTest::newRow("nothing") << " I do not know."
                                 << "#### 4"
                                 << "[invalid]"
                                 << "[invalid]" << false << false;
        QTest::newRow("single digit") << " x 7 y"
                                      << "#### 7"
                                      << "[invalid]"
                                      << "7" << false << true;
        QTest::newRow("decimal") << " #### 2.50"
                                 << "#### 2.5"
                                 << "2.50"
                                 << "2.50" << false << false;
    }

    void gsm8kAnswerExtraction()
    {
        QFETCH(QString, generated);
        QFETCH(QString, reference);
        QFETCH(QString, strict);
        QFETCH(QString, flexible);
        QFETCH(bool, strictRight);
        QFETCH(bool, flexibleRight);
        const ExtractedAnswer a = extractGsm8kAnswer(generated.toStdString());
        QCOMPARE(QString::fromStdString(a.strict), strict);
        QCOMPARE(QString::fromStdString(a.flexible), flexible);
        QCOMPARE(gsm8kCorrect(a.strict, reference.toStdString()), strictRight);
        QCOMPARE(gsm8kCorrect(a.flexible, reference.toStdString()), flexibleRight);
    }

    void gsm8kNormalisation()
    {
        QCOMPARE(normalizeGsm8kAnswer("Step.\n#### 1,000"), std::string("1000"));
        QCOMPARE(normalizeGsm8kAnswer("#### 5\n#### $6."), std::string("6"));
        QCOMPARE(normalizeGsm8kAnswer("72.\n"), std::string("72\n"));  // Python's $ before a final newline
        QCOMPARE(normalizeGsm8kAnswer("ABC"), std::string("abc"));
    }

    void gsm8kFileErrorsNameTheLine()
    {
        QTemporaryDir dir;
        const fs::path bad = fs::path(dir.path().toStdString()) / "bad.jsonl";
        std::ofstream(bad) << R"({"question": "q", "answer": "#### 1"})"
                           << "\n"
                           << R"({"question": "q"})"
                           << "\n";
        try {
            readGsm8k(bad);
            QFAIL("a row without an answer was accepted");
        } catch (const Error &e) {
            const std::string m = e.what();
            QVERIFY2(m.find("bad.jsonl") != std::string::npos && m.find("line 2") != std::string::npos &&
                         m.find("answer") != std::string::npos,
                     e.what());
        }
    }

    void gsm8kEvaluation()
    {
        ModelSession s;
        s.load(model("qwen2_window"), testDevice());
        EvalOptions o;
        o.gsm8k = kGsm8k;
        o.gsm8kShots = 2;  // the file's first 2 rows are the examples, the other 3 are scored
        o.maxNewTokens = 24;
        o.generationBatch = 2;
        const EvalResult r = evaluateModel(s, o);
        QVERIFY(r.gsm8k);
        const GenerativeResult &g = *r.gsm8k;
        QCOMPARE(g.questions.size(), size_t(3));
        QCOMPARE(g.questions[0].index, int64_t(2));
        QCOMPARE(g.questions[0].answer, std::string("800"));
        QCOMPARE(g.questions[1].answer, std::string("-5"));
        // Each question's generation is what generateText gives for the same prompt after the same examples.
        const std::vector<MathProblem> p = readGsm8k(kGsm8k);
        GenerationOptions go;
        go.maxNewTokens = 24;
        go.stopStrings = gsm8kStopStrings();
        const GenerationRun direct =
            generateText(s, gsm8kFewShotPrefix({p[0], p[1]}),
                         {gsm8kQuestionText(p[2]), gsm8kQuestionText(p[3]), gsm8kQuestionText(p[4])}, go);
        int64_t correct = 0;
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(g.questions[i].generated, direct.outputs[i].text);
            QCOMPARE(g.questions[i].prediction, extractGsm8kAnswer(direct.outputs[i].text).strict);
            correct += g.questions[i].correct;
        }
        QCOMPARE(g.strict.correct, correct);
        QCOMPARE(g.strict.total, int64_t(3));
        // The JSON holds every question and reads back.
        const nlohmann::ordered_json j = evalResultToJson(r);
        QCOMPARE(j["gsm8k"]["questions"].size(), size_t(3));
        QVERIFY(j["gsm8k"]["questions"][0].contains("generated"));
        const EvalResult back = evalResultFromJson(nlohmann::json::parse(j.dump()));
        QVERIFY(back.gsm8k);
        QCOMPARE(back.gsm8k->questions[2].generated, g.questions[2].generated);
        QCOMPARE(back.gsm8k->strict.correct, g.strict.correct);
        // Too few problems for the examples asked for: refused, naming the file.
        o.gsm8kShots = 5;
        QVERIFY_THROWS_EXCEPTION(Error, evaluateModel(s, o));
        o.gsm8kTrain = kGsm8k;  // examples from their own file: all five are scored
        o.gsm8kShots = 3;
        QCOMPARE(evaluateModel(s, o).gsm8k->questions.size(), size_t(5));
    }
};

QTEST_GUILESS_MAIN(TestGeneration)
#include "tst_generation.moc"
