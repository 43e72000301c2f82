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
    vals = [r[key] for r in by.get(impl, [])]
    return (min(vals) if lower else max(vals)) if vals else float("nan")


metrics = [("load to GPU (s)", "load_seconds", True, 2), ("forward tokens/s", "tokens_per_second", False, 0)]
if any("sequences" in r for r in rows):  # the distance benchmark
    metrics = [("distances tokens/s", "tokens_per_second", False, 0)]
print(f"{'metric':<20}{'transformers':>14}{'LayerCut':>14}{'ratio':>9}")
for label, key, lower, digits in metrics:
    hf, lc = best("transformers", key, lower), best("layercut", key, lower)
    ratio = (hf / lc) if lower else (lc / hf)  # > 1 means LayerCut is better
    print(f"{label:<20}{hf:>14.{digits}f}{lc:>14.{digits}f}{ratio:>8.2f}x")
print(f"({len(rows)} runs, best of each; a ratio above 1 means LayerCut is faster)")
