#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transformers side of the distance benchmark: the same computation as `layercut-cli distances`.

Residual states from `output_hidden_states` (block inputs) plus a hook for the last block's raw output
(before the final norm), of the base model only (no lm_head); per token the float64 Gram of the L+1 states;
sums of arccos/π at the last token, over all tokens, and of adjacent cosines (Block Influence).
usage: hf_distances.py MODEL_DIR [--batch 8] [--length 2048] [--iters 4]   prints one JSON line
"""
import argparse
import json
import math
import time

import torch
from transformers import AutoModelForCausalLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--length", type=int, default=2048)
    ap.add_argument("--iters", type=int, default=4)
    args = ap.parse_args()
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16, device_map="cuda",
                                                 attn_implementation="sdpa").eval()
    L = model.config.num_hidden_layers
    S = L + 1
    last = {}
    model.model.layers[-1].register_forward_hook(
        lambda m, a, out: last.__setitem__("x", out[0] if isinstance(out, tuple) else out))
    g = torch.Generator(device="cuda").manual_seed(0)

    def batch_sums(ids):
        out = model.model(input_ids=ids, output_hidden_states=True, use_cache=False)
        states = torch.stack(list(out.hidden_states[:L]) + [last["x"]], dim=2)  # (B, T, S, H)
        B, T, _, H = states.shape
        states = states.reshape(B * T, S, H).float()
        sum_all = torch.zeros(S, S, dtype=torch.float64, device="cuda")
        sum_cos = torch.zeros_like(sum_all)
        chunk = max(1, (1 << 30) // (S * H * 8))
        for i in range(0, B * T, chunk):
            x = states[i:i + chunk].double()
            gram = x @ x.transpose(1, 2)
            norm = gram.diagonal(dim1=1, dim2=2).sqrt().clamp_min(1e-300)
            cos = (gram / (norm[:, :, None] * norm[:, None, :])).clamp(-1, 1)
            sum_all += (torch.acos(cos) / math.pi).sum(0)
            sum_cos += cos.sum(0)
        x = states.view(B, T, S, H)[:, -1].double()
        gram = x @ x.transpose(1, 2)
        norm = gram.diagonal(dim1=1, dim2=2).sqrt().clamp_min(1e-300)
        sum_last = (torch.acos((gram / (norm[:, :, None] * norm[:, None, :])).clamp(-1, 1)) / math.pi).sum(0)
        return sum_last.cpu(), sum_all.cpu(), sum_cos.cpu()

    with torch.inference_mode():
        batch_sums(torch.randint(model.config.vocab_size, (args.batch, args.length), device="cuda", generator=g))
        torch.cuda.synchronize()
        start = time.perf_counter()
        total = None
        for _ in range(args.iters):
            ids = torch.randint(model.config.vocab_size, (args.batch, args.length), device="cuda", generator=g)
            sums = batch_sums(ids)
            total = sums if total is None else tuple(a + b for a, b in zip(total, sums))
        torch.cuda.synchronize()
        seconds = time.perf_counter() - start
    n = args.batch * args.iters
    d1 = [total[0][l, l + 1].item() / n for l in range(L)]
    print(json.dumps({"impl": "transformers", "batch": args.batch, "length": args.length, "sequences": n,
                      "seconds": seconds, "tokens_per_second": n * args.length / seconds, "d_1_best": min(d1)}))


if __name__ == "__main__":
    main()
