#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transformers side of the generation benchmark: greedy generate() tokens/s (bf16, sdpa, cuda).

The prompts (JSON Lines, a `prompt` field each) in batches of --batch, left-padded as generate() wants,
each continued by exactly --max-new-tokens tokens (min_new_tokens = max_new_tokens, no end-of-sequence
stop), do_sample=False with the static defaults of generate(). Tokenisation is timed with the generation.
usage: hf_generate.py MODEL_DIR --prompts FILE.jsonl [--batch 32] [--max-new-tokens 128] [--no-cudnn-sdp]
       prints one JSON line. --no-cudnn-sdp keeps SDPA off cuDNN's kernels, which plan every new key length
       afresh (milliseconds of host time per decode step's attention call, measured with libtorch 2.11): the
       stronger peer, and what LayerCut does while generating.
"""
import argparse
import json
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--prompts", required=True)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--no-cudnn-sdp", action="store_true")
    args = ap.parse_args()
    if args.no_cudnn_sdp:
        torch.backends.cuda.enable_cudnn_sdp(False)
    prompts = [json.loads(line)["prompt"] for line in open(args.prompts, encoding="utf-8") if line.strip()]
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.convert_ids_to_tokens(0)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16, device_map="cuda",
                                                 attn_implementation="sdpa")
    model.eval()
    n = args.max_new_tokens

    def run(batch_prompts, new_tokens):
        enc = tokenizer(batch_prompts, return_tensors="pt", padding=True).to("cuda")
        out = model.generate(**enc, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                             pad_token_id=tokenizer.pad_token_id)
        return out[:, enc["input_ids"].shape[1]:]

    with torch.inference_mode():
        run(prompts[: args.batch], 4)  # warm-up
        torch.cuda.synchronize()
        start = time.perf_counter()
        generated = 0
        for i in range(0, len(prompts), args.batch):
            generated += run(prompts[i:i + args.batch], n).numel()
        torch.cuda.synchronize()
        seconds = time.perf_counter() - start
    impl = "transformers-no-cudnn-sdp" if args.no_cudnn_sdp else "transformers"
    print(json.dumps({"impl": impl, "mode": "generate", "tokens_per_second": generated / seconds,
                      "prompts": len(prompts), "batch": args.batch, "max_new_tokens": n,
                      "generated_tokens": generated, "seconds": seconds}))


if __name__ == "__main__":
    main()
