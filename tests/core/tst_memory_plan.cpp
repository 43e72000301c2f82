// SPDX-License-Identifier: GPL-3.0-or-later
// Memory planning: the weights counted exactly from the config, the job estimates against peaks measured on
// GPUs (docs/bench), and the proposals that fit when the job does not.
#include <QTest>

#include "layercut/error.h"
#include "layercut/memory_plan.h"

using namespace lc;

namespace {

/** Llama-3-8B's config.json sizes. */
ModelConfig llama3_8b()
{
    return ModelConfig::fromJsonText(R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
        "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 8192, "rms_norm_eps": 1e-5,
        "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})",
                                     "llama3-8b/config.json");
}

/** Llama-3-70B's config.json sizes. */
ModelConfig llama3_70b()
{
    return ModelConfig::fromJsonText(R"({"model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "hidden_size": 8192, "intermediate_size": 28672, "num_hidden_layers": 80, "num_attention_heads": 64,
        "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 8192, "rms_norm_eps": 1e-5,
        "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})",
                                     "llama3-70b/config.json");
}

/** The demo model's sizes (docs/demo-model.md). */
ModelConfig demo()
{
    return ModelConfig::fromJsonText(R"({"model_type": "llama", "hidden_size": 256, "intermediate_size": 512,
        "num_hidden_layers": 16, "num_attention_heads": 8, "num_key_value_heads": 4, "vocab_size": 2048,
        "max_position_embeddings": 1024, "tie_word_embeddings": false})",
                                     "demo/config.json");
}

double allocated(const MemoryEstimate &e)
{
    return static_cast<double>(e.total() - e.overhead);
}

}  // namespace

class TestMemoryPlan final : public QObject
{
    Q_OBJECT

private slots:
    // Dense weights are every parameter in the compute dtype; NF4 keeps the embeddings and head dense.
    void weightsFromTheConfig()
    {
        const ModelConfig c = llama3_8b();
        MemorySetup s;
        const MemoryEstimate dense = estimateMemory(c, MemoryJob::Distances, s);
        QCOMPARE(dense.weights, c.parameterCount() * 2);
        s.dtype = DType::Float32;
        QCOMPARE(estimateMemory(c, MemoryJob::Distances, s).weights, c.parameterCount() * 4);
        s.dtype = DType::BFloat16;
        s.nf4 = true;
        const MemoryEstimate nf4 = estimateMemory(c, MemoryJob::Distances, s);
        const int64_t outer = 2 * 128256 * 4096 * 2 + 4096 * 2;
        // 0.516 bytes per block weight with double quantisation, 0.5625 without.
        const double perWeight =
            static_cast<double>(nf4.weights - outer) / static_cast<double>(32 * c.parametersPerLayer());
        QVERIFY2(perWeight > 0.51 && perWeight < 0.52, qPrintable(QString::number(perWeight)));
        s.doubleQuantization = false;
        QVERIFY(estimateMemory(c, MemoryJob::Distances, s).weights > nf4.weights);
    }

    // Against the caching allocator's peaks measured on an H100 (docs/bench/*-2026-11-22.log): the estimate
    // before the allocator's slack lies within -5 % and +15 % of each (over, not under: it decides what fits).
    void healingAgainstMeasuredPeaks()
    {
        // QLoRA of Llama-3-8B, rank 64 on the MLP, 2 x 2048 tokens, checkpointing: 11,471,647,232 bytes.
        MemorySetup qlora;
        qlora.healing.method = HealingMethod::Lora;
        qlora.healing.quantization = BaseQuantization::Nf4;
        qlora.healing.rank = 64;
        qlora.healing.batchSize = 2;
        qlora.healing.microBatchSize = 2;
        qlora.healing.sequenceLength = 2048;
        const double ratio = allocated(estimateMemory(llama3_8b(), MemoryJob::Healing, qlora)) / 11471647232.0;
        QVERIFY2(ratio > 0.95 && ratio < 1.15, qPrintable(QString::number(ratio)));
        // Full fine-tuning of the demo model in float32, 64 x 512 tokens, no checkpointing: 19,730,045,440 bytes.
        MemorySetup full;
        full.dtype = DType::Float32;
        full.healing.method = HealingMethod::Full;
        full.healing.batchSize = 64;
        full.healing.microBatchSize = 64;
        full.healing.sequenceLength = 512;
        full.healing.activationCheckpointing = false;
        const double fullRatio = allocated(estimateMemory(demo(), MemoryJob::Healing, full)) / 19730045440.0;
        QVERIFY2(fullRatio > 0.95 && fullRatio < 1.15, qPrintable(QString::number(fullRatio)));
        // Checkpointing keeps one block's activations instead of sixteen.
        full.healing.activationCheckpointing = true;
        QVERIFY(allocated(estimateMemory(demo(), MemoryJob::Healing, full)) < 0.3 * 19730045440.0);
    }

    // Against the peaks measured on an H200 with an 8-layer Llama-3-8B-shaped checkpoint
    // (docs/bench/memory-h200-2026-12-02.log): within -5 % and +25 % before the allocator's slack.
    void analysesAgainstMeasuredPeaks()
    {
        ModelConfig c = llama3_8b();
        c.numLayers = 8;
        const auto ratio = [&](MemoryJob job, const MemorySetup &s, double peak) {
            return allocated(estimateMemory(c, job, s)) / peak;
        };
        MemorySetup d;  // 8 documents of 2048 tokens per pass
        QVERIFY(qAbs(ratio(MemoryJob::Distances, d, 8.91e9) - 1.1) < 0.15);
        d.sequences = 4;
        QVERIFY(qAbs(ratio(MemoryJob::Distances, d, 7.31e9) - 1.1) < 0.15);
        d.sequences = 8;
        d.nf4 = true;
        QVERIFY(qAbs(ratio(MemoryJob::Distances, d, 6.44e9) - 1.1) < 0.15);
        MemorySetup e;  // MMLU and the held-out loss, 16384 tokens per pass, documents of 2048
        QVERIFY(qAbs(ratio(MemoryJob::Evaluation, e, 26.63e9) - 1.1) < 0.15);
        MemorySetup full;  // full fine-tuning, 4 x 1024 tokens, no accumulation
        full.healing.method = HealingMethod::Full;
        full.healing.batchSize = 4;
        full.healing.microBatchSize = 4;
        full.healing.sequenceLength = 1024;
        QVERIFY(qAbs(ratio(MemoryJob::Healing, full, 56.69e9) - 1.1) < 0.15);
    }

    // Streamed distances with the blocks read from the checkpoint, against the peaks measured on an H200 with a
    // Llama-3-70B-shaped checkpoint of 12 and of 6 layers (docs/bench/memory-70b-stream-h200-2026-12-02.log):
    // the same at both depths, dense and NF4.
    void streamedAgainstMeasuredPeaks()
    {
        ModelConfig c = llama3_8b();
        c.hiddenSize = 8192, c.intermediateSize = 28672, c.numHeads = 64;
        MemorySetup d;
        d.stream = true;
        for (const int64_t layers : {12, 6}) {
            c.numLayers = layers;
            d.nf4 = false;
            const double dense = allocated(estimateMemory(c, MemoryJob::Distances, d)) / 12.49e9;
            QVERIFY2(qAbs(dense - 1.1) < 0.15, qPrintable(QString::number(dense)));
            d.nf4 = true;
            const double nf4 = allocated(estimateMemory(c, MemoryJob::Distances, d)) / 11.22e9;
            QVERIFY2(qAbs(nf4 - 1.1) < 0.15, qPrintable(QString::number(nf4)));
        }
    }

    // The parts grow as the code allocates them: distances keep every layer's states of a batch, evaluation's
    // held-out loss whole logits, and streaming neither.
    void activationsScaleWithTheirSettings()
    {
        const ModelConfig c = llama3_8b();
        MemorySetup s;
        s.sequences = 4;
        const MemoryEstimate four = estimateMemory(c, MemoryJob::Distances, s);
        s.sequences = 8;
        const MemoryEstimate eight = estimateMemory(c, MemoryJob::Distances, s);
        QVERIFY(eight.activations > four.activations * 1.8 && eight.weights == four.weights);
        // 33 states of 8 x 2048 tokens of 4096 values in bfloat16.
        QVERIFY(eight.activations > int64_t{33} * 8 * 2048 * 4096 * 2);
        // Streamed, no batch holds every layer's states.
        s.stream = true;
        QVERIFY(estimateMemory(c, MemoryJob::Distances, s).activations <=
                eight.activations - int64_t{33} * 8 * 2048 * 4096 * 2 + 16 * 8 * 2048);  // token ids stay
        MemorySetup e;
        e.batchTokens = 16384;
        e.length = 2048;
        // float32 log_softmax and logits of 16384 tokens over 128256 entries, and the bfloat16 logits.
        QVERIFY(estimateMemory(c, MemoryJob::Evaluation, e).activations > int64_t{16384} * 128256 * 10);
        e.batchTokens = 4096;
        QVERIFY(estimateMemory(c, MemoryJob::Evaluation, e).activations < int64_t{16384} * 128256 * 5);
        QVERIFY_THROWS_EXCEPTION(Error, estimateMemory(ModelConfig{}, MemoryJob::Distances, s));
        s.layers = 40;
        QVERIFY_THROWS_EXCEPTION(Error, estimateMemory(c, MemoryJob::Distances, s));
    }

    // When it does not fit: each proposal fits, the least intrusive first, and the refusal names them.
    void proposalsFit()
    {
        const ModelConfig c = llama3_8b();
        MemorySetup s;  // bf16, 8 sequences of 2048
        const int64_t need = estimateMemory(c, MemoryJob::Distances, s).total();
        QVERIFY(memoryProposals(c, MemoryJob::Distances, s, need).empty());  // it fits
        const int64_t available = int64_t{24} * 1000 * 1000 * 1000;          // a 24 GB card
        QVERIFY(need > available);
        const std::vector<MemoryProposal> p = memoryProposals(c, MemoryJob::Distances, s, available);
        QVERIFY(p.size() >= 2);
        for (const MemoryProposal &x : p)
            QVERIFY2(x.estimate.total() <= available, x.change.c_str());
        QVERIFY2(p[0].change.starts_with("--batch "), p[0].change.c_str());
        QVERIFY(p[0].setup.sequences < 8);
        QVERIFY(std::any_of(p.begin(), p.end(), [](const MemoryProposal &x) { return x.change == "--nf4"; }));
        const std::string advice = memoryAdvice(c, MemoryJob::Distances, s, "cuda:0", available);
        QVERIFY2(advice.find("distances needs about") == 0 && advice.find("cuda:0") != std::string::npos &&
                     advice.find("--nf4") != std::string::npos && advice.find("24.0 GB available") != std::string::npos,
                 advice.c_str());
        // QLoRA instead of LoRA on the dense base, for LoRA healing on a small card.
        MemorySetup lora;
        lora.healing.quantization = BaseQuantization::None;
        lora.healing.microBatchSize = 1;
        const std::vector<MemoryProposal> q =
            memoryProposals(c, MemoryJob::Healing, lora, int64_t{16} * 1000 * 1000 * 1000);
        QVERIFY(std::any_of(q.begin(), q.end(), [](const MemoryProposal &x) { return x.change == "--quant nf4"; }));
        // Nothing fits a tiny card: the advice says so.
        QVERIFY(memoryProposals(c, MemoryJob::Healing, lora, int64_t{1} << 30).empty());
        QVERIFY(memoryAdvice(c, MemoryJob::Healing, lora, "cuda:1", int64_t{1} << 30).find("no smaller batch") !=
                std::string::npos);
    }

    // A model over several GPUs: each holds its run of blocks (the embeddings on the first, the head on the
    // last), the parts add up to the whole, and the check is per device.
    void perDeviceEstimates()
    {
        const ModelConfig c = llama3_70b();
        const int64_t h200 = int64_t{140} * 1000 * 1000 * 1000;
        for (const MemoryJob job : {MemoryJob::Distances, MemoryJob::Evaluation, MemoryJob::Healing}) {
            MemorySetup s;
            s.healing.quantization = BaseQuantization::None;  // LoRA on the dense base: the weights split too
            s.healing.microBatchSize = 1;
            const MemoryEstimate whole = estimateMemory(c, job, s);
            const std::vector<MemoryEstimate> one = estimateMemoryPerDevice(c, job, s, {h200});
            QCOMPARE(one.size(), size_t(1));
            QCOMPARE(one[0].total(), whole.total());
            const std::vector<MemoryEstimate> two = estimateMemoryPerDevice(c, job, s, {h200, h200});
            QCOMPARE(two.size(), size_t(2));
            // The weights add up to the whole's (blocks and embeddings once; the head on the last).
            QCOMPARE(two[0].weights + two[1].weights, whole.weights);
            QCOMPARE(two[0].training + two[1].training, whole.training);
            // Balanced: neither holds more than 55 % of the weights.
            QVERIFY(two[0].weights < whole.weights * 55 / 100 && two[1].weights < whole.weights * 55 / 100);
            // Each device's part is less than the whole, so what one GPU cannot hold two can.
            QVERIFY(two[0].total() < whole.total() && two[1].total() < whole.total());
            QVERIFY2(!fitsMemory(one, {h200}), memoryJobName(job).c_str());
            QVERIFY2(fitsMemory(two, {h200, h200}), memoryJobName(job).c_str());
        }
        // The distances' states of every layer stay on the first device.
        const std::vector<MemoryEstimate> d = estimateMemoryPerDevice(c, MemoryJob::Distances, {}, {1, 1});
        QVERIFY(d[0].activations > 4 * d[1].activations);
        // Three times the room on the second device: about three quarters of the blocks there.
        const std::vector<MemoryEstimate> skew = estimateMemoryPerDevice(c, MemoryJob::Evaluation, {}, {1, 3});
        QVERIFY(skew[1].weights > 2 * skew[0].weights);
        // A tied head is copied to the last device.
        ModelConfig tied = c;
        tied.tieWordEmbeddings = true;
        const std::vector<MemoryEstimate> t = estimateMemoryPerDevice(tied, MemoryJob::Distances, {}, {1, 1});
        QCOMPARE(t[0].weights + t[1].weights,
                 estimateMemory(tied, MemoryJob::Distances, {}).weights + int64_t{128256} * 8192 * 2);

        // One H200 of two: the proposals offer the second GPU (the same numbers) before NF4 weights.
        MemorySetup s;
        MemoryRoom room = MemoryRoom::one("cuda:0", h200);
        room.spareDevices = {"cuda:1"};
        room.spareAvailable = {h200};
        const std::vector<MemoryProposal> p = memoryProposals(c, MemoryJob::Evaluation, s, room);
        const auto gpus = std::find_if(p.begin(), p.end(),
                                       [](const MemoryProposal &x) { return x.change == "--device cuda:0,cuda:1"; });
        const auto nf4 = std::find_if(p.begin(), p.end(), [](const MemoryProposal &x) { return x.change == "--nf4"; });
        QVERIFY(gpus != p.end() && nf4 != p.end() && gpus < nf4);
        QCOMPARE(gpus->perDevice.size(), size_t(2));
        QVERIFY(fitsMemory(gpus->perDevice, {h200, h200}));
        QCOMPARE(gpus->devices, (std::vector<std::string>{"cuda:0", "cuda:1"}));
        QVERIFY(memoryAdvice(c, MemoryJob::Evaluation, s, room).find("--device cuda:0,cuda:1 (2 GPUs") !=
                std::string::npos);
        // A job on the second GPU: the first added before it, the list in the GPUs' order.
        MemoryRoom second = MemoryRoom::one("cuda:1", h200);
        second.spareDevices = {"cuda:0"};
        second.spareAvailable = {h200};
        const std::vector<MemoryProposal> r = memoryProposals(c, MemoryJob::Evaluation, s, second);
        QVERIFY(std::any_of(r.begin(), r.end(),
                            [](const MemoryProposal &x) { return x.change == "--device cuda:0,cuda:1"; }));
        // The blocks split as loading splits them (by free memory, `shares`), checked against what each may use
        // (`available`, within a budget): a budget that equal shares would fit does not fit a skewed split.
        const MemorySetup nf4Setup = [] {
            MemorySetup n;
            n.nf4 = true;
            return n;
        }();
        const std::vector<MemoryEstimate> equal =
            estimateMemoryPerDevice(c, MemoryJob::Distances, nf4Setup, {h200, h200});
        const int64_t budget = std::max(equal[0].total(), equal[1].total()) + 1;
        MemoryRoom capped{{"cuda:0", "cuda:1"}, {budget, budget}, {}, {}, {}, {}};
        QVERIFY(memoryProposals(c, MemoryJob::Distances, nf4Setup, capped).empty());  // it fits
        capped.shares = {3 * h200, h200};  // the first GPU has three times the free memory of the second
        QVERIFY(!fitsMemory(estimateMemoryPerDevice(c, MemoryJob::Distances, nf4Setup, capped.split()),
                            capped.available));
        QVERIFY(memoryAdvice(c, MemoryJob::Distances, nf4Setup, capped).find("what would fit") != std::string::npos);
        // Two GPUs too small for bf16: the advice names each, and NF4 over both fits.
        const int64_t small = int64_t{48} * 1000 * 1000 * 1000;
        const MemoryRoom pair{{"cuda:0", "cuda:1"}, {small, small}, {}, {}, {}, {}};
        const std::string advice = memoryAdvice(c, MemoryJob::Distances, s, pair);
        QVERIFY2(advice.find("on cuda:0 (weights") != std::string::npos && advice.find(" and ") != std::string::npos &&
                     advice.find("on cuda:1 (weights") != std::string::npos &&
                     advice.find("which have 48.0 GB and 48.0 GB available") != std::string::npos,
                 advice.c_str());
        const std::vector<MemoryProposal> q = memoryProposals(c, MemoryJob::Distances, s, pair);
        const auto both =
            std::find_if(q.begin(), q.end(), [](const MemoryProposal &x) { return x.change.starts_with("--nf4"); });
        QVERIFY(both != q.end() && both->perDevice.size() == 2);
        // Streaming runs on one device: proposed for the first alone.
        for (const MemoryProposal &x : q)
            if (x.setup.stream)
                QVERIFY2(x.change.ends_with("--device cuda:0") && x.perDevice.size() == 1, x.change.c_str());
    }

    // Streamed distances fetch the blocks from the checkpoint: two on the device, however deep the model.
    void streamedWeightsDoNotGrowWithDepth()
    {
        ModelConfig c = llama3_8b();
        MemorySetup s;
        s.stream = true;
        const MemoryEstimate shallow = estimateMemory(c, MemoryJob::Distances, s);
        c.numLayers = 80;
        const MemoryEstimate deep = estimateMemory(c, MemoryJob::Distances, s);
        QCOMPARE(deep.weights, shallow.weights);
        QCOMPARE(deep.activations, shallow.activations);
        s.stream = false;
        QVERIFY(estimateMemory(c, MemoryJob::Distances, s).weights > 5 * deep.weights);
    }
};

QTEST_APPLESS_MAIN(TestMemoryPlan)
#include "tst_memory_plan.moc"
