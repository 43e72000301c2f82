#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transformers side of the forward benchmark: load time to the GPU and forward tokens/s (sdpa, bf16).

usage: hf_forward.py MODEL_DIR [--batch 8] [--length 2048] [--iters 5]   prints one JSON line
"""
import argparse
import json
import time

import torch
from transformers import AutoModelForCausalLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--length", type=int, default=2048)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    args = ap.parse_args()
    torch.cuda.init()
    start = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16, device_map="cuda",
                                                 attn_implementation="sdpa")
    torch.cuda.synchronize()
    load = time.perf_counter() - start
    model.eval()
    g = torch.Generator(device="cuda").manual_seed(0)
    ids = torch.randint(model.config.vocab_size, (args.batch, args.length), device="cuda", generator=g)
    with torch.inference_mode():
        for _ in range(args.warmup):
            model(input_ids=ids, use_cache=False).logits[0, 0, 0].item()
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(args.iters):
            logits = model(input_ids=ids, use_cache=False).logits
        logits[0, 0, 0].item()
        torch.cuda.synchronize()
        per_iter = (time.perf_counter() - start) / args.iters
    print(json.dumps({"impl": "transformers", "load_seconds": load, "batch": args.batch, "length": args.length,
                      "iterations": args.iters, "seconds_per_iteration": per_iter,
                      "tokens_per_second": args.batch * args.length / per_iter}))


if __name__ == "__main__":
    main()
