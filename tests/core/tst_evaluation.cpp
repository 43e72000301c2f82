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

#include "layercut/analysis_cache.h"
#include "layercut/error.h"
#include "layercut/evaluation.h"
#include "layercut/evaluation_json.h"
#include "layercut/json_file.h"
#include "layercut/sweep.h"
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
        o.batchTokens = 300;  // several batches
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

    void sweepWritesACompleteFileAndResumes()
    {
        QTemporaryDir dir;
        ModelSession s;
        s.load(kFixtures + "/models/llama3_gqa_sharded", testDevice());
        SweepOptions o;
        o.fractions = {0.0, 0.34};
        o.strategies = {PruneStrategy::Deepest, PruneStrategy::Reverse};
        o.eval.mmlu = kMmlu;
        o.eval.boolq = kBoolq;
        o.eval.shots = 1;
        o.eval.validationData = kFixtures + "/data/tiny_corpus.txt";
        o.healSteps = 2;
        o.healing.trainData = kFixtures + "/data/tiny_corpus.txt";
        o.healing.sequenceLength = 32;
        o.healing.batchSize = 2;
        o.healing.rank = 4;
        o.healing.warmupSteps = 0;
        o.resultFile = fs::path(dir.path().toStdString()) / "sweep.json";

        // Cancelled after the third point: the file holds those three.
        std::stop_source stop;
        int seen = 0;
        const SweepResult partial = runSweep(
            s, o,
            [&](const SweepPoint &) {
                if (++seen == 3)
                    stop.request_stop();
            },
            {}, stop.get_token());
        QVERIFY(partial.cancelled);
        QCOMPARE(partial.points.size(), size_t(3));
        QVERIFY(!isHealed(s));  // the checkpoint was reloaded
        QCOMPARE(sweepFromJson(readJsonFile(o.resultFile), "sweep.json").points.size(), size_t(3));

        // Resumed: only the missing points run; 2 strategies x 2 fractions x (unhealed, healed).
        seen = 0;
        const SweepResult r = runSweep(s, o, [&](const SweepPoint &) { ++seen; });
        QVERIFY(!r.cancelled);
        QCOMPARE(seen, 5);
        QCOMPARE(r.points.size(), size_t(8));
        const SweepResult file = sweepFromJson(readJsonFile(o.resultFile), "sweep.json");
        QCOMPARE(file.points.size(), size_t(8));
        QCOMPARE(file.layers, int64_t(6));
        QCOMPARE(file.mmluChance, 0.25);
        QCOMPARE(file.boolqMajority.value(), 0.5);
        for (const SweepPoint &p : file.points) {
            QVERIFY(p.mmlu && p.boolq && p.loss && p.normalizedLoss);
            QCOMPARE(p.dropped.size(), size_t(p.fraction == 0 ? 0 : 2));
        }
        // deepest at 2 of 6 drops layers 3, 4 (keeps the last); reverse drops 4, 5.
        const auto find = [&](PruneStrategy strategy) {
            return std::find_if(file.points.begin(), file.points.end(),
                                [&](const SweepPoint &p) { return p.strategy == strategy && p.fraction > 0; });
        };
        QCOMPARE(find(PruneStrategy::Deepest)->dropped, (std::vector<int64_t>{3, 4}));
        QCOMPARE(find(PruneStrategy::Reverse)->dropped, (std::vector<int64_t>{4, 5}));
        QCOMPARE(s.prunePlan().kept.size(), size_t(6));  // the session ends unpruned

        // Other settings do not resume this file.
        o.eval.shots = 2;
        QVERIFY_THROWS_EXCEPTION(Error, runSweep(s, o));
    }

    // The unpruned model is the same for every strategy: measured once, recorded for each (so each line of
    // the chart starts at 0), and said to be a copy in the file.
    void sweepMeasuresTheUnprunedModelOnce()
    {
        QTemporaryDir dir;
        ModelSession s;
        s.load(kFixtures + "/models/llama3_gqa_sharded", testDevice());
        SweepOptions o;
        o.fractions = {0.0, 0.34};
        o.strategies = {PruneStrategy::Deepest, PruneStrategy::Reverse};
        o.eval.validationData = kFixtures + "/data/tiny_corpus.txt";
        o.resultFile = fs::path(dir.path().toStdString()) / "sweep.json";
        int evaluations = 0;  // each evaluateModel() reads its loss data once
        const auto progress = [&](const Progress &p) {
            evaluations += p.stage == Stage::ReadingData && p.current == 0;
        };
        std::vector<SweepPoint> seen;
        const SweepResult r = runSweep(
            s, o, [&](const SweepPoint &p) { seen.push_back(p); }, progress);
        QCOMPARE(evaluations, 3);  // the unpruned model, deepest's 2 layers, reverse's 2 layers
        QCOMPARE(seen.size(), size_t(4));
        QCOMPARE(r.points.size(), size_t(4));
        const auto unpruned = [&](PruneStrategy strategy) {
            return *std::find_if(r.points.begin(), r.points.end(),
                                 [&](const SweepPoint &p) { return p.strategy == strategy && p.fraction == 0; });
        };
        QVERIFY(!unpruned(PruneStrategy::Deepest).copiedFrom);
        QVERIFY(unpruned(PruneStrategy::Reverse).copiedFrom == PruneStrategy::Deepest);
        QCOMPARE(unpruned(PruneStrategy::Reverse).loss.value(), unpruned(PruneStrategy::Deepest).loss.value());
        QVERIFY(unpruned(PruneStrategy::Reverse).dropped.empty());
        const nlohmann::json file = readJsonFile(o.resultFile);
        int copies = 0;
        for (const auto &p : file["points"])
            copies += p.value("copied_from", std::string()) == "deepest";
        QCOMPARE(copies, 1);
        // A file written before copies existed (no "copied_from") reads as measured points.
        nlohmann::json old = file;
        for (auto &p : old["points"])
            p.erase("copied_from");
        for (const SweepPoint &p : sweepFromJson(old, "old.json").points)
            QVERIFY(!p.copiedFrom);
        // Resuming the complete file measures nothing.
        evaluations = 0;
        QCOMPARE(runSweep(s, o, {}, progress).points.size(), size_t(4));
        QCOMPARE(evaluations, 0);
    }

    // Similarity sweeps take their distances from the caller or the analysis cache when they can, save what
    // they measure there, and measure nothing at all when every point is in the file already.
    void sweepReusesDistances()
    {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const std::string model = kFixtures + "/models/llama3_gqa_sharded";
        const std::string corpus = kFixtures + "/data/tiny_corpus.txt";
        ModelSession s;
        s.load(model, testDevice());
        SweepOptions o;
        o.fractions = {0.34};
        o.strategies = {PruneStrategy::Similarity};
        o.distanceData = corpus;
        o.distanceOptions = {.samples = 8, .maxLength = 24};
        o.distancesCache = root / "cache";
        o.eval.validationData = corpus;
        o.eval.lossSequences = 4;
        int measured = 0;
        const auto progress = [&](const Progress &p) {
            measured += p.stage == Stage::MeasuringDistances && p.current == 0;
        };

        o.resultFile = root / "first.json";
        const SweepResult first = runSweep(s, o, {}, progress);
        QCOMPARE(measured, 1);
        const fs::path cached = distancesCachePath(o.distancesCache, model, corpus, o.distanceOptions, "float32", "");
        QVERIFY(fs::exists(cached));  // the GUI's key: a heatmap measured there is reused, and the other way round
        // The next sweep (another result file) reads the cache: no measurement, the same layers.
        o.resultFile = root / "second.json";
        measured = 0;
        QCOMPARE(runSweep(s, o, {}, progress).points[0].dropped, first.points[0].dropped);
        QCOMPARE(measured, 0);
        // What the cache holds is what the sweep uses: distances that make the block 0-1 the most similar.
        LayerDistances fake = *loadCachedDistances(cached);
        for (int64_t l = 0; l + 2 <= fake.numLayers; ++l)
            fake.angular[static_cast<size_t>(2 * (fake.numLayers + 1) + l)] = l == 0 ? 0.01 : 0.9;
        saveCachedDistances(cached, fake);
        o.resultFile = root / "third.json";
        QCOMPARE(runSweep(s, o, {}, progress).points[0].dropped, (std::vector<int64_t>{0, 1}));
        QCOMPARE(measured, 0);
        // Distances given by the caller come first, and are neither measured nor read.
        fake.angular[static_cast<size_t>(2 * (fake.numLayers + 1) + 0)] = 0.9;
        fake.angular[static_cast<size_t>(2 * (fake.numLayers + 1) + 3)] = 0.01;
        o.distances = fake;
        o.resultFile = root / "fourth.json";
        QCOMPARE(runSweep(s, o, {}, progress).points[0].dropped, (std::vector<int64_t>{3, 4}));
        QCOMPARE(measured, 0);
        // Without a cache and with every point in the file, nothing is measured either.
        o.distances.reset();
        o.distancesCache.clear();
        o.resultFile = root / "first.json";
        QCOMPARE(runSweep(s, o, {}, progress).points.size(), size_t(1));
        QCOMPARE(measured, 0);
    }

    // Every setting that changes a point's numbers, and the model's files, are part of the resume key: a
    // mismatch is an error naming the setting, never a file of old and new points mixed.
    void sweepResumeKeyCoversEverySetting_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("named");
        QTest::newRow("heal batch") << "heal_batch"
                                    << "heal_batch_size";
        QTest::newRow("heal micro-batch") << "heal_micro_batch"
                                          << "heal_micro_batch_size";
        QTest::newRow("heal length") << "heal_length"
                                     << "heal_sequence_length";
        QTest::newRow("heal warmup") << "heal_warmup"
                                     << "heal_warmup_steps";
        QTest::newRow("heal quantisation") << "heal_quant"
                                           << "heal_quantization";
        QTest::newRow("heal seed") << "heal_seed"
                                   << "heal_seed";
        QTest::newRow("boolq shots") << "boolq_shots"
                                     << "boolq_shots";
        QTest::newRow("loss samples") << "loss_samples"
                                      << "loss_samples";
        QTest::newRow("loss length") << "loss_length"
                                     << "loss_length";
        QTest::newRow("context") << "context"
                                 << "context_length";
        QTest::newRow("loss data edited") << "touch_data"
                                          << "data_files";
        QTest::newRow("another model, same folder name") << "touch_model"
                                                         << "model_files";
        QTest::newRow("dtype") << "dtype"
                               << "dtype";
        QTest::newRow("distance sample") << "distance_samples"
                                         << "distance_samples";
    }

    void sweepResumeKeyCoversEverySetting()
    {
        QFETCH(QString, change);
        QFETCH(QString, named);
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        // A model and data of the user's own, so the test may touch them.
        const fs::path model = root / "model";
        fs::create_directories(model);
        for (const auto &e : fs::directory_iterator(kFixtures + "/models/llama3_gqa_sharded"))
            fs::copy_file(e.path(), model / e.path().filename());
        const fs::path corpus = root / "corpus.txt";
        fs::copy_file(kFixtures + "/data/tiny_corpus.txt", corpus);
        ModelSession s;
        s.load(model, testDevice());
        SweepOptions o;
        o.fractions = {0.34};
        o.strategies = {PruneStrategy::Deepest, PruneStrategy::Similarity};
        o.distanceData = corpus;
        o.distanceOptions = {.samples = 6, .maxLength = 16};
        o.eval.boolq = kBoolq;
        o.eval.validationData = corpus;
        o.eval.lossSequences = 6;
        o.eval.lossLength = 16;
        o.healSteps = 2;  // automatic warmup: 1 step, so an explicit 0 differs
        o.healing.trainData = corpus;
        o.healing.sequenceLength = 16;
        o.healing.batchSize = 2;
        o.healing.rank = 2;
        o.resultFile = root / "sweep.json";
        QCOMPARE(runSweep(s, o).points.size(), size_t(4));

        if (change == "heal_batch")
            o.healing.batchSize = 4;
        else if (change == "heal_micro_batch")
            o.healing.microBatchSize = 2;
        else if (change == "heal_length")
            o.healing.sequenceLength = 24;
        else if (change == "heal_warmup")
            o.healing.warmupSteps = 0;
        else if (change == "heal_quant")
            o.healing.quantization = BaseQuantization::None;
        else if (change == "heal_seed")
            o.healing.seed = 9;
        else if (change == "boolq_shots")
            o.eval.boolqShots = 1;
        else if (change == "loss_samples")
            o.eval.lossSequences = 5;
        else if (change == "loss_length")
            o.eval.lossLength = 12;
        else if (change == "context")
            o.eval.maxLength = 64;
        else if (change == "distance_samples")
            o.distanceOptions.samples = 5;
        else if (change == "touch_data")
            std::ofstream(corpus, std::ios::app) << "One more document.\n";
        else if (change == "touch_model")  // new weights in the same folder: a new time stamp at least
            fs::last_write_time(model / "model-00001-of-00004.safetensors",
                                fs::last_write_time(model / "model-00001-of-00004.safetensors") +
                                    std::chrono::hours(1));
        if (change == "dtype") {
            LoadOptions half = testDevice();
            half.dtype = DType::Float16;
            s.load(model, half);
        }
        try {
            runSweep(s, o);
            QFAIL("a sweep with other settings resumed the file");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(named) && QString(e.what()).contains("sweep.json"), e.what());
        }
        QCOMPARE(sweepFromJson(readJsonFile(o.resultFile), "sweep.json").points.size(), size_t(4));  // untouched
    }

    void importanceScanDropsEachLayer()
    {
        ModelSession s;
        s.load(kFixtures + "/models/llama3_gqa_sharded", testDevice());
        SweepOptions o;
        o.perLayer = true;
        o.eval.validationData = kFixtures + "/data/tiny_corpus.txt";
        const SweepResult r = runSweep(s, o);
        QCOMPARE(r.points.size(), size_t(7));  // the whole model, then each of the 6 layers dropped alone
        QVERIFY(r.points[0].dropped.empty());
        for (int64_t i = 0; i < 6; ++i)
            QCOMPARE(r.points[static_cast<size_t>(i) + 1].dropped, (std::vector<int64_t>{i}));
    }
};

QTEST_APPLESS_MAIN(TestEvaluation)
#include "tst_evaluation.moc"
