# SPDX-License-Identifier: GPL-3.0-or-later
# The fuzz harnesses (tests/fuzz/fuzz_NAME.cpp): built with libFuzzer in LAYERCUT_FUZZ builds, and replayed on
# their seeds and reproducers by tst_fuzz_regressions in every build.
set(LAYERCUT_FUZZ_HARNESSES
    safetensors safetensors_index model_config tokenizer_json tokenizer_model tokenizer_config
    dataset mmlu_csv benchmark_jsonl project)
