#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that transformers loads LayerCut's expanded exports unchanged (run on the GPU machine).

For every fixture family and both initialisations: `layercut-cli expand --after 1,3 --init INIT`, and once
`--s-strategy` (after block 1, averaged, the last 2 blocks dropped). transformers loads each folder (no
missing, unexpected or mismatched tensors), and its float32 logits on the fixture's reference batch are
compared with
  - LayerCut's logits for the exported folder (`layercut-cli forward`), and
  - transformers' own source model (the inserted blocks are the identity), without its last 2 layers for the
    S strategy.
usage: check_expand_transformers.py BUILD_DIR [--device cuda|cpu]      exits 1 when a check fails
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

from check_export_transformers import ATTENTION, FIXTURES, TOLERANCE, compare, report

FAMILIES = ["llama3_gqa_sharded", "llama2_spm_classic", "mistral_bf16", "qwen2_tied_f16", "qwen3_qknorm",
            "gemma2_softcap", "gemma3_text", "phi3_longrope"]
CASES = [(f, ["--after", "1,3", "--init", init]) for f in FAMILIES for init in ("copy", "average")]
CASES += [(f, ["--s-strategy"]) for f in FAMILIES]


def hf_logits(model, ids, mask, device):
    with torch.no_grad():
        return model.to(device)(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float().cpu()


def without_last(model, count):
    kept = list(model.model.layers)[: len(model.model.layers) - count]
    model.model.layers = torch.nn.ModuleList(kept)
    model.config.num_hidden_layers = len(kept)
    if getattr(model.config, "layer_types", None):
        model.config.layer_types = model.config.layer_types[: len(kept)]
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    cli = os.path.join(args.build, "bin", "layercut-cli")
    failures = 0
    print(f"{'fixture':<22}{'options':<28}{'blocks':>7}{'loads':>7}{'vs LayerCut':>13}{'vs HF source':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for fixture, extra in CASES:
            source = os.path.join(FIXTURES, fixture)
            out = os.path.join(tmp, fixture + "-" + "-".join(a.strip("-").replace(",", "_") for a in extra))
            printed = subprocess.run([cli, "expand", source, "--out", out] + extra,
                                     check=True, capture_output=True, text=True).stdout
            summary = json.loads(printed)
            ref = load_file(os.path.join(source, "reference.safetensors"))
            ids, mask = ref["input_ids"], ref["attention_mask"]

            oracle = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32, attn_implementation=ATTENTION)
            if summary["dropped_layers"]:
                oracle = without_last(oracle, len(summary["dropped_layers"]))
            clean, info, config, e_lc, e_hf = compare(cli, out, ids, mask, hf_logits(oracle, ids, mask, args.device),
                                                      args.device)
            clean = clean and config.num_hidden_layers == summary["layers"]
            failures += not report(fixture, " ".join(extra), summary["layers"], clean, info, e_lc, e_hf)
    print(f"tolerance {TOLERANCE:g} (max |a - b| / max |b|, float32, real tokens); {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
