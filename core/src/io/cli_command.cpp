// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI's jobs as layercut-cli command lines (torch-free). The option names are app/cli's; the defaults
// compared with are the structs' own, which the CLI binds its options to, except where a command says
// otherwise (alpha = rank, the sweep's fractions).
#include "layercut/cli_command.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>

#include "layercut/error.h"
#include "layercut/layer_distances.h"

namespace lc {
namespace {

/** The shortest text that reads back as `v` (what the CLI's std::stod and CLI11 parse). */
std::string number(double v)
{
    char text[32];
    const auto [end, ec] = std::to_chars(text, text + sizeof text, v);
    return std::string(text, ec == std::errc() ? end : text);
}

std::string number(int64_t v)
{
    return std::to_string(v);
}

std::string number(uint64_t v)
{
    return std::to_string(v);
}

std::string joined(const std::vector<int64_t> &values)
{
    std::string text;
    for (const int64_t v : values)
        text += (text.empty() ? "" : ",") + std::to_string(v);
    return text;
}

/** A command's words, quoted when joined. */
class Command
{
public:
    explicit Command(const char *subcommand) : m_words{"layercut-cli", subcommand} {}

    Command &arg(const std::string &word)
    {
        m_words.push_back(word);
        return *this;
    }
    Command &option(const std::string &name, const std::string &value) { return arg(name).arg(value); }
    Command &path(const std::string &name, const std::filesystem::path &value) { return option(name, value.string()); }
    /** `name value` when `value` is not the default. */
    template <typename T>
    Command &changed(const std::string &name, const T &value, const T &byDefault)
    {
        if (value != byDefault)
            option(name, number(value));
        return *this;
    }
    Command &flag(const std::string &name, bool set) { return set ? arg(name) : *this; }

    std::string str() const
    {
        std::string line;
        for (const std::string &w : m_words)
            line += (line.empty() ? "" : " ") + shellQuote(w);
        return line;
    }

private:
    std::vector<std::string> m_words;
};

[[noreturn]] void noOption(const std::string &what)
{
    throw Error(what + " has no layercut-cli option");
}

/** --device, --dtype and (where the command loads NF4 on request) --nf4. */
void addLoad(Command &c, const LoadOptions &load, bool nf4)
{
    if (load.device != LoadOptions().device)
        c.option("--device", load.device);
    if (load.dtype)
        c.option("--dtype", dtypeName(*load.dtype));
    if (nf4 && load.nf4) {
        if (!load.nf4DoubleQuantization)
            noOption("NF4 weights without double quantization at load");
        c.arg("--nf4");
    }
}

/** --drop START:END for one contiguous block, else --layers LIST; nothing when the plan drops nothing. */
void addPlan(Command &c, const PrunePlan &plan)
{
    const std::vector<int64_t> dropped = plan.dropped();
    if (dropped.empty())
        return;
    if (dropped.back() - dropped.front() + 1 == static_cast<int64_t>(dropped.size()))
        c.option("--drop", std::to_string(dropped.front()) + ":" + std::to_string(dropped.back() + 1));
    else
        c.option("--layers", joined(dropped));
}

/** The blocks inserted after kept layers: --insert-after (or --after) LIST, and --init copy when they copy. */
void addInsertions(Command &c, const BlockPlan &plan, const std::string &afterOption)
{
    if (!plan.insertsAnything())
        return;
    std::optional<BlockInit> init;
    for (const PlannedBlock &b : plan.blocks)
        if (b.inserted) {
            if (init && *init != b.init)
                noOption("New blocks of different initialisations in one plan");
            init = b.init;
        }
    c.option(afterOption, joined(plan.insertedAfter()));
    if (init == BlockInit::Copy)
        c.option("--init", blockInitName(*init));
}

/** --samples, --max-length, --seed of a distance sample, where they differ from every command's defaults. */
void addSampleOptions(Command &c, const DatasetOptions &o)
{
    const DatasetOptions defaults = PlanSample().options;
    if (!o.addSpecial)
        noOption("A distance sample without BOS/EOS");
    c.changed("--samples", o.samples, defaults.samples)
        .changed("--max-length", o.maxLength, defaults.maxLength)
        .changed("--seed", o.seed, defaults.seed);
}

/** "5GB" for 5e9 bytes, "500MB", or the byte count: what --shard-size reads back exactly. */
std::string byteSize(uint64_t bytes)
{
    if (bytes > 0 && bytes % 1'000'000'000 == 0)
        return std::to_string(bytes / 1'000'000'000) + "GB";
    if (bytes > 0 && bytes % 1'000'000 == 0)
        return std::to_string(bytes / 1'000'000) + "MB";
    return std::to_string(bytes);
}

/** The export options prune and heal --merge share. */
void addExport(Command &c, const ExportOptions &o)
{
    if (o.replace || !o.healingJson.empty() || !o.extraFiles.empty())
        noOption("An export of replaced tensors, a healing record or extra files (the healed export: heal --merge)");
    if (o.dtype)
        c.option("--out-dtype", dtypeName(*o.dtype));
    if (o.maxShardBytes != ExportOptions().maxShardBytes)
        c.option("--shard-size", byteSize(o.maxShardBytes));
    c.flag("--force", o.overwrite);
    if (o.metric)
        c.option("--metric", distanceMetricName(*o.metric));
}

/**
 * The healing settings heal and sweep share, named with `prefix` ("--" or "--heal-"); the steps, data,
 * seed and outputs are each command's own. The method is always given; LoRA's settings only for LoRA,
 * the last layers only for partial training, the blocks only for block training.
 */
void addHealing(Command &c, const HealingConfig &h, const std::string &prefix)
{
    const HealingConfig d;
    const auto name = [&prefix](const char *option) { return prefix + option; };
    c.option(name("method"), healingMethodName(h.method));
    if (h.method == HealingMethod::Lora) {
        c.option(name("quant"), quantizationName(h.quantization));
        if (h.quantization == BaseQuantization::Nf4)
            c.flag(name("no-double-quant"), !h.doubleQuantization);
        if (h.targetModules == allLinearModules()) {
            c.option(name("targets"), "all");
        } else if (h.targetModules != ffnModules()) {
            std::string list;
            for (const std::string &m : h.targetModules)
                list += (list.empty() ? "" : ",") + m;
            c.option(name("targets"), list);
        }
        c.option(name("rank"), number(h.rank));
        c.changed(name("alpha"), h.alpha, static_cast<double>(h.rank));  // the CLI's alpha is the rank unless given
        c.changed(name("dropout"), h.dropout, d.dropout);
    }
    if (h.method == HealingMethod::PartialLayers)
        c.changed(name("last-layers"), h.trainLastLayers, d.trainLastLayers);
    if (h.method == HealingMethod::Blocks && !h.trainBlocks.empty()) {
        std::string list;
        for (const int64_t b : h.trainBlocks)
            list += (list.empty() ? "" : ",") + std::to_string(b);
        c.option(name("train-blocks"), list);
    }
    c.changed(name("batch"), h.batchSize, d.batchSize)
        .changed(name("micro-batch"), h.microBatchSize, d.microBatchSize)
        .changed(name("seq-len"), h.sequenceLength, d.sequenceLength)
        .changed(name("lr"), h.learningRate, d.learningRate);
    if (h.warmupSteps)
        c.option(name("warmup"), number(*h.warmupSteps));
    if (h.schedule != d.schedule)
        c.option(name("schedule"), scheduleName(h.schedule));
    c.changed(name("weight-decay"), h.weightDecay, d.weightDecay);
    if (h.beta1 != d.beta1 || h.beta2 != d.beta2)
        c.option(name("betas"), number(h.beta1) + "," + number(h.beta2));
    c.changed(name("epsilon"), h.epsilon, d.epsilon).changed(name("clip"), h.maxGradNorm, d.maxGradNorm);
    c.flag(name("no-checkpointing"), !h.activationCheckpointing);
    if (!h.validationData.empty())
        c.path(name("val-data"), h.validationData);
    c.changed(name("val-sequences"), h.validationSequences, d.validationSequences);
}

}  // namespace

std::string shellQuote(std::string_view word)
{
    const auto plain = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               std::string_view("_@%+=:,./-").find(ch) != std::string_view::npos;
    };
    if (!word.empty() && std::all_of(word.begin(), word.end(), plain))
        return std::string(word);
    std::string quoted = "'";
    for (const char ch : word) {
        if (ch == '\'')
            quoted += "'\\''";  // close, an escaped quote, reopen
        else
            quoted += ch;
    }
    return quoted + "'";
}

std::string distancesCommand(const std::filesystem::path &model, const LoadOptions &load, const PlanSample &sample,
                             const std::filesystem::path &out)
{
    if (sample.data.empty())
        throw Error("the distances need a data file");
    Command c("distances");
    c.arg(model.string()).path("--data", sample.data).path("--out", out);
    addSampleOptions(c, sample.options);
    c.changed("--batch", sample.batchSize, PlanSample().batchSize);
    addLoad(c, load, true);
    return c.str();
}

std::string pruneCommand(const std::filesystem::path &model, const PrunePlan &plan, const ExportOptions &options,
                         const std::filesystem::path &target, const std::filesystem::path &mergekitYaml)
{
    if (!plan.prunesAnything())
        throw Error("the plan drops no layer: there is nothing to prune");
    Command c("prune");
    c.arg(model.string());
    addPlan(c, plan);
    c.path("--out", target);
    addExport(c, options);
    if (!mergekitYaml.empty())
        c.path("--mergekit-yaml", mergekitYaml);
    return c.str();
}

std::string healCommand(const std::filesystem::path &model, const LoadOptions &load, const HealingConfig &config,
                        const PrunePlan &plan, const ExportOptions *merge)
{
    return healCommand(model, load, config, BlockPlan::of(plan), merge);
}

std::string generateCommand(const std::filesystem::path &model, const LoadOptions &load, const std::string &prompt,
                            const GenerationOptions &o, const BlockPlan &plan)
{
    GenerationOptions d;
    d.maxNewTokens = 64;  // the command's own default
    Command c("generate");
    c.arg(model.string()).option("--prompt", prompt);
    c.option("--max-new-tokens", number(o.maxNewTokens));
    for (const std::string &stop : o.stopStrings)
        c.option("--stop", stop);
    c.flag("--no-eos", !o.stopAtEos)
        .changed("--batch", o.batchSize, d.batchSize)
        .changed("--max-length", o.maxLength, d.maxLength);
    addPlan(c, plan.prunePlan());
    addInsertions(c, plan, "--insert-after");
    addLoad(c, load, true);
    return c.str();
}

std::string expandCommand(const std::filesystem::path &model, const BlockPlan &plan, const ExportOptions &options,
                          const std::filesystem::path &target)
{
    if (!plan.insertsAnything())
        throw Error("the plan inserts no block: there is nothing to expand");
    const std::vector<int64_t> dropped = plan.droppedOriginals();
    if (!dropped.empty() && (dropped.back() != plan.sourceLayers - 1 ||
                             dropped.back() - dropped.front() + 1 != static_cast<int64_t>(dropped.size())))
        noOption("Dropping layers other than the last ones while inserting blocks in an export");
    Command c("expand");
    c.arg(model.string());
    addInsertions(c, plan, "--after");
    if (!dropped.empty())
        c.option("--drop-last", number(static_cast<int64_t>(dropped.size())));
    c.path("--out", target);
    addExport(c, options);
    return c.str();
}

std::string healCommand(const std::filesystem::path &model, const LoadOptions &load, const HealingConfig &config,
                        const BlockPlan &plan, const ExportOptions *merge)
{
    if (config.trainData.empty())
        throw Error("healing needs a training data file");
    const HealingConfig d;
    Command c("heal");
    c.arg(model.string()).path("--data", config.trainData);
    if (!config.outputDir.empty())
        c.path("--out", config.outputDir);
    addPlan(c, plan.prunePlan());
    addInsertions(c, plan, "--insert-after");
    addHealing(c, config, "--");
    c.option("--steps", number(config.steps))
        .changed("--eval-every", config.evalEvery, d.evalEvery)
        .changed("--checkpoint-every", config.checkpointEvery, d.checkpointEvery)
        .changed("--seed", config.seed, d.seed);
    if (!config.resumeFrom.empty())
        c.path("--resume", config.resumeFrom);
    addLoad(c, load, false);
    if (merge) {
        if (config.outputDir.empty())
            throw Error("heal --merge writes OUTPUT_DIR/merged: the run needs an output folder");
        c.arg("--merge");
        addExport(c, *merge);
    }
    return c.str();
}

namespace {

/** The options of cli/benchmark_options.h, shared by eval and sweep: the files, then what differs from the defaults. */
void addBenchmarks(Command &c, const EvalOptions &o)
{
    const EvalOptions d;
    if (!o.mmlu.empty())
        c.path("--mmlu", o.mmlu);
    if (!o.boolq.empty())
        c.path("--boolq", o.boolq);
    if (!o.gsm8k.empty())
        c.path("--gsm8k", o.gsm8k);
    if (!o.gsm8kTrain.empty())
        c.path("--gsm8k-train", o.gsm8kTrain);
    if (!o.validationData.empty())
        c.path("--val-data", o.validationData);
    c.changed("--shots", o.shots, d.shots)
        .changed("--boolq-shots", o.boolqShots, d.boolqShots)
        .changed("--gsm8k-shots", o.gsm8kShots, d.gsm8kShots)
        .changed("--max-new-tokens", o.maxNewTokens, d.maxNewTokens)
        .changed("--generation-batch", o.generationBatch, d.generationBatch)
        .changed("--limit", o.limit, d.limit)
        .changed("--loss-samples", o.lossSequences, d.lossSequences)
        .changed("--loss-length", o.lossLength, d.lossLength);
}

}  // namespace

std::string evalCommand(const std::filesystem::path &model, const LoadOptions &load, const EvalOptions &o,
                        const PrunePlan &plan, const std::filesystem::path &out)
{
    return evalCommand(model, load, o, BlockPlan::of(plan), out);
}

std::string evalCommand(const std::filesystem::path &model, const LoadOptions &load, const EvalOptions &o,
                        const BlockPlan &plan, const std::filesystem::path &out)
{
    if (o.excludeDocuments && !o.excludeDocuments->empty())
        noOption("Leaving given documents out of the loss");
    const EvalOptions d;
    Command c("eval");
    c.arg(model.string()).path("--out", out);
    addPlan(c, plan.prunePlan());
    addInsertions(c, plan, "--insert-after");
    addBenchmarks(c, o);
    c.changed("--max-length", o.maxLength, d.maxLength)
        .changed("--batch-tokens", o.batchTokens, d.batchTokens)
        .flag("--no-prefix-reuse", !o.reusePrefix);
    addLoad(c, load, true);
    return c.str();
}

std::string sweepCommand(const std::filesystem::path &model, const LoadOptions &load, const SweepOptions &o)
{
    if (o.resultFile.empty())
        noOption("A sweep without a result file");
    if (o.eval.maxLength != 0)
        noOption("A sweep's context window (EvalOptions::maxLength)");
    if (o.eval.excludeDocuments && !o.eval.excludeDocuments->empty())
        noOption("Leaving given documents out of the loss");
    Command c("sweep");
    c.arg(model.string()).path("--out", o.resultFile);
    if (o.perLayer) {
        c.arg("--per-layer");
    } else {
        std::string fractions, strategies;
        for (const double f : o.fractions)
            fractions += (fractions.empty() ? "" : ",") + number(f);
        for (const PruneStrategy s : o.strategies) {
            if (s == PruneStrategy::Single)
                throw Error("the single-layer strategy is the importance scan: set perLayer instead");
            strategies += (strategies.empty() ? "" : ",") + strategyName(s);
        }
        c.option("--fractions", fractions).option("--strategy", strategies);
    }
    // --data is the healing data and, unless --plan-data says otherwise ('' for none), the distances'.
    const std::filesystem::path healData = o.healSteps > 0 ? o.healing.trainData : std::filesystem::path();
    if (!healData.empty())
        c.path("--data", healData);
    if (o.distanceData != healData)
        c.path("--plan-data", o.distanceData);
    addSampleOptions(c, o.distanceOptions);
    addBenchmarks(c, o.eval);
    if (o.healSteps > 0) {
        c.option("--heal-steps", number(o.healSteps));
        addHealing(c, o.healing, "--heal-");
        c.changed("--heal-seed", o.healing.seed, HealingConfig().seed);
    }
    addLoad(c, load, true);
    return c.str();
}

}  // namespace lc
