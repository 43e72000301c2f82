#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Forward benchmark on the GPU machine: a Llama-3-8B-shaped random bf16 checkpoint, batch 8 x 2048,
# LayerCut and transformers (sdpa) in the same run, alternating which goes first (A B B A ...) with a
# pause between runs so neither always meets a warmer GPU; prints the table with ratios.
#   usage: bench/run_forward_bench.sh BUILD_DIR [CHECKPOINT_DIR] [ROUNDS]
set -euo pipefail
build=$1
ckpt=${2:-/tmp/layercut-bench/llama3-8b-random}
rounds=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$ckpt/config.json" ] || python3 "$here/make_random_checkpoint.py" "$ckpt" >&2
results=$(mktemp)
run_hf() { python3 "$here/hf_forward.py" "$ckpt" --iters 10 2>/dev/null | tee -a "$results"; }
run_lc() { "$build/bin/layercut-bench" forward "$ckpt" --device cuda --dtype bfloat16 --iters 10 | tee -a "$results"; }
gpu_state() { nvidia-smi --query-gpu=temperature.gpu,clocks.sm,power.draw --format=csv,noheader >&2 || true; }
for i in $(seq "$rounds"); do
    if (( i % 2 )); then first=run_hf second=run_lc; else first=run_lc second=run_hf; fi
    gpu_state; $first; sleep 5
    gpu_state; $second; sleep 5
done
python3 "$here/print_table.py" < "$results"
