#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a traced run's time goes (a Chrome trace from LAYERCUT_TRACE or torch.profiler): GPU kernel time by
kernel, the GPU's busy share of the traced span, and the CPU operators that took longest.

usage: trace_summary.py TRACE.json [--top N]
"""
import argparse
import collections
import json


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    events = json.load(open(args.trace))["traceEvents"]
    kernels = [e for e in events if e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset") and "dur" in e]
    ops = [e for e in events if e.get("cat") == "cpu_op" and "dur" in e]
    if not kernels:
        print("no GPU kernels in the trace")
        return
    start = min(e["ts"] for e in kernels + ops)
    end = max(e["ts"] + e["dur"] for e in kernels + ops)
    busy = sum(e["dur"] for e in kernels)
    print(f"traced span {(end - start) / 1e3:.1f} ms, GPU busy {busy / 1e3:.1f} ms ({100 * busy / (end - start):.0f} %), "
          f"{len(kernels)} kernels, {len(ops)} CPU operators")
    by_kernel = collections.defaultdict(lambda: [0.0, 0])
    for e in kernels:
        k = by_kernel[e["name"][:110]]
        k[0] += e["dur"]
        k[1] += 1
    print(f"\n{'GPU ms':>9} {'share':>6} {'calls':>6}  kernel")
    for name, (dur, n) in sorted(by_kernel.items(), key=lambda x: -x[1][0])[: args.top]:
        print(f"{dur / 1e3:9.1f} {100 * dur / busy:5.1f}% {n:6d}  {name}")
    by_op = collections.defaultdict(lambda: [0.0, 0])
    for e in ops:
        k = by_op[e["name"]]
        k[0] += e["dur"]
        k[1] += 1
    print(f"\n{'CPU ms':>9} {'calls':>6}  operator (inclusive)")
    for name, (dur, n) in sorted(by_op.items(), key=lambda x: -x[1][0])[: args.top]:
        print(f"{dur / 1e3:9.1f} {n:6d}  {name}")


if __name__ == "__main__":
    main()
