#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Distances on a Llama-3-70B-shaped random bf16 checkpoint on one GPU (issue 17): the caching allocator's peak
# against LayerCut's estimate, and tokens/s, with the weights dense, NF4, and streamed (each block read from the
# memory-mapped checkpoint when its turn comes: dense and NF4), at two depths of the same shards (all LAYERS, and
# a config of half of them), and each mode's largest |angular distance difference| from the dense one pass. On a
# machine with two GPUs, the dense pass again over cuda:0,cuda:1 (the blocks placed over both), each GPU's
# estimate and peak, and its difference from the one-GPU pass.
#   usage: bench/memory_70b.sh BUILD_DIR [CHECKPOINT_DIR] [LAYERS]     (70B in bf16 does not fit the disk: 12
#          layers are 24.7 GB)
set -euo pipefail
build=$1
ckpt=${2:-/tmp/layercut-bench/llama3-70b-random}
layers=${3:-12}
here=$(cd "$(dirname "$0")" && pwd)
cli=$build/bin/layercut-cli
[ -f "$ckpt/config.json" ] || python3 "$here/make_random_checkpoint.py" "$ckpt" --shape 70b --layers "$layers" >&2
# The same shards read as a model of half the depth: a block's memory must not be counted per layer.
half=$ckpt-half
mkdir -p "$half"
ln -sf "$ckpt"/*.safetensors "$ckpt/model.safetensors.index.json" "$half/"
python3 - "$ckpt/config.json" "$half/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["num_hidden_layers"] //= 2
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
data=$(dirname "$ckpt")/ids-70b.jsonl
python3 - "$data" <<'PY'
import json, random, sys
random.seed(0)
with open(sys.argv[1], "w") as f:
    for _ in range(16):
        f.write(json.dumps({"input_ids": [random.randrange(128000) for _ in range(2048)]}) + "\n")
PY
out=$(mktemp -d)
run() {  # NAME MODEL_DIR [ARGS...]: one distances run, one table row
    local name=$1 model=$2
    shift 2
    local start end
    start=$(date +%s.%N)
    "$cli" distances "$model" --data "$data" --samples 16 --max-length 2048 --batch 8 --device "${DEVICE:-cuda}" \
        --out "$out/$name.json" "$@" > "$out/$name.summary" 2> "$out/$name.err" || { cat "$out/$name.err" >&2; return 1; }
    end=$(date +%s.%N)
    python3 - "$name" "$out/$name.summary" "$start" "$end" <<'PY'
import json, sys
name, summary, start, end = sys.argv[1], json.load(open(sys.argv[2])), float(sys.argv[3]), float(sys.argv[4])
m, s = summary["memory"], end - start
print(f"{name:22s} estimate {m['estimated_bytes'] / 1e9:7.2f} GB  peak {m['peak_allocated_bytes'] / 1e9:7.2f} GB  "
      f"ratio {m['estimated_bytes'] / m['peak_allocated_bytes']:.2f}  {s:6.1f} s  "
      f"{summary['tokens'] / s:7.0f} tok/s (wall, load incl.)")
for d in m.get("devices", []):
    print(f"  {d['device']:20s} estimate {d['estimated_bytes'] / 1e9:7.2f} GB  peak {d['peak_allocated_bytes'] / 1e9:7.2f} GB")
PY
}
echo "# $(basename "$ckpt"): $layers layers (and $((layers / 2)) of the same shards), 16 x 2048 random ids, batch 8"
for depth in "$ckpt" "$half"; do
    tag=$([ "$depth" = "$ckpt" ] && echo "$layers" || echo "$((layers / 2))")
    run "dist-bf16-$tag" "$depth"
    run "dist-nf4-$tag" "$depth" --nf4
    run "dist-stream-$tag" "$depth" --stream
    run "dist-stream-nf4-$tag" "$depth" --stream --nf4
done
others="nf4 stream stream-nf4"
if [ "$(python3 -c 'import torch;print(torch.cuda.device_count())')" -ge 2 ]; then
    DEVICE=cuda:0,cuda:1 run "dist-2gpu-$layers" "$ckpt"
    others="$others 2gpu"
fi
python3 - "$out" "$layers" $others <<'PY'
import json, sys
out, layers, others = sys.argv[1], sys.argv[2], sys.argv[3:]
def angular(name):
    return json.load(open(f"{out}/{name}.json"))["angular_distance"]
base = angular(f"dist-bf16-{layers}")
for other in others:
    rows = angular(f"dist-{other}-{layers}")
    diff = max(abs(a - b) for ra, rb in zip(base, rows) for a, b in zip(ra, rb) if a is not None and b is not None)
    print(f"max |angular distance difference| bf16 vs {other}: {diff:.2e}")
PY
rm -rf "$out"
