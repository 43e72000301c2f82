#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Draws the per-layer importance probe of both kinds (a `layercut-cli sweep --per-layer --inject-steps K` result
file) as an SVG bar chart: per layer, the MMLU accuracy lost when the layer is dropped alone, and the accuracy on
the injected facts gained by a new block inserted after the layer and trained alone.

usage: importance_chart.py IMPORTANCE.json OUT.svg
"""
import json
import sys


def series(result):
    """(layers, whole-model point, {layer: removal point}, {layer: insertion point})."""
    whole, removed, inserted = None, {}, {}
    for p in result["points"]:
        if p.get("inserted_after") is not None:
            inserted[p["inserted_after"]] = p
        elif not p["dropped_layers"]:
            whole = p
        else:
            removed[p["dropped_layers"][0]] = p
    if whole is None or whole.get("mmlu") is None or whole.get("injected_mmlu") is None:
        sys.exit("the file has no whole-model point with MMLU on old and on injected facts")
    return result["layers"], whole, removed, inserted


def svg(result):
    layers, whole, removed, inserted = series(result)
    lost = {i: 100 * (whole["mmlu"] - p["mmlu"]) for i, p in removed.items() if p.get("mmlu") is not None}
    gained = {i: 100 * (p["injected_mmlu"] - whole["injected_mmlu"]) for i, p in inserted.items()
              if p.get("injected_mmlu") is not None}
    values = list(lost.values()) + list(gained.values()) + [0.0]
    lo, hi = min(values), max(values)
    step = 10 if hi - lo > 30 else 5
    lo, hi = step * ((lo // step) - (1 if lo < 0 else 0)), step * (hi // step + 1)
    width, height, left, top, bottom = 980, 420, 64, 70, 90
    plot_w, plot_h = width - left - 20, height - top - bottom
    y = lambda v: top + plot_h * (hi - v) / (hi - lo)
    group = plot_w / layers
    bar = group * 0.36
    settings = result.get("settings", {})
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="DejaVu Sans, sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">Per-layer importance of the demo '
             f'model, both kinds (Llama SLayer\'s probe)</text>',
             f'<text x="{width / 2}" y="42" text-anchor="middle" fill="#444">whole model: MMLU '
             f'{100 * whole["mmlu"]:.1f}%, on the new facts {100 * whole["injected_mmlu"]:.1f}%; each new block '
             f'trained alone for {settings.get("inject_steps", "?")} steps at lr {settings.get("heal_learning_rate", "?"):g} '
             f'({settings.get("inject_init", "average")} initialisation)</text>']
    v = lo
    while v <= hi:
        parts.append(f'<line x1="{left}" x2="{width - 20}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="{"#888" if v == 0 else "#ddd"}"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
        v += step
    parts.append(f'<text transform="translate(16 {top + plot_h / 2}) rotate(-90)" text-anchor="middle">'
                 f'percentage points</text>')
    for i in range(layers):
        x = left + i * group + (group - 2 * bar) / 2
        for j, (value, colour) in enumerate(((lost.get(i), "#e6550d"), (gained.get(i), "#2ca02c"))):
            if value is None:
                continue
            bx = x + j * bar
            top_y, bottom_y = min(y(value), y(0)), max(y(value), y(0))
            parts.append(f'<rect x="{bx:.1f}" y="{top_y:.1f}" width="{bar - 1:.1f}" '
                         f'height="{bottom_y - top_y:.1f}" fill="{colour}"/>')
            label_y = top_y - 4 if value >= 0 else bottom_y + 11
            parts.append(f'<text x="{bx + bar / 2:.1f}" y="{label_y:.1f}" text-anchor="middle" '
                         f'font-size="9">{value:.0f}</text>')
        parts.append(f'<text x="{x + bar:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{i}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{top + plot_h + 34}" text-anchor="middle">layer</text>')
    ly = height - 18
    parts.append(f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="#e6550d"/>'
                 f'<text x="{left + 18}" y="{ly}">MMLU accuracy lost when the layer is dropped alone</text>'
                 f'<rect x="{left + 400}" y="{ly - 10}" width="12" height="12" fill="#2ca02c"/>'
                 f'<text x="{left + 418}" y="{ly}">MMLU accuracy on new facts gained by a block inserted after it '
                 f'and trained</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        result = json.load(f)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(svg(result))


if __name__ == "__main__":
    main()
