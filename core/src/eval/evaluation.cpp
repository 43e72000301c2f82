// SPDX-License-Identifier: GPL-3.0-or-later
// Log-likelihood scoring as lm-evaluation-harness does it (anchors.md §4.5): context and continuation are
// tokenised jointly (continuation = tokens of context+continuation past those of the context alone), the
// input is (context + continuation)[:-1] left-truncated to the window, and a choice's score is the sum of
// its tokens' log-probabilities in float32. Choices that are one token each share one pass of their context;
// questions of an MMLU subject share the keys and values of the few-shot prefix (computed once) whenever
// their tokens start with the prefix's tokens, which gives the same numbers with a fraction of the work.
#include "layercut/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <future>

#include "layercut/error.h"
#include "layercut/generation.h"
#include "layercut/gsm8k.h"
#include "layercut/text_dataset.h"
#include "layercut/tokenizer.h"
#include "eval/parallel_for.h"
#include "model/cpu_passes.h"
#include "model/out_of_memory.h"
#include "session/model_session_impl.h"

namespace lc {
namespace {

using Tokens = std::vector<int64_t>;

Tokens encode(const Tokenizer &tokenizer, const std::string &text)
{
    const auto ids = tokenizer.encode(text, true);  // BOS as the tokenizer's own default, as the harness
    return Tokens(ids.begin(), ids.end());
}

/** One question: its context tokens, each choice's continuation tokens, and where the scores go. */
struct Request
{
    Tokens context;
    std::vector<Tokens> continuations;
    int prefix = -1;  // index of the shared prefix its context starts with, or -1
    QuestionResult *result = nullptr;
};

/** One sequence through the model, and which of its positions score which choice tokens. */
struct Row
{
    Request *request = nullptr;
    Tokens input;  // what the model reads (after the prefix, when there is one)
    int prefix = -1;
    // (position in input, choice, target token): the log-prob of target at that position adds to choice.
    std::vector<std::tuple<int64_t, int, int64_t>> targets;
};

std::vector<Row> rowsOf(Request &r, int64_t window, const std::vector<Tokens> &prefixes)
{
    std::vector<Row> rows;
    const bool singleTokens =
        std::all_of(r.continuations.begin(), r.continuations.end(), [](const Tokens &c) { return c.size() == 1; });
    const auto add = [&](Tokens input, std::vector<std::tuple<int64_t, int, int64_t>> targets) {
        // Left truncation to the window, as (context + continuation)[-(max_length + 1):][:-1].
        int64_t cut = std::max<int64_t>(0, static_cast<int64_t>(input.size()) - window);
        Row row{&r, Tokens(input.begin() + cut, input.end()), -1, {}};
        for (auto &[pos, choice, token] : targets)
            if (pos - cut >= 0)
                row.targets.emplace_back(pos - cut, choice, token);
        if (cut == 0 && r.prefix >= 0) {  // continue after the shared prefix
            const int64_t P = static_cast<int64_t>(prefixes[static_cast<size_t>(r.prefix)].size());
            if (static_cast<int64_t>(row.input.size()) > P) {
                row.prefix = r.prefix;
                row.input.erase(row.input.begin(), row.input.begin() + P);
                for (auto &[pos, choice, token] : row.targets)
                    pos -= P;
            }
        }
        rows.push_back(std::move(row));
    };
    if (singleTokens) {  // one pass of the context scores every choice at its last position
        std::vector<std::tuple<int64_t, int, int64_t>> targets;
        for (size_t c = 0; c < r.continuations.size(); ++c)
            targets.emplace_back(static_cast<int64_t>(r.context.size()) - 1, static_cast<int>(c),
                                 r.continuations[c][0]);
        add(r.context, targets);
        return rows;
    }
    for (size_t c = 0; c < r.continuations.size(); ++c) {
        Tokens input = r.context;
        input.insert(input.end(), r.continuations[c].begin(), r.continuations[c].end());
        input.pop_back();
        std::vector<std::tuple<int64_t, int, int64_t>> targets;
        const int64_t first = static_cast<int64_t>(r.context.size()) - 1;
        for (size_t t = 0; t < r.continuations[c].size(); ++t)
            targets.emplace_back(first + static_cast<int64_t>(t), static_cast<int>(c), r.continuations[c][t]);
        add(std::move(input), targets);
    }
    return rows;
}

std::vector<Row> rowsOf(std::vector<Request> &requests, int64_t window, const std::vector<Tokens> &prefixes)
{
    std::vector<Row> rows;
    for (Request &r : requests)
        for (Row &row : rowsOf(r, window, prefixes))
            rows.push_back(std::move(row));
    return rows;
}

Request makeRequest(const Tokenizer &tokenizer, const std::string &context, const std::vector<std::string> &choices,
                    QuestionResult &result)
{
    Request r;
    r.context = encode(tokenizer, context);
    r.result = &result;
    result.loglikelihoods.assign(choices.size(), 0.0);
    for (const std::string &choice : choices) {
        const Tokens whole = encode(tokenizer, context + choice);
        if (whole.size() <= r.context.size())
            throw Error("the continuation '" + choice + "' adds no token to its context");
        r.continuations.emplace_back(whole.begin() + static_cast<std::ptrdiff_t>(r.context.size()), whole.end());
    }
    return r;
}

/** Marks `r` as reusing prefix `p`'s keys and values when tokenising its whole context kept the prefix's tokens. */
void usePrefixIfKept(Request &r, int p, const std::vector<Tokens> &prefixes)
{
    const Tokens &prefix = prefixes[static_cast<size_t>(p)];
    if (r.context.size() > prefix.size() && std::equal(prefix.begin(), prefix.end(), r.context.begin()))
        r.prefix = p;
}

/**
 * Prefix groups: consecutive prefixes whose padded keys/values (count × the longest) fit one pass of
 * `batchTokens`, so that one pass computes them all and the questions continuing any of them share passes.
 * Returns each prefix's group.
 */
std::vector<int> prefixGroups(const std::vector<Tokens> &prefixes, int64_t batchTokens)
{
    std::vector<int64_t> lengths;
    for (const Tokens &p : prefixes)
        lengths.push_back(static_cast<int64_t>(p.size()));
    std::vector<int> group(prefixes.size());
    int g = 0;
    for (const auto &[first, last] : passRanges(lengths, batchTokens)) {
        for (size_t i = first; i < last; ++i)
            group[i] = g;
        ++g;
    }
    return group;
}

/**
 * The prefix passes of one benchmark: which group each prefix runs in (prefixGroups), and the keys and
 * values of the group last run, so that a group runs once however many batches continue it.
 */
class PrefixPasses
{
public:
    PrefixPasses(const std::vector<Tokens> &prefixes, int64_t batchTokens)
        : m_prefixes(prefixes), m_group(prefixGroups(prefixes, batchTokens))
    {}

    int groupOf(const Row &r) const { return r.prefix < 0 ? -1 : m_group[static_cast<size_t>(r.prefix)]; }

    /** Runs group g's prefixes in one pass unless it was the last run; its cache holds them from row 0. */
    const PrefixCache &encode(const LlamaModel &model, int g, const std::stop_token &stop)
    {
        if (g == m_cachedGroup)
            return m_cache;
        std::vector<std::vector<int64_t>> members;
        m_firstOfGroup = static_cast<size_t>(std::find(m_group.begin(), m_group.end(), g) - m_group.begin());
        for (size_t p = m_firstOfGroup; p < m_prefixes.size() && m_group[p] == g; ++p) {
            members.push_back(m_prefixes[p]);
            m_tokensComputed += static_cast<int64_t>(m_prefixes[p].size());
        }
        m_cache = model.encodePrefixes(members, stop);
        m_cachedGroup = g;
        return m_cache;
    }

    /** Row r's prefix within the cache of its group (after encode). */
    int64_t cacheRow(const Row &r) const { return r.prefix - static_cast<int64_t>(m_firstOfGroup); }

    bool empty() const { return m_prefixes.empty(); }
    int64_t tokensComputed() const { return m_tokensComputed; }

private:
    const std::vector<Tokens> &m_prefixes;
    std::vector<int> m_group;
    PrefixCache m_cache;
    int m_cachedGroup = -1;
    size_t m_firstOfGroup = 0;  // the cached group's first prefix: row 0 of the cache
    int64_t m_tokensComputed = 0;
};

/**
 * Scores every row, batched by length (longest first). The prefixes of a group run in one pass; a batch
 * then holds rows of any prefix of that group, each attending to its own prefix's keys and values.
 */
int64_t scoreRows(ModelSession::Impl &impl, std::vector<Row> &rows, PrefixPasses &passes, int64_t batchTokens,
                  const ProgressFn &progress, const std::stop_token &stop)
{
    const LlamaModel &model = *impl.model;
    const at::Device device = model.device();
    int64_t computed = 0, done = 0;
    const auto groupOf = [&](const Row &r) { return passes.groupOf(r); };
    std::stable_sort(rows.begin(), rows.end(), [&](const Row &a, const Row &b) {
        return groupOf(a) != groupOf(b) ? groupOf(a) < groupOf(b) : a.input.size() > b.input.size();
    });
    const auto total = static_cast<int64_t>(rows.size());
    for (size_t start = 0; start < rows.size();) {
        throwIfStopped(stop);
        const int g = groupOf(rows[start]);
        const PrefixCache *cache = g >= 0 ? &passes.encode(model, g, stop) : nullptr;
        const int64_t T = static_cast<int64_t>(rows[start].input.size());
        size_t end = start + 1;
        while (end < rows.size() && groupOf(rows[end]) == g &&
               static_cast<int64_t>(end - start + 1) * T <= std::max<int64_t>(batchTokens, T))
            ++end;
        const auto B = static_cast<int64_t>(end - start);
        at::Tensor ids = at::zeros({B, T}, at::kLong), mask = at::zeros({B, T}, at::kLong);
        for (int64_t b = 0; b < B; ++b) {
            const Tokens &in = rows[start + static_cast<size_t>(b)].input;
            const auto n = static_cast<int64_t>(in.size());
            ids[b].narrow(0, 0, n).copy_(at::tensor(in, at::kLong));
            mask[b].narrow(0, 0, n).fill_(1);
            computed += n;
        }
        std::vector<int64_t> prefixRows;  // each row's prefix within the group's cache
        for (size_t r = start; r < end && g >= 0; ++r)
            prefixRows.push_back(passes.cacheRow(rows[r]));
        const at::Tensor hidden =
            model.finalHidden(ids.to(device), mask.to(device), cache, stop, g >= 0 ? &prefixRows : nullptr);
        // Only the scored positions go through lm_head: (n, V) log-probabilities in float32.
        std::vector<int64_t> flat;
        for (int64_t b = 0; b < B; ++b)
            for (const auto &[pos, choice, token] : rows[start + static_cast<size_t>(b)].targets)
                flat.push_back(b * T + pos);
        const at::Tensor positions = at::tensor(flat, at::kLong).to(hidden.device());  // the last of several
        const at::Tensor logprobs =
            at::log_softmax(model.logits(hidden.reshape({B * T, -1}).index_select(0, positions)).to(at::kFloat), -1);
        std::vector<int64_t> tokens;
        for (int64_t b = 0; b < B; ++b)
            for (const auto &[pos, choice, token] : rows[start + static_cast<size_t>(b)].targets)
                tokens.push_back(token);
        const at::Tensor picked = logprobs.gather(1, at::tensor(tokens, at::kLong).to(logprobs.device()).unsqueeze(1))
                                      .squeeze(1)
                                      .to(at::kCPU, at::kDouble)
                                      .contiguous();
        const double *lp = picked.data_ptr<double>();
        size_t k = 0;
        for (int64_t b = 0; b < B; ++b) {
            Row &row = rows[start + static_cast<size_t>(b)];
            for (const auto &[pos, choice, token] : row.targets)
                row.request->result->loglikelihoods[static_cast<size_t>(choice)] += lp[k++];
        }
        done += B;
        if (progress)
            progress({Stage::Evaluating, done, total, computed + passes.tokensComputed()});
        start = end;
    }
    return computed;
}

/**
 * Tokenises a benchmark's questions (`tokenizeRows`, on several threads) and scores them. On a GPU the
 * first prefix group's pass runs while the questions are tokenised: the GPU would otherwise wait for the
 * tokenizer (about a tenth of a second for 384 5-shot MMLU questions). Returns the tokens computed.
 */
int64_t tokenizeAndScore(ModelSession::Impl &impl, const std::vector<Tokens> &prefixes,
                         const std::function<std::vector<Row>()> &tokenizeRows, int64_t batchTokens,
                         const ProgressFn &progress, const std::stop_token &stop)
{
    const LlamaModel &model = *impl.model;
    // On the CPU passes of about a thousand tokens, so that a stop is seen soon (cpu_passes.h).
    batchTokens = passTokenLimit(model.device(), batchTokens);
    PrefixPasses passes(prefixes, batchTokens);
    std::vector<Row> rows;
    if (model.device().is_cuda() && !passes.empty()) {
        auto tokenized = std::async(std::launch::async, tokenizeRows);
        try {
            passes.encode(model, 0, stop);  // queued on the GPU; the host is free again at once
        } catch (...) {
            tokenized.wait();  // its threads read this caller's data
            throw;
        }
        rows = tokenized.get();
    } else {
        rows = tokenizeRows();  // on the CPU the pass would compete with the tokenizer for the cores
    }
    const int64_t computed = scoreRows(impl, rows, passes, batchTokens, progress, stop);
    return computed + passes.tokensComputed();
}

void finishQuestion(QuestionResult &q)
{
    q.prediction = std::max_element(q.loglikelihoods.begin(), q.loglikelihoods.end()) - q.loglikelihoods.begin();
}

TaskResult tally(std::vector<QuestionResult> questions, size_t choices)
{
    TaskResult t;
    std::vector<int64_t> answers(choices, 0);
    for (QuestionResult &q : questions) {
        finishQuestion(q);
        const bool right = q.prediction == q.answer;
        for (Tally *tl : {&t.overall, q.subject.empty() ? nullptr : &t.subjects[q.subject],
                          q.subject.empty() ? nullptr : &t.categories[mmluCategory(q.subject)]})
            if (tl) {
                tl->correct += right;
                tl->total += 1;
            }
        ++answers[static_cast<size_t>(q.answer)];
    }
    if (!questions.empty())
        t.majorityBaseline = static_cast<double>(*std::max_element(answers.begin(), answers.end())) /
                             static_cast<double>(questions.size());
    t.questions = std::move(questions);
    return t;
}

/** GSM8K k-shot: greedy generation of every question after the shared solved examples, then exact match. */
GenerativeResult evaluateGsm8k(ModelSession &session, const EvalOptions &o, const ProgressFn &progress,
                               const std::stop_token &stop)
{
    if (progress)
        progress({Stage::ReadingData, 0, 1, 0});
    std::vector<MathProblem> test = readGsm8k(o.gsm8k);
    std::vector<MathProblem> shots;
    if (o.gsm8kShots < 0)
        throw Error("the number of GSM8K examples cannot be negative (" + std::to_string(o.gsm8kShots) + ")");
    if (!o.gsm8kTrain.empty()) {
        shots = readGsm8k(o.gsm8kTrain);
        if (static_cast<int64_t>(shots.size()) < o.gsm8kShots)
            throw Error("'" + o.gsm8kTrain.string() + "': " + std::to_string(shots.size()) +
                        " problems, fewer than the " + std::to_string(o.gsm8kShots) + " few-shot examples asked for");
        shots.resize(static_cast<size_t>(o.gsm8kShots));
    } else {  // the harness's fewshot_split is train; one file has none, so its first k rows serve
        if (o.gsm8kShots >= static_cast<int64_t>(test.size()))
            throw Error("'" + o.gsm8k.string() + "': " + std::to_string(test.size()) +
                        " problems leave none to score after " + std::to_string(o.gsm8kShots) +
                        " few-shot examples (give the examples' own file with --gsm8k-train)");
        shots.assign(test.begin(), test.begin() + o.gsm8kShots);
        test.erase(test.begin(), test.begin() + o.gsm8kShots);
    }
    if (o.limit > 0 && static_cast<int64_t>(test.size()) > o.limit)
        test.resize(static_cast<size_t>(o.limit));
    std::vector<std::string> prompts;
    for (const MathProblem &p : test)
        prompts.push_back(gsm8kQuestionText(p));
    GenerationOptions g;
    g.maxNewTokens = o.maxNewTokens;
    g.stopStrings = gsm8kStopStrings();
    g.batchSize = o.generationBatch;
    g.maxLength = o.maxLength;
    const GenerationRun run = generateText(session, gsm8kFewShotPrefix(shots), prompts, g, {}, progress, stop);
    GenerativeResult r;
    r.shots = static_cast<int64_t>(shots.size());
    r.promptTokens = run.promptTokens;
    r.generatedTokens = run.generatedTokens;
    r.truncatedPrompts = run.truncatedPrompts;
    r.seconds = run.seconds;
    for (size_t i = 0; i < test.size(); ++i) {
        const GeneratedText &out = run.outputs[i];
        const ExtractedAnswer extracted = extractGsm8kAnswer(out.text);
        GeneratedAnswer a;
        a.index = test[i].index;
        a.generated = out.text;
        a.prediction = extracted.strict;
        a.flexiblePrediction = extracted.flexible;
        a.answer = normalizeGsm8kAnswer(test[i].answer);
        a.correct = gsm8kCorrect(a.prediction, test[i].answer);
        a.flexibleCorrect = gsm8kCorrect(a.flexiblePrediction, test[i].answer);
        a.generatedTokens = static_cast<int64_t>(out.tokens.size());
        a.finish = finishReasonName(out.finish);
        r.strict.correct += a.correct;
        r.flexible.correct += a.flexibleCorrect;
        r.questions.push_back(std::move(a));
    }
    r.strict.total = r.flexible.total = static_cast<int64_t>(r.questions.size());
    return r;
}

}  // namespace

EvalResult evaluateModel(ModelSession &session, const EvalOptions &o, const ProgressFn &progress, std::stop_token stop)
try {
    ModelSession::Impl &impl = SessionInternals::of(session);
    if (!impl.model)
        throw Error("no model is loaded");
    // Only the benchmarks need one: a held-out loss on token ids does not.
    if (!impl.tokenizer && (!o.mmlu.empty() || !o.boolq.empty() || !o.gsm8k.empty()))
        throw Error("'" + impl.info.folder.string() + "': no tokenizer to build the prompts with");
    const auto begin = std::chrono::steady_clock::now();
    const int64_t window = o.maxLength > 0 ? o.maxLength : std::max<int64_t>(impl.info.config.maxPositions, 1);
    c10::InferenceMode inference;
    EvalResult result;

    if (!o.mmlu.empty()) {
        const Tokenizer &tokenizer = *impl.tokenizer;
        if (progress)
            progress({Stage::ReadingData, 0, 1, 0});
        const MmluData data = readMmlu(o.mmlu, o.shots);
        std::vector<QuestionResult> questions;
        for (const auto &[subject, test] : data.test)
            questions.resize(questions.size() +
                             std::min(test.size(), o.limit > 0 ? static_cast<size_t>(o.limit) : test.size()));
        // First what to ask (cheap), then all the tokenising on several threads.
        struct Pending
        {
            std::string context;
            int prefix = -1;
        };
        std::vector<Pending> pending;
        std::vector<Tokens> prefixes;
        std::vector<std::string> prefixTexts;
        size_t next = 0;
        for (const auto &[subject, test] : data.test) {
            const auto dev = data.dev.find(subject);
            std::vector<ChoiceQuestion> shots;
            if (dev != data.dev.end())
                shots.assign(dev->second.begin(),
                             dev->second.begin() +
                                 std::min<std::ptrdiff_t>(o.shots, static_cast<std::ptrdiff_t>(dev->second.size())));
            if (static_cast<int64_t>(shots.size()) < o.shots)
                throw Error("'" + o.mmlu.string() + "': subject " + subject + " has " + std::to_string(shots.size()) +
                            " few-shot examples, fewer than " + std::to_string(o.shots));
            const std::string prefixText = mmluFewShotPrefix(subject, shots);
            const int prefixIndex = o.reusePrefix ? static_cast<int>(prefixTexts.size()) : -1;
            if (o.reusePrefix)
                prefixTexts.push_back(prefixText);
            const size_t count = o.limit > 0 ? std::min(test.size(), static_cast<size_t>(o.limit)) : test.size();
            for (size_t i = 0; i < count; ++i) {
                QuestionResult &q = questions[next++];
                q.subject = subject;
                q.index = test[i].index;
                q.answer = test[i].answer;
                pending.push_back({prefixText + mmluQuestionText(test[i]), prefixIndex});
            }
        }
        prefixes.resize(prefixTexts.size());
        parallelFor(prefixTexts.size(), stop, [&](size_t i) { prefixes[i] = encode(tokenizer, prefixTexts[i]); });
        std::vector<Request> requests(pending.size());
        const auto tokenizeRows = [&] {
            parallelFor(pending.size(), stop, [&](size_t i) {
                Request r = makeRequest(tokenizer, pending[i].context, mmluContinuations(), questions[i]);
                if (pending[i].prefix >= 0)
                    usePrefixIfKept(r, pending[i].prefix, prefixes);
                requests[i] = std::move(r);
            });
            return rowsOf(requests, window, prefixes);
        };
        result.tokensComputed += tokenizeAndScore(impl, prefixes, tokenizeRows, o.batchTokens, progress, stop);
        result.mmlu = tally(std::move(questions), 4);
    }

    if (!o.boolq.empty()) {
        const Tokenizer &tokenizer = *impl.tokenizer;
        std::vector<ChoiceQuestion> data = readBoolq(o.boolq);
        // The harness draws k-shot examples from BoolQ's train split; one file has none, so its first k rows
        // serve (as for MMLU in JSON Lines) and are not scored. Every question shares them: one prefix.
        if (o.boolqShots < 0 || o.boolqShots >= static_cast<int64_t>(data.size()))
            throw Error("'" + o.boolq.string() + "': " + std::to_string(data.size()) +
                        " questions leave none to score after " + std::to_string(o.boolqShots) + " few-shot examples");
        const std::vector<ChoiceQuestion> shots(data.begin(), data.begin() + o.boolqShots);
        data.erase(data.begin(), data.begin() + o.boolqShots);
        const std::string prefixText = boolqFewShotPrefix(shots);
        std::vector<Tokens> boolqPrefixes;
        if (o.reusePrefix && !prefixText.empty())
            boolqPrefixes.push_back(encode(tokenizer, prefixText));
        if (o.limit > 0 && static_cast<int64_t>(data.size()) > o.limit)
            data.resize(static_cast<size_t>(o.limit));
        std::vector<QuestionResult> questions(data.size());
        std::vector<Request> requests(data.size());
        for (size_t i = 0; i < data.size(); ++i) {
            questions[i].index = data[i].index;
            questions[i].answer = data[i].answer;
        }
        const auto tokenizeRows = [&] {
            parallelFor(data.size(), stop, [&](size_t i) {
                Request r =
                    makeRequest(tokenizer, prefixText + boolqQuestionText(data[i]), boolqContinuations(), questions[i]);
                if (!boolqPrefixes.empty())
                    usePrefixIfKept(r, 0, boolqPrefixes);
                requests[i] = std::move(r);
            });
            return rowsOf(requests, window, boolqPrefixes);
        };
        result.tokensComputed += tokenizeAndScore(impl, boolqPrefixes, tokenizeRows, o.batchTokens, progress, stop);
        result.boolq = tally(std::move(questions), 2);
    }

    if (!o.gsm8k.empty()) {
        result.gsm8k = evaluateGsm8k(session, o, progress, stop);
        result.tokensComputed += result.gsm8k->promptTokens + result.gsm8k->generatedTokens;
    }

    if (!o.validationData.empty()) {
        if (o.lossLength < 2)
            throw Error("the held-out loss needs documents of at least 2 tokens (--loss-length " +
                        std::to_string(o.lossLength) + ")");
        // Never a document the weights were trained on: the session's own healing data, the model folder's
        // trained_documents.txt, and whatever the caller adds (a sweep's healing data, for its unhealed points).
        DocumentIds exclude = session.trainedDocuments();
        if (o.excludeDocuments)
            exclude.merge(*o.excludeDocuments);
        const TokenizedDataset data = readTokenized(
            o.validationData, session.tokenizer(),
            {.samples = o.lossSequences, .maxLength = o.lossLength, .vocabSize = impl.info.config.vocabSize}, &exclude,
            progress, stop);
        result.loss = session.languageModelLoss(data.sequences, std::max<int64_t>(1, o.batchTokens / o.lossLength),
                                                progress, stop);
        result.normalizedLoss = result.loss->loss / std::log(static_cast<double>(impl.info.config.vocabSize));
        result.lossData = o.validationData;
        result.lossDocumentsInFile = data.documents;
        result.lossExcludedTrained = data.excluded;
        result.tokensComputed += data.tokens;
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    return result;
} catch (const std::exception &e) {
    throwIfOutOfMemory(e, SessionInternals::of(session).deviceName(),
                       "scoring in passes of up to " + std::to_string(o.batchTokens) + " tokens",
                       "use fewer tokens per pass");
    throw;
}

}  // namespace lc
