#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Draws the injection experiment's table (tools/demo/injection_experiment.sh prints it) as an SVG bar chart:
per run, MMLU accuracy on the new facts and on the old ones (forgetting), the model before as the first group.

usage: injection_chart.py TABLE.md OUT.svg [LR ...]      (the learning rates to draw; default: all)
"""
import sys


def rows(path, rates):
    out = []
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or cells[0] in ("method", "---") or cells[0].startswith("-"):
            continue
        method, lr = cells[0], cells[1]
        if lr != "–" and rates and lr not in rates:
            continue
        label = method if lr == "–" else f"{method}, lr {lr}"
        out.append((label, float(cells[4]), float(cells[6])))
    return out


def svg(data):
    width, height, left, top, bottom = 980, 400, 60, 50, 110
    plot_h = height - top - bottom
    group = (width - left - 20) / len(data)
    bar = group * 0.32
    y = lambda v: top + plot_h * (1 - v / 100)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="DejaVu Sans, sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">Knowledge injection into the demo '
             f'model: MMLU-format accuracy, 96 questions on new facts, 280 on old ones</text>']
    for v in range(0, 101, 20):
        parts.append(f'<line x1="{left}" x2="{width - 20}" y1="{y(v)}" y2="{y(v)}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4}" text-anchor="end">{v}%</text>')
    parts.append(f'<line x1="{left}" x2="{width - 20}" y1="{y(25)}" y2="{y(25)}" stroke="#888" '
                 f'stroke-dasharray="4 3"/><text x="{left + 4}" y="{y(25) - 4}" fill="#666">chance</text>')
    for i, (label, new, old) in enumerate(data):
        x = left + i * group + group * 0.16
        for j, (value, colour) in enumerate(((new, "#2e9d5b"), (old, "#5e7fc4"))):
            bx = x + j * bar
            parts.append(f'<rect x="{bx:.1f}" y="{y(value):.1f}" width="{bar - 2:.1f}" '
                         f'height="{y(0) - y(value):.1f}" fill="{colour}"/>')
            parts.append(f'<text x="{bx + bar / 2 - 1:.1f}" y="{y(value) - 4:.1f}" text-anchor="middle" '
                         f'font-size="10">{value:.0f}</text>')
        words, lines = label.split(" "), [""]
        for w in words:  # wrap under the group
            if len(lines[-1]) + len(w) > 16:
                lines.append("")
            lines[-1] = (lines[-1] + " " + w).strip()
        for k, text in enumerate(lines):
            parts.append(f'<text x="{x + bar:.1f}" y="{y(0) + 16 + 14 * k:.1f}" text-anchor="middle" '
                         f'font-size="11">{text}</text>')
    ly = height - 22
    parts.append(f'<rect x="{left}" y="{ly - 10}" width="12" height="12" fill="#2e9d5b"/>'
                 f'<text x="{left + 18}" y="{ly}">new facts (injected)</text>'
                 f'<rect x="{left + 190}" y="{ly - 10}" width="12" height="12" fill="#5e7fc4"/>'
                 f'<text x="{left + 208}" y="{ly}">old facts (forgetting)</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    data = rows(sys.argv[1], set(sys.argv[3:]))
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(svg(data))


if __name__ == "__main__":
    main()
