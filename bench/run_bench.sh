#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Side-by-side benchmarks on the GPU machine: a Llama-3-8B-shaped random bf16 checkpoint, batch 8 x 2048,
# LayerCut and transformers in the same run, alternating which goes first (A B B A ...) with a pause
# between runs so neither always meets a warmer GPU; prints the table with ratios.
#   usage: bench/run_bench.sh forward|distances|heal BUILD_DIR [CHECKPOINT_DIR] [ROUNDS]
#     forward    load time and forward tokens/s, against transformers (sdpa)          (issue 2)
#     distances  distance-analysis tokens/s, against the same computation in PyTorch  (issue 3)
#     heal       LoRA training tokens/s and peak memory: LayerCut's QLoRA (NF4 base) against peft LoRA on the
#                bf16 base (no bitsandbytes there), rank 64 = alpha on gate/up/down, batch 2 x 2048,
#                activation checkpointing, 2 untimed then 4 timed optimizer steps                (issue 5)
#                settings: HEAL_RANK HEAL_BATCH HEAL_LENGTH HEAL_STEPS HEAL_WARMUP HEAL_TARGETS=ffn|all
#                HEAL_QUANT=nf4|none (LayerCut's base) HEAL_CHECKPOINTING=1|0
#     eval       5-shot MMLU questions/s on an MMLU-shaped random set (bench/make_mmlu_like.py, which also puts
#                its tokenizer into the checkpoint): layercut-bench eval (batched, few-shot prefix computed once
#                per subject) against two transformers peers (bench/hf_mmlu.py): the same prefix-reuse algorithm
#                batched (--batched), and a loop of one pass per question (issues 6, 18)
#                settings: EVAL_DATA (default: mmlu-like beside the checkpoint) EVAL_SHOTS EVAL_SUBJECTS
#                EVAL_QUESTIONS (per subject) EVAL_BATCH_TOKENS EVAL_PREFIX_REUSE=1|0 EVAL_DTYPE=bfloat16|float32
#     generate   greedy generation tokens/s, every prompt continued by exactly GEN_TOKENS tokens in batches of
#                GEN_BATCH: layercut-bench generate against transformers generate() (bench/hf_generate.py); the
#                prompts are GEN_PROMPTS 5-shot MMLU-like contexts (about 600 tokens each); the second peer
#                keeps SDPA off cuDNN's kernels (--no-cudnn-sdp), as LayerCut does                (issue 18)
set -euo pipefail
mode=$1
build=$2
ckpt=${3:-/tmp/layercut-bench/llama3-8b-random}
rounds=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)
case "$mode" in
    forward) peer=hf_forward.py iters=10 ;;
    distances) peer=hf_distances.py iters=4 ;;
    heal) peer=hf_qlora.py iters=${HEAL_STEPS:-4} ;;
    eval) peer=hf_mmlu.py iters=0 ;;
    generate) peer=hf_generate.py iters=0 ;;
    *) echo "usage: $0 forward|distances|heal|eval|generate BUILD_DIR [CHECKPOINT_DIR] [ROUNDS]" >&2; exit 2 ;;
esac
[ -f "$ckpt/config.json" ] || python3 "$here/make_random_checkpoint.py" "$ckpt" >&2
peer_args=(--iters "$iters")
lc_args=(--iters "$iters")
if [ "$mode" = heal ]; then
    peer_args=(--rank "${HEAL_RANK:-64}" --batch "${HEAL_BATCH:-2}" --length "${HEAL_LENGTH:-2048}" --steps "$iters"
               --warmup-steps "${HEAL_WARMUP:-2}" --targets "${HEAL_TARGETS:-ffn}")
    if [ "${HEAL_CHECKPOINTING:-1}" = 0 ]; then peer_args+=(--no-checkpointing); fi
    lc_args=("${peer_args[@]}" --quant "${HEAL_QUANT:-nf4}")
fi
second_peer=()
dtype=${EVAL_DTYPE:-bfloat16}  # eval: float32 shows the predictions equal without bfloat16's near-tie flips
if [ "$mode" = eval ] || [ "$mode" = generate ]; then
    # Deterministic, so rewriting it each time is cheap and keeps the data and the checkpoint's tokenizer in step.
    data=${EVAL_DATA:-$(dirname "$ckpt")/mmlu-like}
    python3 "$here/make_mmlu_like.py" "$data" --subjects "${EVAL_SUBJECTS:-16}" --questions "${EVAL_QUESTIONS:-24}" \
        --tokenizer-into "$ckpt" >&2
    peer_args=(--data "$data" --shots "${EVAL_SHOTS:-5}")
    lc_args=("${peer_args[@]}" --batch-tokens "${EVAL_BATCH_TOKENS:-16384}")
    peer_args+=(--dtype "$dtype")
    second_peer=("${peer_args[@]}" --batched --batch-tokens "${EVAL_BATCH_TOKENS:-16384}")
    if [ "${EVAL_PREFIX_REUSE:-1}" = 0 ]; then lc_args+=(--no-prefix-reuse); fi
fi
if [ "$mode" = generate ]; then
    prompts=$(dirname "$ckpt")/generate-prompts.jsonl
    python3 - "$data" "${GEN_PROMPTS:-64}" "$prompts" "$here" <<'PY'
import json
import sys
sys.path.insert(0, sys.argv[4])
from hf_mmlu import questions_of
rows = questions_of(sys.argv[1], 5)[: int(sys.argv[2])]
with open(sys.argv[3], "w", encoding="utf-8") as f:
    for context, _ in rows:
        f.write(json.dumps({"prompt": context}) + "\n")
PY
    peer_args=(--prompts "$prompts" --batch "${GEN_BATCH:-32}" --max-new-tokens "${GEN_TOKENS:-128}")
    lc_args=("${peer_args[@]}")
    second_peer=("${peer_args[@]}" --no-cudnn-sdp)
fi
results=$(mktemp)
run_hf() {
    python3 "$here/$peer" "$ckpt" "${peer_args[@]}" 2>/dev/null | tee -a "$results"
    if [ ${#second_peer[@]} -gt 0 ]; then python3 "$here/$peer" "$ckpt" "${second_peer[@]}" 2>/dev/null | tee -a "$results"; fi
}
run_lc() { "$build/bin/layercut-bench" "$mode" "$ckpt" --device cuda --dtype "$dtype" "${lc_args[@]}" | tee -a "$results"; }
gpu_state() { nvidia-smi --query-gpu=temperature.gpu,clocks.sm,power.draw --format=csv,noheader >&2 || true; }
for i in $(seq "$rounds"); do
    if (( i % 2 )); then first=run_hf second=run_lc; else first=run_lc second=run_hf; fi
    gpu_state; $first; sleep 5
    gpu_state; $second; sleep 5
done
python3 "$here/print_table.py" < "$results"
