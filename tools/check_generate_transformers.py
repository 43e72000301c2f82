#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""On the GPU machine: LayerCut's greedy generations against transformers' generate(do_sample=False).

For each fixture family, `layercut-cli generate` continues a few prompts by 32 tokens (no end-of-sequence
stop, all prompts in one batch) and transformers continues each prompt alone with the same ids, eager
attention, its generation_config's eos_token_id cleared. Prints, per fixture and dtype, how many prompts
agree token for token and where the first difference is. float32 must agree everywhere (exit status 1 if
not); bfloat16 is reported (rounding can flip a near tie, after which the texts differ).
usage: check_generate_transformers.py BUILD_DIR [--fixtures a,b] [--device cuda]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "tests", "fixtures", "models")
PROMPTS = ["The quick brown fox", "Hello", "Numbers: 1, 2, 3, 4, 5, 6, 7", "a b c", "Question: what is two plus two?"]
NEW = 32


def layercut(build, fixture, dtype, device):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "g.json")
        cmd = [os.path.join(build, "bin", "layercut-cli"), "generate", fixture, "--max-new-tokens", str(NEW),
               "--no-eos", "--device", device, "--dtype", dtype, "--out", out]
        for p in PROMPTS:
            cmd += ["--prompt", p]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return [o["tokens"] for o in json.load(open(out))["outputs"]]


def transformers_tokens(fixture, dtype, device):
    tok = AutoTokenizer.from_pretrained(fixture)
    model = AutoModelForCausalLM.from_pretrained(fixture, dtype=dtype, attn_implementation="eager").to(device)
    model.generation_config.eos_token_id = None
    out = []
    with torch.inference_mode():
        for p in PROMPTS:
            ids = tok(p, return_tensors="pt").input_ids.to(device)
            g = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=NEW, do_sample=False,
                               pad_token_id=0)
            out.append(g[0, ids.shape[1]:].tolist())
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--fixtures", default="")
    ap.add_argument("--device", default="cuda")
    args = ap.parse_args()
    names = args.fixtures.split(",") if args.fixtures else sorted(os.listdir(MODELS))
    failed = False
    print(f"{'fixture':<22}{'dtype':<10}{'prompts equal':>14}  first difference")
    for name in names:
        fixture = os.path.join(MODELS, name)
        for dtype, torch_dtype in (("float32", torch.float32), ("bfloat16", torch.bfloat16)):
            ours = layercut(args.build, fixture, dtype, args.device)
            theirs = transformers_tokens(fixture, torch_dtype, args.device)
            equal = sum(a == b for a, b in zip(ours, theirs))
            diffs = [next((t for t, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                     for a, b in zip(ours, theirs) if a != b]
            print(f"{name:<22}{dtype:<10}{equal:>8} of {len(PROMPTS)}  "
                  f"{'token ' + ', '.join(map(str, diffs)) if diffs else '-'}")
            if dtype == "float32" and equal != len(PROMPTS):
                failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
