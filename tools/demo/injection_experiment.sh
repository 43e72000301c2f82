#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The demo's knowledge-injection experiment (docs/injection-experiment.md): the demo model learns the facts of
# resources/demo/data/injection/train.txt (new entities, tools/demo/make_demo_injection.py) by
#   - new blocks among the shallow layers (after 1, 3, 5, 7: Llama SLayer's positions), trained alone,
#   - new blocks among the deep layers (after 8, 10, 12, 14), trained alone,
#   - LoRA on every linear layer of every block, of the same number of trainable parameters (rank 36),
#   - full fine-tuning of every weight,
# each for the same steps and batch at two learning rates, and is evaluated on the new facts and on the old
# ones (forgetting) in MMLU's and BoolQ's formats. Prints a Markdown table; keeps each run's JSON in OUT.
#   usage: tools/demo/injection_experiment.sh BUILD_DIR DEVICE OUT [STEPS]
set -euo pipefail
build=$1 device=$2 out=$3 steps=${4:-400}
here=$(cd "$(dirname "$0")/../.." && pwd)
cli=$build/bin/layercut-cli
demo=$here/resources/demo
new=$demo/data/injection
mkdir -p "$out"

score() {  # score NAME MODEL [OPTIONS]: new and old MMLU / BoolQ accuracies as "a | b | c | d"
    local name=$1 model=$2
    shift 2
    "$cli" eval "$model" --mmlu "$new/mmlu" --boolq "$new/boolq.jsonl" --device "$device" "$@" \
        --out "$out/$name-new.json" > /dev/null 2>&1
    "$cli" eval "$model" --mmlu "$demo/data/mmlu" --boolq "$demo/data/boolq.jsonl" --device "$device" "$@" \
        --out "$out/$name-old.json" > /dev/null 2>&1
    python3 - "$out/$name-new.json" "$out/$name-old.json" <<'PY'
import json, sys
new, old = (json.load(open(p)) for p in sys.argv[1:3])
pct = lambda r, k: f"{100 * r[k]['accuracy']:.1f}"
print(f"{pct(new, 'mmlu')} | {pct(new, 'boolq')} | {pct(old, 'mmlu')} | {pct(old, 'boolq')}", end="")
PY
}

run() {  # run ID LABEL LR [HEAL OPTIONS]: trains, then one table row
    local id=$1 label=$2 lr=$3
    shift 3
    "$cli" heal "$demo/model" --data "$new/train.txt" --steps "$steps" --batch 16 --micro-batch 16 --seq-len 256 \
        --lr "$lr" --eval-every 0 --device "$device" --merge --out "$out/$id-$lr" --force "$@" \
        > "$out/$id-$lr.json" 2> /dev/null
    local summary
    summary=$(python3 -c "import json,sys;j=json.load(open(sys.argv[1]));print(f\"{j['trainable_parameters']:,} | {j['first_train_loss']:.2f} → {j['final_train_loss']:.2f}\")" "$out/$id-$lr.json")
    echo "| $label | $lr | $summary | $(score "$id-$lr" "$out/$id-$lr/merged") |"
}

echo "| method | lr | trainable parameters | train loss | new MMLU | new BoolQ | old MMLU | old BoolQ |"
echo "|---|---|---|---|---|---|---|---|"
echo "| demo model, before | – | – | – | $(score base "$demo/model") |"
for lr in 3e-4 1e-3; do
    run shallow "new blocks after 1, 3, 5, 7" "$lr" --method blocks --insert-after 1,3,5,7
    run deep "new blocks after 8, 10, 12, 14" "$lr" --method blocks --insert-after 8,10,12,14
    run lora "LoRA r=36 on all linear layers" "$lr" --method lora --quant none --targets all --rank 36 --alpha 36
done
for lr in 3e-5 1e-4; do
    run full "full fine-tuning" "$lr" --method full
done
