#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks knowledge injection in memory against transformers (run on the GPU machine).

For every fixture family and two plans (Llama SLayer's `--s-strategy`, and `--insert-after 1,3 --init copy`):
  - `layercut-cli generate --insert-after ...` on DEVICE gives the same greedy tokens as without the new
    blocks (they are the identity until trained);
  - `layercut-cli heal --method blocks` builds the blocks in memory on DEVICE, trains only them for a few
    steps and writes OUT/merged;
  - transformers loads OUT/merged with no missing, unexpected or mismatched tensor, and its float32 logits
    equal LayerCut's (`layercut-cli forward`) for that folder;
  - against `layercut-cli expand` of the same plan (the untrained blocks), only the inserted blocks' tensors
    changed.
usage: check_injection_transformers.py BUILD_DIR [--device cuda|cpu]      exits 1 when a check fails
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file

from transformers import AutoModelForCausalLM

from check_export_transformers import ATTENTION, FIXTURES, TOLERANCE, layercut_logits, relative

FAMILIES = ["llama3_gqa_sharded", "llama2_spm_classic", "mistral_bf16", "qwen2_tied_f16", "qwen3_qknorm",
            "gemma2_softcap", "gemma3_text", "phi3_longrope"]
# (in memory, as expand writes it, the same model without the new blocks: what the identity must give)
PLANS = [(["--s-strategy"], ["--s-strategy"], ["--drop", "4:6"]),
         (["--insert-after", "1,3", "--init", "copy"], ["--after", "1,3", "--init", "copy"], [])]
CORPUS = os.path.join(FIXTURES, "..", "data", "tiny_corpus.txt")


def tensors(folder):
    out = {}
    for name in os.listdir(folder):
        if name.endswith(".safetensors"):
            out.update(load_file(os.path.join(folder, name)))
    return out


def generated(cli, source, device, extra):
    printed = subprocess.run([cli, "generate", source, "--device", device, "--prompt", "The quick brown fox",
                              "--max-new-tokens", "12", "--no-eos"] + extra,
                             check=True, capture_output=True, text=True).stdout
    return json.loads(printed)["outputs"][0]["tokens"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    cli = os.path.join(args.build, "bin", "layercut-cli")
    failures = 0
    print(f"{'fixture':<22}{'plan':<30}{'identity':>9}{'blocks':>7}{'loads':>7}{'vs LayerCut':>13}"
          f"{'changed':>9}{'only new':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for fixture in FAMILIES:
            source = os.path.join(FIXTURES, fixture)
            for memory, export, without in PLANS:
                tag = fixture + "-" + "-".join(a.strip("-").replace(",", "_") for a in memory)
                identity = generated(cli, source, args.device, memory) == generated(cli, source, args.device, without)
                out = os.path.join(tmp, tag)
                printed = subprocess.run(
                    [cli, "heal", source, "--data", CORPUS, "--method", "blocks", "--steps", "3", "--batch", "2",
                     "--micro-batch", "2", "--seq-len", "32", "--warmup", "0", "--lr", "1e-2", "--eval-every", "0",
                     "--device", args.device, "--merge", "--out", out] + memory,
                    check=True, capture_output=True, text=True).stdout
                summary = json.loads(printed)
                untrained = os.path.join(tmp, tag + "-untrained")
                subprocess.run([cli, "expand", source, "--out", untrained] + export, check=True, capture_output=True)
                merged = os.path.join(out, "merged")
                record = json.load(open(os.path.join(merged, "layercut.json")))
                new = {k for k, b in enumerate(record["blocks"]) if b["inserted"]}
                a, b = tensors(untrained), tensors(merged)
                changed = {n for n in a if not torch.equal(a[n], b[n])}
                only_new = all(n.startswith("model.layers.") and int(n.split(".")[2]) in new for n in changed)
                ref = load_file(os.path.join(source, "reference.safetensors"))
                ids, mask = ref["input_ids"], ref["attention_mask"]
                model, info = AutoModelForCausalLM.from_pretrained(merged, dtype=torch.float32,
                                                                   output_loading_info=True,
                                                                   attn_implementation=ATTENTION)
                clean = not any(info[k] for k in ("missing_keys", "unexpected_keys", "mismatched_keys"))
                with torch.no_grad():
                    theirs = model.to(args.device)(input_ids=ids.to(args.device),
                                                   attention_mask=mask.to(args.device)).logits.float().cpu()
                e_lc = relative(layercut_logits(cli, merged, ids, mask), theirs, mask)
                ok = identity and clean and e_lc <= TOLERANCE and changed and only_new and \
                    model.config.num_hidden_layers == summary["layers"]
                failures += not ok
                print(f"{fixture:<22}{' '.join(memory):<30}{'yes' if identity else 'NO':>9}{summary['layers']:>7}"
                      f"{'yes' if clean else 'NO':>7}{e_lc:>13.2e}{len(changed):>9}{'yes' if only_new else 'NO':>10}"
                      f"{'' if ok else '   FAIL'}")
    print(f"tolerance {TOLERANCE:g} (max |a - b| / max |b|, float32, real tokens); {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
