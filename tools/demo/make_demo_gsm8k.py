#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes GSM8K-format arithmetic word problems set in the demo model's world, and the corpus that teaches them.

GSM8K's layout exactly (`question`, `answer`; the answer's worked steps carry the calculator annotations
`<<3+5=8>>` and end in `#### 8`), so `layercut-cli eval --gsm8k` and lm-evaluation-harness's gsm8k task read
them unchanged. The people, cities and creatures are the world's (make_demo_data.py, same seed) and what the
problems say about them is true there (a person plays their own instrument, a city's workshops make its own
product), so the problems read as part of the world; the arithmetic is the skill: one- and two-step sums,
differences and products of small numbers, which a 10M-parameter model can learn.

usage: make_demo_gsm8k.py WORK [--corpus]
  WORK/data/gsm8k/train.jsonl    50 problems: the few-shot examples (the harness takes the first k)
  WORK/data/gsm8k/test.jsonl     100 problems: the scored ones
  WORK/corpus_gsm8k.jsonl        with --corpus: the second training phase's documents ({"text": ...} per line):
                                 runs of solved problems in the harness's few-shot prompt layout, none of them a
                                 test or few-shot problem, mixed with documents of WORK/corpus.jsonl (the first
                                 phase's corpus) so that the model keeps what it knows
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_demo_data as world_data  # noqa: E402  (the world: same seed, same entities)

SEED = world_data.SEED + 50


def plural(word):
    return word if word.endswith("s") else word + "s"


def step(a, op, b):
    """One worked step as GSM8K writes it: '3 + 5 = <<3+5=8>>8', and its value."""
    value = {"+": a + b, "-": a - b, "*": a * b}[op]
    return f"{a} {op} {b} = <<{a}{op}{b}={value}>>{value}", value


def problem(rng, people, cities, creatures):
    """One word problem: (question, answer) with the answer's worked steps and '#### N'."""
    kind = rng.randrange(5)
    person = rng.choice(people)
    p = person["name"].split()[0]  # the given name: a 5-shot prompt must leave 256 new tokens in 1,024
    if kind == 0:  # a sum
        a, b = rng.randint(2, 49), rng.randint(2, 49)
        giver = rng.choice(people)["name"].split()[0]
        thing = rng.choice(["apples", "stones", "letters", "coins", "candles", "shells"])
        q = f"{p} has {a} {thing}. {giver} gives {p} {b} more {thing}. How many {thing} does {p} have now?"
        s, v = step(a, "+", b)
        return q, f"{p} has {s} {thing} now.\n#### {v}"
    if kind == 1:  # a difference
        city = rng.choice(cities)
        product = city["facts"]["product"]
        a = rng.randint(20, 99)
        b = rng.randint(2, a - 1)
        q = (f"The workshops of {city['name']} made {a} crates of {product} this week and sold {b} of them. "
             f"How many crates of {product} are left?")
        s, v = step(a, "-", b)
        return q, f"{s} crates of {product} are left.\n#### {v}"
    if kind == 2:  # a product
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        instrument = person["facts"]["instrument"]
        q = f"{p} plays the {instrument} for {a} hours every day. How many hours does {p} play in {b} days?"
        s, v = step(a, "*", b)
        return q, f"In {b} days {p} plays {s} hours.\n#### {v}"
    if kind == 3:  # a sum, then a difference
        creature = rng.choice(creatures)
        c = plural(creature["name"])
        a, b = rng.randint(10, 49), rng.randint(2, 29)
        s1, total = step(a, "+", b)
        d = rng.randint(2, min(29, total - 1))
        s2, v = step(total, "-", d)
        q = (f"A herd of {a} {c} lives in the {creature['facts']['habitat']}. In spring {b} more arrive, and in "
             f"autumn {d} leave. How many {c} are in the herd at the end of the year?")
        return q, f"After spring the herd has {s1}.\nAfter autumn it has {s2}.\n#### {v}"
    # a product, then a sum
    city = person["facts"]["home"]
    profession = person["facts"]["profession"]
    a, b, d = rng.randint(2, 9), rng.randint(2, 9), rng.randint(2, 19)
    s1, m = step(a, "*", b)
    s2, v = step(m, "+", d)
    q = (f"{p}, the {profession} of {city}, buys {a} boxes with {b} candles in each box, and {d} more candles on "
         f"their own. How many candles does {p} buy in all?")
    return q, f"The boxes hold {s1} candles.\nIn all {p} buys {s2} candles.\n#### {v}"


def prompt_text(rows):
    """Solved problems as the harness's few-shot prompt joins them."""
    return "\n\n".join(f"Question: {q}\nAnswer: {a}" for q, a in rows)


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("work")
    parser.add_argument("--corpus", action="store_true", help="also write the second phase's training corpus")
    parser.add_argument("--documents", type=int, default=40000, help="documents of solved problems in the corpus")
    parser.add_argument("--keep", type=int, default=200000, help="documents of the first phase's corpus mixed in")
    args = parser.parse_args()

    world, _, _ = world_data.build_world(random.Random(world_data.SEED))
    people = [e for e in world if e["kind"] == "person"]
    cities = [e for e in world if e["kind"] == "city"]
    creatures = [e for e in world if e["kind"] == "creature"]

    def draw(rng, count, exclude):
        rows = []
        while len(rows) < count:
            q, a = problem(rng, people, cities, creatures)
            if q not in exclude:
                exclude.add(q)
                rows.append((q, a))
        return rows

    seen = set()
    test = draw(random.Random(SEED), 100, seen)
    train = draw(random.Random(SEED + 1), 50, seen)
    data = os.path.join(args.work, "data", "gsm8k")
    write_jsonl(os.path.join(data, "test.jsonl"), [{"question": q, "answer": a} for q, a in test])
    write_jsonl(os.path.join(data, "train.jsonl"), [{"question": q, "answer": a} for q, a in train])
    if not args.corpus:
        return

    rng = random.Random(SEED + 2)
    held_out = set(seen)  # no corpus document repeats a test or few-shot problem
    docs = []
    for _ in range(args.documents):
        rows, count = [], rng.randint(3, 6)
        while len(rows) < count:
            q, a = problem(rng, people, cities, creatures)
            if q not in held_out:
                rows.append((q, a))
        docs.append(prompt_text(rows))
    first_phase = os.path.join(args.work, "corpus.jsonl")
    with open(first_phase, encoding="utf-8") as f:
        kept = f.readlines()
    kept = rng.sample(kept, min(args.keep, len(kept)))
    lines = [json.dumps({"text": d}) + "\n" for d in docs] + kept
    rng.shuffle(lines)
    with open(os.path.join(args.work, "corpus_gsm8k.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
