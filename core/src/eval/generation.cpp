// SPDX-License-Identifier: GPL-3.0-or-later
// Greedy decoding as transformers' generate(do_sample=False): the prompt in one pass, then one token per
// step, each the argmax of the float32 logits at the row's last position (the first index on ties, as
// torch.argmax). Rows of a batch advance together in a key/value cache; a shorter prompt's padding and a
// finished row's steps are slots no real token attends to, and every row keeps its own positions, so each
// row computes what it would alone. A shared few-shot prefix is run once and copied into every row.
// Legend: B rows, T prompt tokens, P prefix tokens, H hidden, V vocabulary.
#include "layercut/generation.h"

#include <algorithm>
#include <chrono>

#include "layercut/checkpoint.h"
#include "layercut/error.h"
#include "layercut/json_file.h"
#include "layercut/tokenizer.h"
#include "eval/parallel_for.h"
#include "model/out_of_memory.h"
#include "session/model_session_impl.h"
#include "train/healing_state.h"

namespace lc {
namespace {

using Tokens = std::vector<int64_t>;

/** One prompt as the model reads it: after the shared prefix (usesPrefix) or whole. */
struct PromptRow
{
    size_t prompt = 0;
    Tokens input;
    bool usesPrefix = false;
};

/** eos_token_id as an int or a list of ints; none when absent or null. */
std::vector<int32_t> idsOf(const nlohmann::json &j, const std::string &file)
{
    std::vector<int32_t> ids;
    const auto add = [&](const nlohmann::json &v) {
        if (!v.is_number_integer())
            throw Error("'" + file + "': eos_token_id must be an integer or a list of integers, not " + jsonText(v));
        ids.push_back(v.get<int32_t>());
    };
    if (!j.contains("eos_token_id") || j["eos_token_id"].is_null())
        return ids;
    if (j["eos_token_id"].is_array())
        for (const auto &v : j["eos_token_id"])
            add(v);
    else
        add(j["eos_token_id"]);
    return ids;
}

/** The first of `stops` to appear in `text`: its position and index, or npos. */
std::pair<size_t, size_t> firstStop(const std::string &text, const std::vector<std::string> &stops)
{
    std::pair<size_t, size_t> first{std::string::npos, 0};
    for (size_t s = 0; s < stops.size(); ++s)
        if (!stops[s].empty())
            if (const size_t at = text.find(stops[s]); at < first.first)
                first = {at, s};
    return first;
}

/**
 * Makes `pieces` (one per token, the newest last) join to `text`: the pieces keep what they share with it,
 * and the newest gets the rest. A byte-level token ending inside a character decodes as U+FFFD until the
 * next completes it, and a stop string cuts the end, so earlier pieces can shrink.
 */
void alignPieces(std::vector<std::string> &pieces, const std::string &text)
{
    size_t kept = 0;  // bytes of `text` the pieces before the newest still match
    for (size_t i = 0; i + 1 < pieces.size(); ++i) {
        std::string &p = pieces[i];
        size_t same = 0;
        while (same < p.size() && kept + same < text.size() && p[same] == text[kept + same])
            ++same;
        if (same < p.size()) {
            p.resize(same);
            for (size_t j = i + 1; j + 1 < pieces.size(); ++j)
                pieces[j].clear();
            kept += same;
            break;
        }
        kept += same;
    }
    pieces.back() = text.substr(std::min(kept, text.size()));
}

/** Greedy choice and its log-probability for hidden states [B, H] after the final norm. */
std::pair<std::vector<int64_t>, std::vector<double>> pick(const LlamaModel &model, const at::Tensor &hidden)
{
    const at::Tensor logits = model.logits(hidden).to(at::kFloat);  // (B, V)
    const at::Tensor chosen = logits.argmax(-1);                    // (B)
    const at::Tensor logprob = at::log_softmax(logits, -1).gather(1, chosen.unsqueeze(1)).squeeze(1);
    const at::Tensor ids = chosen.to(at::kCPU).contiguous();
    const at::Tensor lp = logprob.to(at::kCPU, at::kDouble).contiguous();
    return {Tokens(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + ids.numel()),
            std::vector<double>(lp.data_ptr<double>(), lp.data_ptr<double>() + lp.numel())};
}

/** Keeps the cache's rows `rows` (indices into its batch), dropping finished ones. */
void keepCacheRows(KvCache &cache, const at::Tensor &rows)
{
    for (at::Tensor &k : cache.keys)  // each layer's slots on its device
        k = k.index_select(0, rows.to(k.device()));
    for (at::Tensor &v : cache.values)
        v = v.index_select(0, rows.to(v.device()));
    cache.positions = cache.positions.index_select(0, rows);
    cache.valid = cache.valid.index_select(0, rows);
}

class BatchDecoder
{
public:
    BatchDecoder(const LlamaModel &model, const Tokenizer &tokenizer, const GenerationOptions &options,
                 const std::vector<int32_t> &eos, GenerationRun &run, const GenerationStepFn &step,
                 const std::function<void()> &finishedOne, const std::stop_token &stop)
        : m_model(model), m_tokenizer(tokenizer), m_options(options), m_eos(eos), m_run(run), m_step(step),
          m_finishedOne(finishedOne), m_stop(stop)
    {}

    /** Generates for `rows` (all with or all without `prefix`) together. */
    void run(const std::vector<const PromptRow *> &rows, const PrefixCache *prefix)
    {
        const auto B = static_cast<int64_t>(rows.size());
        const int64_t P = prefix ? prefix->length : 0;
        int64_t T = 0;
        for (const PromptRow *r : rows)
            T = std::max<int64_t>(T, static_cast<int64_t>(r->input.size()));
        KvCache cache = m_model.newCache(B, P + T + m_options.maxNewTokens, prefix);
        // The prompts, right-padded: (B, T) ids, positions P .. P+T-1, real tokens marked.
        at::Tensor ids = at::zeros({B, T}, at::kLong), keep = at::zeros({B, T}, at::kBool);
        const at::Tensor positions = at::arange(P, P + T, at::kLong).unsqueeze(0).repeat({B, 1});
        std::vector<int64_t> next(rows.size()), lastRow(rows.size());  // next position; flat index of the last token
        for (int64_t b = 0; b < B; ++b) {
            const Tokens &in = rows[static_cast<size_t>(b)]->input;
            const auto n = static_cast<int64_t>(in.size());
            ids[b].narrow(0, 0, n).copy_(at::tensor(in, at::kLong));
            keep[b].narrow(0, 0, n).fill_(true);
            next[static_cast<size_t>(b)] = P + n;
            lastRow[static_cast<size_t>(b)] = b * T + n - 1;
            m_run.outputs[rows[static_cast<size_t>(b)]->prompt].promptTokens = P + n;
            m_run.promptTokens += n;
        }
        const at::Tensor hidden = m_model.extend(ids, positions, keep, cache, m_stop);  // (B, T, H)
        const at::Tensor last = at::tensor(lastRow, at::kLong).to(hidden.device());     // the last of several
        auto [tokens, logprobs] = pick(m_model, hidden.reshape({B * T, -1}).index_select(0, last));

        std::vector<size_t> active(rows.size());  // cache row -> index into rows
        for (size_t b = 0; b < rows.size(); ++b)
            active[b] = b;
        while (true) {
            std::vector<size_t> still;
            std::vector<int64_t> stillRows;
            for (size_t a = 0; a < active.size(); ++a) {
                const size_t b = active[a];
                if (!record(m_run.outputs[rows[b]->prompt], rows[b]->prompt, static_cast<int32_t>(tokens[a]),
                            logprobs[a])) {
                    still.push_back(b);
                    stillRows.push_back(static_cast<int64_t>(a));
                }
            }
            if (still.empty())
                return;
            throwIfStopped(m_stop);
            // Finished rows leave the batch once they are half of it: the cache shrinks, each step costs less.
            std::vector<int64_t> feed(tokens.size());
            for (size_t a = 0; a < tokens.size(); ++a)
                feed[a] = tokens[a];
            if (still.size() * 2 <= active.size()) {
                keepCacheRows(cache, at::tensor(stillRows, at::kLong).to(m_model.device()));
                std::vector<int64_t> kept;
                for (const int64_t a : stillRows)
                    kept.push_back(feed[static_cast<size_t>(a)]);
                feed = std::move(kept);
                active = still;
            }
            const auto n = static_cast<int64_t>(active.size());
            std::vector<int64_t> stepPositions(active.size());
            std::vector<uint8_t> stepKeep(active.size());
            for (size_t a = 0; a < active.size(); ++a) {
                const size_t b = active[a];
                stepPositions[a] = next[b]++;
                stepKeep[a] = !m_run.outputs[rows[b]->prompt].done;
            }
            const at::Tensor stepIds = at::tensor(feed, at::kLong).view({n, 1});
            const at::Tensor stepPos = at::tensor(stepPositions, at::kLong).view({n, 1});
            const at::Tensor stepMask = at::tensor(std::vector<int64_t>(stepKeep.begin(), stepKeep.end()), at::kLong)
                                            .to(at::kBool)
                                            .view({n, 1});
            const at::Tensor h = m_model.extend(stepIds, stepPos, stepMask, cache, m_stop);  // (n, 1, H)
            std::tie(tokens, logprobs) = pick(m_model, h.select(1, 0));
        }
    }

private:
    /** Adds `token` to `out`; true when the row is finished (now or before). */
    bool record(GeneratedText &out, size_t prompt, int32_t token, double logprob)
    {
        if (out.done)
            return true;
        out.tokens.push_back(token);
        out.logprobs.push_back(logprob);
        out.pieces.emplace_back();
        ++m_run.generatedTokens;
        if (std::find(m_eos.begin(), m_eos.end(), token) != m_eos.end()) {
            out.finish = FinishReason::EndOfSequence;
            out.done = true;
        } else {
            out.text = m_tokenizer.decode(out.tokens);
            if (const auto [at, which] = firstStop(out.text, m_options.stopStrings); at != std::string::npos) {
                out.text.resize(at);
                out.finish = FinishReason::StopString;
                out.stopString = m_options.stopStrings[which];
                out.done = true;
            } else if (static_cast<int64_t>(out.tokens.size()) >= m_options.maxNewTokens) {
                out.finish = FinishReason::Length;
                out.done = true;
            }
        }
        alignPieces(out.pieces, out.text);
        if (m_step)
            m_step(prompt, out);
        if (out.done && m_finishedOne)
            m_finishedOne();
        return out.done;
    }

    const LlamaModel &m_model;
    const Tokenizer &m_tokenizer;
    const GenerationOptions &m_options;
    const std::vector<int32_t> &m_eos;
    GenerationRun &m_run;
    const GenerationStepFn &m_step;
    const std::function<void()> &m_finishedOne;
    const std::stop_token &m_stop;
};

}  // namespace

const char *finishReasonName(FinishReason finish)
{
    switch (finish) {
    case FinishReason::StopString: return "stop";
    case FinishReason::EndOfSequence: return "eos";
    case FinishReason::Length: return "length";
    }
    return "";
}

std::vector<int32_t> endOfSequenceIds(const ModelSession &session)
{
    const ModelSession::Impl &impl = SessionInternals::of(session);
    // generate() uses generation_config.json's, which transformers builds from config.json when it is absent.
    for (const char *name : {"generation_config.json", "config.json"}) {
        const std::filesystem::path file = impl.info.folder / name;
        if (impl.info.folder.empty() || !std::filesystem::is_regular_file(file))
            continue;
        const nlohmann::json j = readJsonFile(file);
        if (!j.is_object())
            continue;
        if (std::vector<int32_t> ids = idsOf(j, file.string()); !ids.empty())
            return ids;
    }
    if (impl.tokenizer && impl.tokenizer->eosId())
        return {*impl.tokenizer->eosId()};
    return {};
}

GenerationRun generateText(ModelSession &session, const std::string &sharedPrefix,
                           const std::vector<std::string> &prompts, const GenerationOptions &o,
                           const GenerationStepFn &step, const ProgressFn &progress, std::stop_token stop)
try {
    ModelSession::Impl &impl = SessionInternals::of(session);
    if (!impl.model)
        throw Error("no model is loaded");
    if (!impl.tokenizer)
        throw Error("'" + impl.info.folder.string() + "': no tokenizer to read the prompts with");
    if (o.maxNewTokens < 1)
        throw Error("generation needs at least 1 new token (max new tokens " + std::to_string(o.maxNewTokens) + ")");
    if (o.batchSize < 1)
        throw Error("generation needs at least 1 prompt per batch (batch " + std::to_string(o.batchSize) + ")");
    const auto begin = std::chrono::steady_clock::now();
    const int64_t window = o.maxLength > 0 ? o.maxLength : std::max<int64_t>(impl.info.config.maxPositions, 1);
    const int64_t room = window - o.maxNewTokens;  // what a prompt may keep, as the harness's max_ctx_len
    if (room < 1)
        throw Error("a context window of " + std::to_string(window) + " tokens leaves no room for a prompt before " +
                    std::to_string(o.maxNewTokens) + " new tokens");
    const Tokenizer &tokenizer = *impl.tokenizer;
    const LlamaModel &model = *impl.model;
    c10::InferenceMode inference;
    const auto encode = [&](const std::string &text) {
        const auto ids = tokenizer.encode(text, true);
        return Tokens(ids.begin(), ids.end());
    };

    const Tokens prefix = sharedPrefix.empty() ? Tokens() : encode(sharedPrefix);
    const auto P = static_cast<int64_t>(prefix.size());
    std::vector<PromptRow> rows(prompts.size());
    std::vector<int64_t> encodedLength(prompts.size());
    parallelFor(prompts.size(), stop, [&](size_t i) {
        Tokens whole = encode(sharedPrefix + prompts[i]);
        if (whole.empty())
            throw Error("prompt " + std::to_string(i + 1) + " has no tokens");
        const auto n = static_cast<int64_t>(whole.size());
        encodedLength[i] = n;
        rows[i].prompt = i;
        if (P > 0 && n > P && n <= room && std::equal(prefix.begin(), prefix.end(), whole.begin())) {
            rows[i].usesPrefix = true;
            rows[i].input.assign(whole.begin() + P, whole.end());
        } else {  // left-truncated to the room, as the harness does
            rows[i].input.assign(whole.begin() + std::max<int64_t>(0, n - room), whole.end());
        }
    });
    GenerationRun run;
    for (size_t i = 0; i < prompts.size(); ++i)  // counted, so that results can say that prompts lost their start
        run.truncatedPrompts += encodedLength[i] > room;

    run.outputs.resize(prompts.size());
    const std::vector<int32_t> eos = o.stopAtEos ? endOfSequenceIds(session) : std::vector<int32_t>();
    int64_t finished = 0;
    const std::function<void()> finishedOne = [&] {
        ++finished;
        if (progress)
            progress({Stage::Generating, finished, static_cast<int64_t>(prompts.size()), run.generatedTokens});
    };
    const WithoutCudnnAttention withoutCudnn;  // per-step shapes: cuDNN would plan every step anew
    BatchDecoder decoder(model, tokenizer, o, eos, run, step, finishedOne, stop);
    // Longest prompts first, those that share the prefix apart from those that do not: less padding.
    std::vector<const PromptRow *> order;
    for (const PromptRow &r : rows)
        order.push_back(&r);
    std::stable_sort(order.begin(), order.end(), [](const PromptRow *a, const PromptRow *b) {
        return a->usesPrefix != b->usesPrefix ? a->usesPrefix : a->input.size() > b->input.size();
    });
    PrefixCache prefixCache;
    if (!order.empty() && order.front()->usesPrefix) {
        prefixCache = model.encodePrefixes({prefix}, stop);
        run.promptTokens += P;
    }
    for (size_t first = 0; first < order.size();) {
        throwIfStopped(stop);
        size_t last = first + 1;
        while (last < order.size() && static_cast<int64_t>(last - first) < o.batchSize &&
               order[last]->usesPrefix == order[first]->usesPrefix)
            ++last;
        decoder.run(std::vector<const PromptRow *>(order.begin() + static_cast<std::ptrdiff_t>(first),
                                                   order.begin() + static_cast<std::ptrdiff_t>(last)),
                    order[first]->usesPrefix ? &prefixCache : nullptr);
        first = last;
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    return run;
} catch (const std::exception &e) {
    throwIfOutOfMemory(e, SessionInternals::of(session).deviceName(),
                       "generating for " + std::to_string(o.batchSize) + " prompts at once", "use a smaller batch");
    throw;
}

GenerationRun generateAs(ModelSession &session, ModelVariant variant, const std::string &sharedPrefix,
                         const std::vector<std::string> &prompts, const GenerationOptions &options,
                         const GenerationStepFn &step, const ProgressFn &progress, std::stop_token stop)
{
    ModelSession::Impl &impl = SessionInternals::of(session);
    if (!impl.model || variant == ModelVariant::Healed)
        return generateText(session, sharedPrefix, prompts, options, step, progress, stop);
    LlamaModel &model = *impl.model;
    // Weights trained in place are gone as they were, unless only inserted blocks trained and the checkpoint's
    // blocks alone (the original) are asked for.
    const auto onlyInsertedTrained = [&] {
        for (const TrainedWeight &w : impl.healing->trained) {
            const auto layer = splitLayerTensorName(w.name);
            if (!layer || !model.allLayers()[static_cast<size_t>(layer->layer)].inserted)
                return false;
        }
        return true;
    };
    if (impl.healing && !impl.healing->trained.empty() && !(variant == ModelVariant::Original && onlyInsertedTrained()))
        throw Error("healing fine-tuned the weights themselves: the model before healing is no longer in memory "
                    "(open the model again to compare with it)");
    std::vector<DecoderLayerWeights> &layers = model.mutableLayers();
    // Adapters off (and, for the original, every layer on) for this run; the model comes back as it was.
    struct Restore
    {
        LlamaModel &model;
        std::vector<DecoderLayerWeights> &layers;
        std::vector<std::array<std::shared_ptr<LoraAdapter>, kProjections>> adapters;
        std::vector<int64_t> kept;
        ~Restore()
        {
            for (size_t i = 0; i < adapters.size(); ++i)
                layers[i].lora = adapters[i];
            model.keepLayers(kept);
            model.refreshKeptLayers();
        }
    } restore{model, layers, {}, {}};
    for (const DecoderLayerWeights &layer : model.weights().layers)
        restore.kept.push_back(layer.originalIndex);
    for (DecoderLayerWeights &layer : layers) {
        restore.adapters.push_back(layer.lora);
        layer.lora = {};
    }
    if (variant == ModelVariant::Original) {  // every block of the checkpoint, none inserted
        std::vector<int64_t> originals;
        for (const DecoderLayerWeights &layer : layers)
            if (!layer.inserted)
                originals.push_back(layer.originalIndex);
        model.keepLayers(originals);
    }
    model.refreshKeptLayers();
    return generateText(session, sharedPrefix, prompts, options, step, progress, stop);
}

}  // namespace lc
