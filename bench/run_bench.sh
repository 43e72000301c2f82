#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Side-by-side benchmarks on the GPU machine: a Llama-3-8B-shaped random bf16 checkpoint, batch 8 x 2048,
# LayerCut and transformers in the same run, alternating which goes first (A B B A ...) with a pause
# between runs so neither always meets a warmer GPU; prints the table with ratios.
#   usage: bench/run_bench.sh forward|distances BUILD_DIR [CHECKPOINT_DIR] [ROUNDS]
#     forward    load time and forward tokens/s, against transformers (sdpa)          (issue 2)
#     distances  distance-analysis tokens/s, against the same computation in PyTorch  (issue 3)
set -euo pipefail
mode=$1
build=$2
ckpt=${3:-/tmp/layercut-bench/llama3-8b-random}
rounds=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)
case "$mode" in
    forward) peer=hf_forward.py iters=10 ;;
    distances) peer=hf_distances.py iters=4 ;;
    *) echo "usage: $0 forward|distances BUILD_DIR [CHECKPOINT_DIR] [ROUNDS]" >&2; exit 2 ;;
esac
[ -f "$ckpt/config.json" ] || python3 "$here/make_random_checkpoint.py" "$ckpt" >&2
results=$(mktemp)
run_hf() { python3 "$here/$peer" "$ckpt" --iters "$iters" 2>/dev/null | tee -a "$results"; }
run_lc() { "$build/bin/layercut-bench" "$mode" "$ckpt" --device cuda --dtype bfloat16 --iters "$iters" | tee -a "$results"; }
gpu_state() { nvidia-smi --query-gpu=temperature.gpu,clocks.sm,power.draw --format=csv,noheader >&2 || true; }
for i in $(seq "$rounds"); do
    if (( i % 2 )); then first=run_hf second=run_lc; else first=run_lc second=run_hf; fi
    gpu_state; $first; sleep 5
    gpu_state; $second; sleep 5
done
python3 "$here/print_table.py" < "$results"
