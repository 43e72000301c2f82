#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transformers side of the evaluation benchmark: k-shot MMLU questions per second (bf16, sdpa, cuda).

A plain loop as a harness user would write it around transformers, one question at a time: build the
lm-evaluation-harness prompt (description, the first k dev rows solved, the question, "Answer:"), tokenise
it as the harness does (context and context + " A" .. " D" jointly, BOS as the tokenizer adds it), and
  - when each letter is one token after the context (the common case, and Llama 3's), run ONE forward pass
    of the context ids and read the four letters from the log-softmax at its last position (lm_head on that
    position only: logits_to_keep=1);
  - otherwise, one pass per choice of (context + continuation)[:-1], summing the continuation's log-probs.
The prompt is left-truncated to max_position_embeddings as the harness does. Tokenisation is timed with the
passes (LayerCut's evaluation time includes its tokenisation too); reading the CSV files is not.
usage: hf_mmlu.py MODEL_DIR --data DIR [--shots 5] [--questions N] [--warmup 3]     prints one JSON line
"""
import argparse
import csv
import json
import os
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

LETTERS = ["A", "B", "C", "D"]


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [{"question": r[0], "choices": r[1:5], "answer": "ABCD".index(r[5].strip())} for r in csv.reader(f) if r]


def doc_to_text(row):
    return row["question"].strip() + "".join(f"\n{L}. {c}" for L, c in zip(LETTERS, row["choices"])) + "\nAnswer:"


def questions_of(data, shots):
    """(context, answer) of every test question, subjects in alphabetical order, as the release layout has them."""
    root = os.path.join(data, "data") if os.path.isdir(os.path.join(data, "data", "test")) else data
    out = []
    for name in sorted(os.listdir(os.path.join(root, "test"))):
        if not name.endswith("_test.csv"):
            continue
        subject = name[: -len("_test.csv")]
        dev = read_rows(os.path.join(root, "dev", subject + "_dev.csv"))[:shots]
        if len(dev) < shots:
            sys.exit(f"{subject}: {len(dev)} dev rows, fewer than {shots} shots")
        prefix = f"The following are multiple choice questions (with answers) about {subject.replace('_', ' ')}.\n\n"
        prefix += "".join(doc_to_text(r) + " " + LETTERS[r["answer"]] + "\n\n" for r in dev)
        out += [(prefix + doc_to_text(r), r["answer"]) for r in read_rows(os.path.join(root, "test", name))]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--data", required=True, help="MMLU release layout (DIR/data/dev, DIR/data/test)")
    ap.add_argument("--shots", type=int, default=5)
    ap.add_argument("--questions", type=int, default=0, help="questions timed (0: all)")
    ap.add_argument("--warmup", type=int, default=3, help="questions run before the timing")
    args = ap.parse_args()
    torch.cuda.init()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16, device_map="cuda",
                                                 attn_implementation="sdpa")
    model.eval()
    window = model.config.max_position_embeddings
    questions = questions_of(args.data, args.shots)
    timed = questions[: args.questions or None]
    if not timed:
        sys.exit(f"{args.data}: no test questions")
    stats = {"forwards": 0, "tokens": 0, "single_token": 0}

    def encode(text):
        return tokenizer.encode(text, add_special_tokens=True)

    def score(context):
        context_enc = encode(context)
        conts = [encode(context + " " + L)[len(context_enc):] for L in LETTERS]
        stats["tokens"] += len(context_enc)
        if all(len(c) == 1 for c in conts):
            stats["single_token"] += 1
            stats["forwards"] += 1
            ids = torch.tensor([context_enc[-window:]], device="cuda")
            logits = model(input_ids=ids, use_cache=False, logits_to_keep=1).logits[0, -1]
            logprobs = torch.log_softmax(logits.float(), dim=-1)
            return logprobs[torch.tensor([c[0] for c in conts], device="cuda")]
        lls = []
        for c in conts:
            inp = (context_enc + c)[-(window + 1):][:-1]
            stats["forwards"] += 1
            logits = model(input_ids=torch.tensor([inp], device="cuda"), use_cache=False).logits[0, -len(c):]
            logprobs = torch.log_softmax(logits.float(), dim=-1)
            lls.append(logprobs.gather(1, torch.tensor(c, device="cuda").unsqueeze(1)).sum())
        return torch.stack(lls)

    with torch.inference_mode():
        for context, _ in questions[: args.warmup]:
            score(context).argmax().item()
        torch.cuda.synchronize()
        stats.update(forwards=0, tokens=0, single_token=0)
        start = time.perf_counter()
        predictions = [score(context).argmax() for context, _ in timed]
        predictions = torch.stack(predictions).tolist()  # one synchronisation at the end, as the GPU queue allows
        seconds = time.perf_counter() - start
    if stats["single_token"] < len(timed):
        print(f"hf_mmlu.py: the letters are not one token each after {len(timed) - stats['single_token']} "
              f"contexts; those ran one pass per choice", file=sys.stderr)
    correct = sum(p == a for p, (_, a) in zip(predictions, timed))
    print(json.dumps({"impl": "transformers", "mode": "eval", "questions_per_second": len(timed) / seconds,
                      "questions": len(timed), "mean_prompt_tokens": stats["tokens"] / len(timed),
                      "seconds": seconds, "forwards": stats["forwards"], "shots": args.shots,
                      "accuracy": correct / len(timed), "warmup_questions": min(args.warmup, len(questions))}))


if __name__ == "__main__":
    main()
