// SPDX-License-Identifier: GPL-3.0-or-later
// config.json parsing for every family, both RoPE layouts, and the errors for what we do not run.
#include <algorithm>
#include <cmath>

#include <QTest>

#include "layercut/error.h"
#include "layercut/model_config.h"

using namespace lc;

Q_DECLARE_METATYPE(std::vector<bool>)

class TestModelConfig final : public QObject
{
    Q_OBJECT

private slots:
    void fixtures()
    {
        const std::string dir = LAYERCUT_FIXTURES_DIR "/models/";
        const auto llama3 = ModelConfig::fromFile(dir + "llama3_gqa_sharded/config.json");
        QCOMPARE(llama3.family, ModelFamily::Llama);
        QCOMPARE(llama3.numKvHeads, int64_t(2));
        QCOMPARE(llama3.ropeScaling.type, RopeScaling::Type::Llama3);  // from transformers 5's rope_parameters
        QCOMPARE(llama3.ropeScaling.originalMaxPositions, int64_t(64));
        QCOMPARE(llama3.ropeTheta, 500000.0);

        const auto llama2 = ModelConfig::fromFile(dir + "llama2_spm_classic/config.json");  // classic keys
        QCOMPARE(llama2.ropeScaling.type, RopeScaling::Type::None);
        QCOMPARE(llama2.ropeTheta, 10000.0);
        QCOMPARE(llama2.torchDtype, std::string("float32"));

        const auto qwen2 = ModelConfig::fromFile(dir + "qwen2_tied_f16/config.json");
        QVERIFY(qwen2.qkvBias && !qwen2.outputBias && qwen2.tieWordEmbeddings);
        QCOMPARE(qwen2.ropeScaling.type, RopeScaling::Type::Linear);
        QCOMPARE(qwen2.slidingWindow, int64_t(0));

        const auto qwen3 = ModelConfig::fromFile(dir + "qwen3_qknorm/config.json");
        QVERIFY(qwen3.qkNorm);
        QCOMPARE(qwen3.headDim, int64_t(32));  // not hidden / heads = 16
        QCOMPARE(qwen3.layerTypes.size(), size_t(6));

        const auto mistral = ModelConfig::fromFile(dir + "mistral_bf16/config.json");
        QCOMPARE(mistral.family, ModelFamily::Mistral);
        QCOMPARE(mistral.slidingWindow, int64_t(0));
    }

    void expectedTensors()
    {
        const auto qwen2 = ModelConfig::fromFile(LAYERCUT_FIXTURES_DIR "/models/qwen2_tied_f16/config.json");
        const auto tensors = qwen2.expectedTensors();
        auto has = [&](const std::string &name) {
            return std::any_of(tensors.begin(), tensors.end(), [&](const ExpectedTensor &t) { return t.name == name; });
        };
        QVERIFY(has("model.layers.0.self_attn.q_proj.bias"));
        QVERIFY(!has("model.layers.0.self_attn.o_proj.bias"));
        QVERIFY(!has("lm_head.weight"));  // tied
        QCOMPARE(qwen2.parameterCount(), int64_t(483 * 64 + 64 + 6 * qwen2.parametersPerLayer()));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        const QString base = R"("hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                                "num_attention_heads": 4, "vocab_size": 100)";
        QTest::newRow("unknown model_type") << R"({"model_type": "gpt2", )" + base + "}"
                                            << "unknown model_type 'gpt2'";
        QTest::newRow("no model_type") << "{" + base + "}"
                                       << "missing \"model_type\"";
        QTest::newRow("missing size") << R"({"model_type": "llama", "vocab_size": 10})"
                                      << "missing \"hidden_size\"";
        QTest::newRow("yarn") << R"({"model_type": "llama", "rope_scaling": {"rope_type": "yarn", "factor": 4}, )" +
                                     base + "}"
                              << "unsupported rope scaling type 'yarn'";
        QTest::newRow("gelu") << R"({"model_type": "llama", "hidden_act": "gelu", )" + base + "}"
                              << "unsupported hidden_act 'gelu'";
        QTest::newRow("bad gqa") << R"({"model_type": "llama", "num_key_value_heads": 3, )" + base + "}"
                                 << "not a multiple of num_key_value_heads";
        QTest::newRow("malformed") << R"({"model_type": "llama", )"
                                   << "not valid JSON";
        QTest::newRow("negative") << R"({"model_type": "llama", "hidden_size": -1})"
                                  << "positive integer";
        QTest::newRow("negative rms_norm_eps") << R"({"model_type": "llama", "rms_norm_eps": -1, )" + base + "}"
                                               << "rms_norm_eps must be a small positive number";
        QTest::newRow("zero rms_norm_eps") << R"({"model_type": "llama", "rms_norm_eps": 0, )" + base + "}"
                                           << "rms_norm_eps must be a small positive number";
        QTest::newRow("layer_types length")
            << R"({"model_type": "qwen2", "layer_types": ["full_attention"], )" + base + "}"
            << "has 1 entries for 2 layers";
        QTest::newRow("sliding layer without window")
            << R"({"model_type": "qwen3", "layer_types": ["full_attention", "sliding_attention"], )" + base + "}"
            << "layer type 'sliding_attention' is not supported";
        QTest::newRow("no_rope_layers length") << R"({"model_type": "smollm3", "no_rope_layers": [1], )" + base + "}"
                                               << "\"no_rope_layers\" must be a list of 2 entries";
        QTest::newRow("no_rope_layers value") << R"({"model_type": "smollm3", "no_rope_layers": [1, 2], )" + base + "}"
                                              << "\"no_rope_layers\" must hold 0 or 1";
        QTest::newRow("multimodal gemma3") << R"({"model_type": "gemma3", )" + base + "}"
                                           << "LayerCut runs the text-only 'gemma3_text' checkpoints";
        QTest::newRow("gemma with plain gelu")
            << R"({"model_type": "gemma2", "hidden_activation": "gelu", )" + base + "}"
            << "unsupported hidden_activation 'gelu'";
        QTest::newRow("embedding gemma") << R"({"model_type": "gemma3_text", "use_bidirectional_attention": true, )" +
                                                base + "}"
                                         << "an embedding model";
        QTest::newRow("rope per layer type outside gemma3")
            << R"({"model_type": "llama", "rope_parameters": {"full_attention": {"rope_theta": 1e6}}, )" + base + "}"
            << "rope_parameters per layer type are supported for gemma3_text only";
        QTest::newRow("longrope factors of the wrong length")
            << R"({"model_type": "phi3", "rope_scaling": {"type": "longrope", "short_factor": [1, 1],
                   "long_factor": [1, 1]}, )" +
                   base + "}"
            << "\"short_factor\" has 2 entries; the rotary dimension 16 needs 8";
        QTest::newRow("partial rotary outside phi3")
            << R"({"model_type": "llama", "partial_rotary_factor": 0.5, )" + base + "}"
            << "partial_rotary_factor other than 1 is supported for phi3 only";
        QTest::newRow("longrope without factors")
            << R"({"model_type": "llama", "rope_scaling": {"type": "longrope"}, )" + base + "}"
            << "longrope rope scaling needs a \"short_factor\" list";
        QTest::newRow("negative max_window_layers")
            << R"({"model_type": "qwen2", "use_sliding_window": true, "sliding_window": 8, "max_window_layers": -1, )" +
                   base + "}"
            << "\"max_window_layers\" must be an integer of 0 or more";
    }

    void errors()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        try {
            ModelConfig::fromJsonText(json.toStdString(), "dir/config.json");
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains("dir/config.json"), e.what());
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }

    void slidingWindowIsRecorded()
    {
        const auto c = ModelConfig::fromJsonText(
            R"({"model_type": "mistral", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                "num_attention_heads": 4, "vocab_size": 100, "sliding_window": 4096})",
            "config.json");
        QCOMPARE(c.slidingWindow, int64_t(4096));
        QCOMPARE(c.slidingLayers, std::vector<bool>({true, true}));  // Mistral: every layer
    }

    void gemmaFeatures()
    {
        // Gemma 3 1B's config.json as transformers 4 wrote it: the local RoPE base apart, no soft-capping.
        const auto g3 = ModelConfig::fromJsonText(
            R"({"architectures": ["Gemma3ForCausalLM"], "attn_logit_softcapping": null, "final_logit_softcapping": null,
                "head_dim": 256, "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 1152,
                "intermediate_size": 6912, "max_position_embeddings": 32768, "model_type": "gemma3_text",
                "num_attention_heads": 4, "num_hidden_layers": 26, "num_key_value_heads": 1,
                "query_pre_attn_scalar": 256, "rms_norm_eps": 1e-06, "rope_local_base_freq": 10000,
                "rope_scaling": null, "rope_theta": 1000000, "sliding_window": 512, "sliding_window_pattern": 6,
                "vocab_size": 262144})",
            "config.json");
        QCOMPARE(g3.family, ModelFamily::Gemma3);
        QCOMPARE(g3.ropeTheta, 1e6);
        QCOMPARE(g3.slidingRopeTheta, 1e4);
        QVERIFY(g3.tieWordEmbeddings && g3.qkNorm && !g3.qkNormWhole && g3.preNorms && g3.postNorms);
        QVERIFY(g3.unitOffsetNorms && g3.scaledEmbeddings && g3.activation == Activation::GeluTanh);
        QCOMPARE(g3.attnLogitSoftcap, 0.0);
        QCOMPARE(g3.finalLogitSoftcap, 0.0);
        QCOMPARE(g3.attentionScale(), 1.0 / 16);
        QCOMPARE(std::count(g3.slidingLayers.begin(), g3.slidingLayers.end(), false), 4);  // layers 5, 11, 17, 23
        QVERIFY(!g3.isSlidingLayer(5) && g3.isSlidingLayer(6));
        QCOMPARE(g3.slidingWindow, int64_t(512));
        // Linear scaling from rope_scaling applies to the global layers only.
        const auto g3scaled = ModelConfig::fromJsonText(
            R"({"model_type": "gemma3_text", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                "num_attention_heads": 4, "vocab_size": 100, "rope_scaling": {"rope_type": "linear", "factor": 8.0}})",
            "config.json");
        QCOMPARE(g3scaled.ropeScaling.type, RopeScaling::Type::Linear);
        QCOMPARE(g3scaled.slidingRopeScaling.type, RopeScaling::Type::None);
        QCOMPARE(g3scaled.headDim, int64_t(256));  // the class's default, not hidden / heads

        // Gemma 2: soft-capping at the class's defaults when the keys are absent, none when null.
        const std::string g2 = R"({"model_type": "gemma2", "hidden_size": 64, "intermediate_size": 128,
            "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100, "head_dim": 16)";
        const auto defaults = ModelConfig::fromJsonText(g2 + "}", "config.json");
        QCOMPARE(defaults.attnLogitSoftcap, 50.0);
        QCOMPARE(defaults.finalLogitSoftcap, 30.0);
        QCOMPARE(defaults.attentionScale(), 1.0 / 16);  // query_pre_attn_scalar 256
        QVERIFY(!defaults.hasSlidingRope());
        const auto none = ModelConfig::fromJsonText(
            g2 + R"(, "attn_logit_softcapping": null, "final_logit_softcapping": null, "query_pre_attn_scalar": 144})",
            "config.json");
        QCOMPARE(none.attnLogitSoftcap, 0.0);
        QCOMPARE(none.finalLogitSoftcap, 0.0);
        QCOMPARE(none.attentionScale(), 1.0 / 12);
        // Llama keeps 1/sqrt(head_dim) and plain norms.
        const auto llama = ModelConfig::fromJsonText(
            R"({"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                "num_attention_heads": 4, "vocab_size": 100})",
            "config.json");
        QCOMPARE(llama.attentionScale(), 0.25);
        QVERIFY(!llama.unitOffsetNorms && !llama.scaledEmbeddings && !llama.postNorms && llama.preNorms);
    }

    void phi3Features()
    {
        // Phi-3.5-mini's config.json, shortened: LongRoPE in rope_scaling, the original length beside it.
        std::string factors = "[";
        for (int i = 0; i < 48; ++i)
            factors += (i ? ", " : "") + std::to_string(1.0 + i * 0.5);
        factors += "]";
        const auto c = ModelConfig::fromJsonText(
            R"({"architectures": ["Phi3ForCausalLM"], "hidden_act": "silu", "hidden_size": 3072,
                "intermediate_size": 8192, "max_position_embeddings": 131072, "model_type": "phi3",
                "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32,
                "original_max_position_embeddings": 4096, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
                "rope_scaling": {"long_factor": )" +
                factors + R"(, "short_factor": )" + factors + R"(, "type": "longrope"},
                "sliding_window": 262144, "tie_word_embeddings": false, "vocab_size": 32064})",
            "config.json");
        QCOMPARE(c.family, ModelFamily::Phi3);
        QVERIFY(c.fusedProjections);
        QCOMPARE(c.ropeDim(), int64_t(96));
        QCOMPARE(c.ropeScaling.type, RopeScaling::Type::LongRope);
        QCOMPARE(c.ropeScaling.originalMaxPositions, int64_t(4096));
        QCOMPARE(c.ropeScaling.factor, 32.0);
        QVERIFY(std::abs(c.ropeScaling.attentionFactor - std::sqrt(1 + std::log(32.0) / std::log(4096.0))) < 1e-12);
        QCOMPARE(c.slidingLayers.size(), size_t(32));
        const auto names = c.expectedTensors();
        const auto has = [&](const std::string &name) {
            return std::any_of(names.begin(), names.end(), [&](const ExpectedTensor &t) { return t.name == name; });
        };
        QVERIFY(has("model.layers.0.self_attn.qkv_proj.weight") && has("model.layers.0.mlp.gate_up_proj.weight"));
        QVERIFY(!has("model.layers.0.self_attn.q_proj.weight") && !has("model.layers.0.mlp.up_proj.weight"));

        // Phi-4-mini: partial rotary, in transformers 5's rope_parameters.
        const auto partial = ModelConfig::fromJsonText(
            R"({"model_type": "phi3", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                "num_attention_heads": 4, "vocab_size": 100, "max_position_embeddings": 64,
                "rope_parameters": {"rope_type": "longrope", "rope_theta": 10000.0, "partial_rotary_factor": 0.75,
                "short_factor": [1, 1, 1, 1, 1, 1], "long_factor": [2, 2, 2, 2, 2, 2],
                "original_max_position_embeddings": 16}})",
            "config.json");
        QCOMPARE(partial.ropeDim(), int64_t(12));
        QCOMPARE(partial.ropeScaling.originalMaxPositions, int64_t(16));
        QCOMPARE(partial.ropeScaling.factor, 4.0);
    }

    void ropeLayers_data()
    {
        // SmolLM3: no_rope_layers[i] = 1 where layer i uses RoPE; without the list every
        // no_rope_layer_interval-th layer (default 4) goes without.
        QTest::addColumn<QString>("extra");
        QTest::addColumn<std::vector<bool>>("rope");
        QTest::newRow("list") << R"("no_rope_layers": [1, 0, 0, 1])" << std::vector<bool>{true, false, false, true};
        QTest::newRow("default interval 4") << "" << std::vector<bool>{true, true, true, false};
        QTest::newRow("interval 2") << R"("no_rope_layer_interval": 2)" << std::vector<bool>{true, false, true, false};
    }

    void ropeLayers()
    {
        QFETCH(QString, extra);
        QFETCH(std::vector<bool>, rope);
        const std::string text = R"({"model_type": "smollm3", "hidden_size": 64, "intermediate_size": 128,
            "num_hidden_layers": 4, "num_attention_heads": 4, "vocab_size": 100)" +
                                 (extra.isEmpty() ? std::string() : ", " + extra.toStdString()) + "}";
        const auto c = ModelConfig::fromJsonText(text, "config.json");
        QCOMPARE(c.ropeLayers, rope);
        for (size_t i = 0; i < 4; ++i)
            QCOMPARE(c.usesRope(static_cast<int64_t>(i)), bool(rope[i]));
    }

    void slidingLayers_data()
    {
        // Which layers attend within the window, as transformers decides it.
        QTest::addColumn<QString>("extra");
        QTest::addColumn<std::vector<bool>>("sliding");
        const QString qwen = R"("model_type": "qwen2", "sliding_window": 8, )";
        QTest::newRow("qwen2 without use_sliding_window")
            << qwen + R"("use_sliding_window": false)" << std::vector<bool>{};
        QTest::newRow("qwen2 from max_window_layers on")
            << qwen + R"("use_sliding_window": true, "max_window_layers": 2)"
            << std::vector<bool>{false, false, true, true};
        QTest::newRow("qwen2, max_window_layers 0: all")
            << qwen + R"("use_sliding_window": true, "max_window_layers": 0)"
            << std::vector<bool>{true, true, true, true};
        QTest::newRow("qwen2, default max_window_layers 28: none of 4")
            << qwen + R"("use_sliding_window": true)" << std::vector<bool>{false, false, false, false};
        QTest::newRow("layer_types decide")
            << qwen + R"("use_sliding_window": true, "max_window_layers": 2, "layer_types": ["sliding_attention",
                 "full_attention", "sliding_attention", "full_attention"])"
            << std::vector<bool>{true, false, true, false};
        // Gemma: the config classes' default patterns when layer_types is absent.
        QTest::newRow("gemma2: every other layer from the first")
            << R"("model_type": "gemma2")" << std::vector<bool>{true, false, true, false};
        QTest::newRow("gemma3: every 6th layer global (none of 4)")
            << R"("model_type": "gemma3_text")" << std::vector<bool>{true, true, true, true};
        QTest::newRow("gemma3: sliding_window_pattern 2")
            << R"("model_type": "gemma3_text", "sliding_window_pattern": 2)"
            << std::vector<bool>{true, false, true, false};
        QTest::newRow("mistral, window null")
            << R"("model_type": "mistral", "sliding_window": null)" << std::vector<bool>{};
    }

    void slidingLayers()
    {
        QFETCH(QString, extra);
        QFETCH(std::vector<bool>, sliding);
        const std::string text = R"({"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 4,
            "num_attention_heads": 4, "vocab_size": 100, )" +
                                 extra.toStdString() + "}";
        const auto c = ModelConfig::fromJsonText(text, "config.json");
        QCOMPARE(c.slidingLayers, sliding);
        for (size_t i = 0; i < 4; ++i)
            QCOMPARE(c.isSlidingLayer(static_cast<int64_t>(i)), !sliding.empty() && sliding[i]);
    }
};

QTEST_APPLESS_MAIN(TestModelConfig)
#include "tst_model_config.moc"
