#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The demo model's recipe: how resources/demo/ was made, step by step, so anyone can rebuild it.
#
#   bash tools/demo/build_demo_model.sh data WORK        the world's corpus and held-out questions (pure Python)
#   bash tools/demo/build_demo_model.sh tokenizer WORK   spm_train on the corpus -> WORK/tokenizer.model (Debian: sentencepiece)
#   bash tools/demo/build_demo_model.sh gsm8k WORK       GSM8K-format word problems in the world, and the second
#                                                        phase's corpus: solved problems mixed with the first's
#   bash tools/demo/build_demo_model.sh train WORK BUILD [TOKENIZER]
#                                                        on a GPU machine with torch + transformers: a random Llama
#                                                        (init_demo_model.py), every parameter trained by LayerCut's
#                                                        own trainer (layercut-cli heal --method full), evaluated
#                                                        by layercut-cli eval and checked against transformers
#   bash tools/demo/build_demo_model.sh install WORK     copies the trained model and the data into resources/demo/
#
# The shipped demo was built in two phases. First: data + tokenizer here (Debian 12, sentencepiece 0.1.97),
# train on one H100 (tools/gpu-build.sh BUILD layercut-cli first). Second, the arithmetic: gsm8k, then train
# again on one H200 from the first phase's model on 1,024-token sequences:
#   DEMO_INIT=FIRST_PHASE_MODEL DEMO_CORPUS=WORK/corpus_gsm8k.jsonl DEMO_STEPS=1200 DEMO_LR=1e-3 DEMO_WARMUP=50 \
#   DEMO_SEQ=1024 DEMO_BATCH=32 bash tools/demo/build_demo_model.sh train WORK BUILD
# (FIRST_PHASE_MODEL: a copy of the first phase's WORK/trained/merged), then install here. Steps are deterministic up to GPU arithmetic.
set -euo pipefail
step=${1:-}
work=${2:-}
here=$(cd "$(dirname "$0")/../.." && pwd)
[ -n "$work" ] || { sed -n 4,14p "$0" >&2; exit 2; }
mkdir -p "$work"

# Training: 3,000 steps of 64 blocks of 512 tokens (98M tokens, 2.4 passes over the corpus), warmup and
# cosine decay from 2e-3, float32 weights with TF32 matrix products (TORCH_ALLOW_TF32_CUBLAS_OVERRIDE: 243k
# tokens/s on one H100 instead of 190k). DEMO_INIT=FOLDER goes on from a trained model instead of a random one.
STEPS=${DEMO_STEPS:-3000}
LR=${DEMO_LR:-2e-3}
WARMUP=${DEMO_WARMUP:-100}
SEQ=${DEMO_SEQ:-512}
BATCH=${DEMO_BATCH:-64}

case "$step" in
data)
    python3 "$here/tools/demo/make_demo_data.py" "$work" --corpus
    ;;
gsm8k)
    [ -f "$work/corpus.jsonl" ] || python3 "$here/tools/demo/make_demo_data.py" "$work" --corpus
    python3 "$here/tools/demo/make_demo_gsm8k.py" "$work" --corpus
    ;;
tokenizer)
    # Llama-2's sentencepiece settings: BPE, byte fallback, digits split, no normalisation.
    spm_train --input="$work/spm_input.txt" --model_prefix="$work/tokenizer" --model_type=bpe --vocab_size=2048 \
        --character_coverage=1.0 --byte_fallback=true --split_digits=true --normalization_rule_name=identity \
        --remove_extra_whitespaces=false --allow_whitespace_only_pieces=true --shuffle_input_sentence=false \
        --num_threads=1 --minloglevel=1
    ;;
train)
    build=${3:?BUILD dir with bin/layercut-cli}
    tokenizer=${4:-$here/resources/demo/model/tokenizer.model}
    cli="$build/bin/layercut-cli"
    [ -f "$work/corpus.jsonl" ] || python3 "$here/tools/demo/make_demo_data.py" "$work" --corpus
    corpus=${DEMO_CORPUS:-$work/corpus.jsonl}
    rm -rf "$work/trained"
    start=${DEMO_INIT:-}  # a model to go on training from (the second phase), or none: a random one
    if [ -z "$start" ]; then
        rm -rf "$work/init"
        python3 "$here/tools/demo/init_demo_model.py" "$tokenizer" "$work/init"
        start="$work/init"
    fi
    TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 "$cli" heal "$start" --method full --data "$corpus" --val-data "$work/data/validation.txt" \
        --device cuda --dtype float32 --steps "$STEPS" --batch "$BATCH" --micro-batch "$BATCH" --seq-len "$SEQ" --lr "$LR" \
        --warmup "$WARMUP" --schedule cosine --weight-decay 0.1 --clip 1.0 --no-checkpointing --eval-every 250 \
        --val-sequences 64 --seed "${DEMO_SEED:-0}" --merge --out-dtype bfloat16 --out "$work/trained" | tee "$work/heal.json"
    gsm8k=()
    [ -f "$work/data/gsm8k/test.jsonl" ] &&
        gsm8k=(--gsm8k "$work/data/gsm8k/test.jsonl" --gsm8k-train "$work/data/gsm8k/train.jsonl")
    "$cli" eval "$work/trained/merged" --mmlu "$work/data/mmlu" --boolq "$work/data/boolq.jsonl" "${gsm8k[@]}" \
        --val-data "$work/data/validation.txt" --device cuda --out "$work/eval.json"
    python3 - "$work/eval.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"MMLU 5-shot {r['mmlu']['accuracy']:.3f}  BoolQ 0-shot {r['boolq']['accuracy']:.3f}  "
      f"loss {r['loss']['loss']:.4f} ({r['loss']['normalized']:.4f} of ln V)")
if "gsm8k" in r:
    print(f"GSM8K 5-shot strict {r['gsm8k']['accuracy']:.3f}  flexible {r['gsm8k']['flexible_accuracy']:.3f}")
for s, a in sorted(r["mmlu"]["subjects"].items()):
    print(f"  {s:<24}{a:.3f}")
PY
    # transformers loads it and predicts the same answers.
    python3 "$here/tools/check_eval_transformers.py" "$build" --model "$work/trained/merged" \
        --mmlu "$work/data/mmlu" --boolq "$work/data/boolq.jsonl" --device cuda
    ;;
install)
    target="$here/resources/demo"
    mkdir -p "$target/model"
    for f in config.json generation_config.json model.safetensors tokenizer.model tokenizer_config.json; do
        [ -f "$work/trained/merged/$f" ] && cp "$work/trained/merged/$f" "$target/model/"
    done
    rm -rf "$target/data"
    cp -r "$work/data" "$target/data"
    ;;
*)
    sed -n 4,14p "$0" >&2
    exit 2
    ;;
esac
