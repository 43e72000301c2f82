#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that transformers loads LayerCut's pruned exports unchanged (run on the GPU machine).

For every fixture family: `layercut-cli prune --drop 2:4` (one family with small shards, one converted to
bfloat16 as well), then transformers loads the folder (no missing, unexpected or mismatched tensors) and its
float32 logits on the fixture's reference batch are compared with
  - LayerCut's logits for the exported folder (`layercut-cli forward`), and
  - transformers' own model with the same layers deleted in memory (the oracle for what pruning means).
usage: check_export_transformers.py BUILD_DIR [--device cuda|cpu]      exits 1 when a check fails
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

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "tests", "fixtures", "models")
TOLERANCE = 1e-4  # max |a - b| / max |b| over real tokens, float32
CASES = [  # fixture, extra prune arguments
    ("llama3_gqa_sharded", []),
    ("llama2_spm_classic", ["--shard-size", "150KB"]),
    ("mistral_bf16", []),
    ("qwen2_tied_f16", []),
    ("qwen3_qknorm", []),
    ("qwen3_qknorm", ["--out-dtype", "bfloat16"]),
    ("mistral_window", []),  # sliding windows of 4 tokens: every layer
    ("qwen2_window", []),    # layer_types: 3 full, then 3 sliding
    ("olmo2_postnorm", []),  # norms after each half, q/k norms over the projection
    ("smollm3_nope", []),    # every other layer without RoPE: no_rope_layers kept in step
    ("gemma2_softcap", []),  # soft-capping, four norms; the default layer pattern written out as layer_types
    ("gemma3_text", []),     # q/k norms, local/global RoPE bases per layer type
    ("phi3_longrope", ["--shard-size", "150KB"]),  # fused qkv_proj, gate_up_proj kept fused; LongRoPE
]
DROP = (2, 4)  # 0-based, end exclusive
# transformers' reference attention: SDPA ignores Gemma 2's attention soft-capping (the eager path applies it).
ATTENTION = "eager"


def relative(a, b, mask):
    keep = mask.bool()
    return ((a - b)[keep].abs().max() / b[keep].abs().max()).item()


def layercut_logits(cli, folder, ids, mask):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for b in range(ids.shape[0]):
            real = ids[b][mask[b].bool()].tolist()
            out = os.path.join(tmp, f"{b}.safetensors")
            subprocess.run([cli, "forward", folder, "--ids", ",".join(map(str, real)), "--out", out,
                            "--dtype", "float32"], check=True, capture_output=True)
            logits = load_file(out)["logits"]
            padded = torch.zeros(ids.shape[1], logits.shape[-1])
            padded[: logits.shape[0]] = logits
            rows.append(padded)
    return torch.stack(rows)


def compare(cli, folder, ids, mask, oracle, device):
    """transformers loads `folder`: (loads cleanly, loading info, its logits, error vs LayerCut, error vs oracle)."""
    model, info = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, output_loading_info=True,
                                                       attn_implementation=ATTENTION)
    clean = not any(info[k] for k in ("missing_keys", "unexpected_keys", "mismatched_keys"))
    with torch.no_grad():
        ours_hf = model.to(device)(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float().cpu()
    lc = layercut_logits(cli, folder, ids, mask)
    return clean, info, model.config, relative(lc, ours_hf, mask), relative(ours_hf, oracle, mask)


def report(fixture, options, count, clean, info, e_lc, e_hf):
    """Prints one table row (and the loading info when something was missing); returns whether it passed."""
    ok = clean and e_lc <= TOLERANCE and e_hf <= TOLERANCE
    print(f"{fixture:<22}{options:<28}{count:>7}{'yes' if clean else 'NO':>7}"
          f"{e_lc:>13.2e}{e_hf:>14.2e}{'' if ok else '   FAIL'}")
    if not clean:
        print("   loading info:", info)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    cli = os.path.join(args.build, "bin", "layercut-cli")
    failures = 0
    print(f"{'fixture':<22}{'options':<28}{'shards':>7}{'loads':>7}{'vs LayerCut':>13}{'vs HF pruned':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for fixture, extra in CASES:
            source = os.path.join(FIXTURES, fixture)
            out = os.path.join(tmp, fixture + "-" + "-".join(a.strip("-") for a in extra))
            printed = subprocess.run([cli, "prune", source, "--drop", f"{DROP[0]}:{DROP[1]}", "--out", out] + extra,
                                     check=True, capture_output=True, text=True).stdout
            shards = json.loads(printed)["shards"]
            ref = load_file(os.path.join(source, "reference.safetensors"))
            ids, mask = ref["input_ids"], ref["attention_mask"]

            with torch.no_grad():
                oracle = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32,
                                                              attn_implementation=ATTENTION)
                if "--out-dtype" in extra:  # the oracle rounds its weights as the export did (not inv_freq)
                    for p in oracle.parameters():
                        p.data = p.data.to(torch.bfloat16).to(torch.float32)
                kept = [l for i, l in enumerate(oracle.model.layers) if not DROP[0] <= i < DROP[1]]
                oracle.model.layers = torch.nn.ModuleList(kept)
                for i, layer in enumerate(oracle.model.layers):
                    layer.self_attn.layer_idx = i
                oracle.config.num_hidden_layers = len(kept)
                if getattr(oracle.config, "layer_types", None):
                    oracle.config.layer_types = [t for i, t in enumerate(oracle.config.layer_types)
                                                 if not DROP[0] <= i < DROP[1]]
                pruned_hf = oracle.to(args.device)(input_ids=ids.to(args.device),
                                                   attention_mask=mask.to(args.device)).logits.float().cpu()
            clean, info, _, e_lc, e_hf = compare(cli, out, ids, mask, pruned_hf, args.device)
            failures += not report(fixture, ' '.join(extra) or '-', shards, clean, info, e_lc, e_hf)
    print(f"tolerance {TOLERANCE:g} (max |a - b| / max |b|, float32, real tokens); {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
