#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Distance-analysis benchmark on the GPU machine: the Llama-3-8B-shaped random bf16 checkpoint, batch
# 8 x 2048, LayerCut and a transformers implementation of the same computation, alternating order.
#   usage: bench/run_distances_bench.sh BUILD_DIR [CHECKPOINT_DIR] [ROUNDS]
set -euo pipefail
build=$1
ckpt=${2:-/tmp/layercut-bench/llama3-8b-random}
rounds=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$ckpt/config.json" ] || python3 "$here/make_random_checkpoint.py" "$ckpt" >&2
results=$(mktemp)
run_hf() { python3 "$here/hf_distances.py" "$ckpt" 2>/dev/null | tee -a "$results"; }
run_lc() { "$build/bin/layercut-bench" distances "$ckpt" --device cuda --dtype bfloat16 --iters 4 | tee -a "$results"; }
for i in $(seq "$rounds"); do
    if (( i % 2 )); then first=run_hf second=run_lc; else first=run_lc second=run_hf; fi
    $first; sleep 5
    $second; sleep 5
done
python3 "$here/print_table.py" < "$results"
