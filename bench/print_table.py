#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints the side-by-side table of a benchmark run: JSON lines on stdin, ratios LayerCut / transformers."""
import json
import sys

rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
by = {}
for r in rows:
    by.setdefault(r["impl"], []).append(r)


def best(impl, key, lower):
    vals = [r[key] for r in by.get(impl, []) if r.get(key) is not None]
    return (min(vals) if lower else max(vals)) if vals else float("nan")


if any(r.get("mode") == "heal" for r in rows):  # the healing benchmark: throughput and memory
    GB = 1e9
    print(f"{'metric':<24}{'transformers':>14}{'LayerCut':>14}{'ratio':>9}")
    hf, lc = best("transformers", "tokens_per_second", False), best("layercut", "tokens_per_second", False)
    print(f"{'training tokens/s':<24}{hf:>14.0f}{lc:>14.0f}{lc / hf:>8.2f}x")
    # Memory: the ratio is LayerCut's share of transformers' (below 1 means LayerCut needs less).
    for label, key in (("peak memory (GB)", "peak_memory_bytes"), ("peak incl. load (GB)", "peak_memory_with_load_bytes")):
        hf, lc = best("transformers", key, True) / GB, best("layercut", key, True) / GB
        print(f"{label:<24}{hf:>14.2f}{lc:>14.2f}{lc / hf:>8.2f}x of memory")
    settings = {(r.get("impl"), r.get("quantization"), r.get("rank"), r.get("targets"), r.get("batch"), r.get("length"),
                 r.get("checkpointing"), r.get("peak_memory_scope", "timed steps")) for r in rows}
    for impl, quant, rank, targets, batch, length, ckpt, scope in sorted(settings, key=str):
        print(f"  {impl}: base {quant}, rank {rank} on {targets}, batch {batch} x {length}, "
              f"checkpointing {'on' if ckpt else 'off'}; peak over the {scope}")
    print(f"({len(rows)} runs, best of each; a tokens/s ratio above 1 means LayerCut is faster, "
          f"a memory ratio below 1 that it needs less)")
    sys.exit(0)

if any(r.get("mode") == "generate" for r in rows):  # the generation benchmark
    hf, lc = best("transformers", "tokens_per_second", False), best("layercut", "tokens_per_second", False)
    print(f"{'metric':<24}{'transformers':>14}{'LayerCut':>14}{'ratio':>9}")
    print(f"{'generated tokens/s':<24}{hf:>14.0f}{lc:>14.0f}{lc / hf:>8.2f}x")
    if by.get("transformers-no-cudnn-sdp"):
        hn = best("transformers-no-cudnn-sdp", "tokens_per_second", False)
        print(f"{'  peer without cuDNN SDPA':<24}{hn:>14.0f}{lc:>14.0f}{lc / hn:>8.2f}x")
    for r in rows[:1]:
        print(f"  {r['prompts']} prompts in batches of {r['batch']}, {r['max_new_tokens']} new tokens each, greedy; "
              f"transformers generate() left-padded, LayerCut's key/value cache")
    print(f"({len(rows)} runs, best of each; a ratio above 1 means LayerCut is faster)")
    sys.exit(0)

if any(r.get("mode") == "eval" for r in rows):  # the evaluation benchmark: k-shot MMLU throughput
    hf, lc = best("transformers", "questions_per_second", False), best("layercut", "questions_per_second", False)
    hb = best("transformers-batched", "questions_per_second", False)
    print(f"{'metric':<32}{'transformers':>14}{'LayerCut':>14}{'ratio':>9}")
    if by.get("transformers-batched"):
        print(f"{'MMLU questions/s (batched peer)':<32}{hb:>14.2f}{lc:>14.2f}{lc / hb:>8.2f}x")
        peer, ours = by["transformers-batched"][0], next((l for l in by.get("layercut", []) if "predictions" in l), None)
        if ours is None:
            print("  predictions: not compared")
        else:
            equal = sum(a == b for a, b in zip(peer["predictions"], ours["predictions"]))
            print(f"  predictions equal to the batched peer's: {equal} of {len(peer['predictions'])}")
            if "loglikelihoods" in peer and "loglikelihoods" in ours:
                # Where the two disagree, how far apart the two choices are in each one's scores: a flip of a near
                # tie by rounding (bfloat16 sums in another order), or a real difference.
                lp, lo = peer["loglikelihoods"], ours["loglikelihoods"]
                largest = max(abs(x - y) for a, b in zip(lp, lo) for x, y in zip(a, b))
                print(f"  largest |log-likelihood difference| of any choice: {largest:.4f}")
                gaps = [(abs(lp[i][p] - lp[i][o]), abs(lo[i][p] - lo[i][o]))
                        for i, (p, o) in enumerate(zip(peer["predictions"], ours["predictions"])) if p != o]
                if gaps:
                    print(f"  where they differ, the two choices lie within {max(g[0] for g in gaps):.4f} in the "
                          f"peer's scores and {max(g[1] for g in gaps):.4f} in LayerCut's")
    print(f"{'MMLU questions/s (one at a time)':<32}{hf:>14.2f}{lc:>14.2f}{lc / hf:>8.2f}x")
    for r in by.get("layercut", [])[:1]:
        if "tokenize_seconds" in r:
            print(f"  LayerCut: tokenising the prompts alone takes {r['tokenize_seconds']:.3f} s of {r['seconds']:.3f} s")
    for r in by.get("transformers", [])[:1]:
        print(f"  transformers: {r['questions']} questions, {r['shots']}-shot, {r['mean_prompt_tokens']:.0f} prompt "
              f"tokens on average, one pass per question ({r['forwards']} passes); accuracy {r['accuracy']:.3f}")
    for r in by.get("layercut", [])[:1]:
        print(f"  LayerCut: {r['questions']} questions, {r['shots']}-shot, {r['tokens_computed']} tokens computed, "
              f"prefix reuse {'on' if r['prefix_reuse'] else 'off'}, batches of {r['batch_tokens']} tokens; "
              f"accuracy {r['accuracy']:.3f}")
    print(f"({len(rows)} runs, best of each; a ratio above 1 means LayerCut is faster)")
    sys.exit(0)

metrics = [("load to GPU (s)", "load_seconds", True, 2), ("forward tokens/s", "tokens_per_second", False, 0)]
if any("sequences" in r for r in rows):  # the distance benchmark
    metrics = [("distances tokens/s", "tokens_per_second", False, 0)]
print(f"{'metric':<20}{'transformers':>14}{'LayerCut':>14}{'ratio':>9}")
for label, key, lower, digits in metrics:
    hf, lc = best("transformers", key, lower), best("layercut", key, lower)
    ratio = (hf / lc) if lower else (lc / hf)  # > 1 means LayerCut is better
    print(f"{label:<20}{hf:>14.{digits}f}{lc:>14.{digits}f}{ratio:>8.2f}x")
print(f"({len(rows)} runs, best of each; a ratio above 1 means LayerCut is faster)")
