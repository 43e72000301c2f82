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
With --batched it is the strongest transformers form of LayerCut's own algorithm instead: every subject's
few-shot prefix runs once (all of them in passes of up to --batch-tokens, left-padded) into a DynamicCache;
then the questions of all subjects, longest first, in batches of up to --batch-tokens suffix tokens, each
row reading its own subject's cache rows, positions after its own prefix, an attention mask over prefix and
suffix, lm_head on each row's last real position only. It runs once untimed, then --repeat times timed.
usage: hf_mmlu.py MODEL_DIR --data DIR [--shots 5] [--questions N] [--warmup 3] [--batched [--batch-tokens N]]
prints one JSON line
"""
import argparse
import csv
import json
import os
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, DynamicCache

LETTERS = ["A", "B", "C", "D"]


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [{"question": r[0], "choices": r[1:5], "answer": "ABCD".index(r[5].strip())} for r in csv.reader(f) if r]


def doc_to_text(row):
    return row["question"].strip() + "".join(f"\n{L}. {c}" for L, c in zip(LETTERS, row["choices"])) + "\nAnswer:"


def questions_of(data, shots, with_prefix=False):
    """(context, answer) of every test question, subjects in alphabetical order, as the release layout has them
    (with_prefix: (prefix, question text, answer))."""
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
        rows = read_rows(os.path.join(root, "test", name))
        out += [(prefix, doc_to_text(r), r["answer"]) if with_prefix else (prefix + doc_to_text(r), r["answer"])
                for r in rows]
    return out


class Phases:
    """Seconds per phase when profiling (a device synchronisation closes each), else nothing."""

    def __init__(self, on):
        self.on, self.seconds, self.last = on, {}, time.perf_counter()

    def __call__(self, name):
        if self.on:
            torch.cuda.synchronize()
            now = time.perf_counter()
            self.seconds[name] = self.seconds.get(name, 0.0) + now - self.last
            self.last = now


def batched_scores(model, tokenizer, items, batch_tokens, phase=Phases(False)):
    """Predictions of (prefix, question, answer) items, LayerCut's algorithm in transformers: every distinct
    prefix (one per subject) runs once, left-padded, in passes of up to batch_tokens into a DynamicCache;
    then all questions, longest first, in batches of up to batch_tokens suffix tokens, each row reading the
    cache rows of its own subject (gathered per batch), positions after its own prefix, lm_head on each
    row's last real position only."""
    prefixes = sorted({p for p, _, _ in items})
    index = {p: i for i, p in enumerate(prefixes)}
    # The fast tokenizer's batch call: Rust, on every core.
    prefix_ids = tokenizer(prefixes, add_special_tokens=True)["input_ids"]
    encoded = tokenizer([p + q for p, q, _ in items], add_special_tokens=True)["input_ids"]
    first = encoded[0]
    letters = [tokenizer.encode(items[0][0] + items[0][1] + " " + L, add_special_tokens=True)[len(first):]
               for L in LETTERS]
    if not all(len(c) == 1 for c in letters):
        sys.exit("hf_mmlu.py --batched: the letters must be one token each after the context")
    letters = torch.tensor([c[0] for c in letters], device="cuda")
    suffixes = []
    for (p, _, _), e in zip(items, encoded):
        ids = prefix_ids[index[p]]
        if e[: len(ids)] != ids:
            sys.exit("hf_mmlu.py --batched: a prompt's tokens do not start with its prefix's")
        suffixes.append(e[len(ids):])
    phase("tokenize")
    stats = {"forwards": 0, "tokens": sum(map(len, prefix_ids)) + sum(map(len, suffixes))}
    # All prefixes, left-padded to the longest: positions count real tokens only.
    P = max(map(len, prefix_ids))
    S = len(prefixes)
    ids = torch.zeros((S, P), dtype=torch.long)
    pmask = torch.zeros((S, P), dtype=torch.long)
    for i, t in enumerate(prefix_ids):
        ids[i, P - len(t):] = torch.tensor(t)
        pmask[i, P - len(t):] = 1
    ids, pmask = ids.cuda(), pmask.cuda()
    lengths = pmask.sum(1)
    keys = [[] for _ in range(model.config.num_hidden_layers)]
    values = [[] for _ in range(model.config.num_hidden_layers)]
    step = max(1, batch_tokens // P)
    for i in range(0, S, step):
        cache = DynamicCache()
        m = pmask[i:i + step]
        model.model(input_ids=ids[i:i + step], attention_mask=m, position_ids=(m.cumsum(1) - 1).clamp(min=0),
                    past_key_values=cache, use_cache=True)
        stats["forwards"] += 1
        for layer in range(len(keys)):
            k, v = cache_layer(cache, layer)
            keys[layer].append(k)
            values[layer].append(v)
    keys = [torch.cat(k) for k in keys]
    values = [torch.cat(v) for v in values]
    phase("prefix pass")
    order = sorted(range(len(items)), key=lambda i: -len(suffixes[i]))
    scores = [None] * len(items)
    i = 0
    while i < len(order):
        T = len(suffixes[order[i]])
        j = i
        while j < len(order) and (j - i + 1) * T <= max(batch_tokens, T):
            j += 1
        rows = order[i:j]
        B = len(rows)
        subject = torch.tensor([index[items[r][0]] for r in rows], device="cuda")
        sids = torch.zeros((B, T), dtype=torch.long)
        smask = torch.zeros((B, T), dtype=torch.long)
        last = []
        for b, r in enumerate(rows):
            n = len(suffixes[r])
            sids[b, :n] = torch.tensor(suffixes[r])
            smask[b, :n] = 1
            last.append(n - 1)
        sids, smask = sids.cuda(), smask.cuda()
        mask = torch.cat([pmask[subject], smask], 1)
        positions = lengths[subject].unsqueeze(1) + torch.arange(T, device="cuda").unsqueeze(0)
        cache = DynamicCache()
        for layer in range(len(keys)):
            cache.update(keys[layer][subject], values[layer][subject], layer)
        phase("batch building")
        hidden = model.model(input_ids=sids, attention_mask=mask, position_ids=positions, past_key_values=cache,
                             use_cache=True).last_hidden_state
        picked = hidden[torch.arange(B, device="cuda"), torch.tensor(last, device="cuda")]
        logprobs = torch.log_softmax(model.lm_head(picked).float(), dim=-1)[:, letters]
        stats["forwards"] += 1
        phase("question pass")
        for b, r in enumerate(rows):
            scores[r] = logprobs[b]
        i = j
    return [s.argmax() for s in scores], stats, scores


def cache_layer(cache, layer):
    """Keys and values of one layer of a DynamicCache: transformers 5 keeps layer objects, 4 kept lists."""
    if hasattr(cache, "layers"):
        return cache.layers[layer].keys, cache.layers[layer].values
    return cache.key_cache[layer], cache.value_cache[layer]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--data", required=True, help="MMLU release layout (DIR/data/dev, DIR/data/test)")
    ap.add_argument("--shots", type=int, default=5)
    ap.add_argument("--questions", type=int, default=0, help="questions timed (0: all)")
    ap.add_argument("--warmup", type=int, default=3, help="questions run before the timing")
    ap.add_argument("--batched", action="store_true", help="prefix cache repeated over batches of questions")
    ap.add_argument("--batch-tokens", type=int, default=16384, help="suffix tokens per batched pass")
    ap.add_argument("--profile", action="store_true", help="--batched: seconds per phase (synchronising)")
    ap.add_argument("--dtype", default="bfloat16", help="bfloat16 or float32")
    ap.add_argument("--repeat", type=int, default=3, help="--batched: timed runs after the untimed one (best)")
    args = ap.parse_args()
    torch.cuda.init()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=getattr(torch, args.dtype), device_map="cuda",
                                                 attn_implementation="sdpa")
    model.eval()
    window = model.config.max_position_embeddings
    if args.batched:
        items = questions_of(args.data, args.shots, with_prefix=True)[: args.questions or None]
        with torch.inference_mode():
            batched_scores(model, tokenizer, items, args.batch_tokens)  # warm-up: every shape once
            runs = []
            for _ in range(args.repeat):
                torch.cuda.synchronize()
                start = time.perf_counter()
                phase = Phases(args.profile)
                predictions, stats, scores = batched_scores(model, tokenizer, items, args.batch_tokens, phase)
                predictions = torch.stack(predictions).tolist()
                runs.append(time.perf_counter() - start)
                if args.profile:
                    print("phases (s): " + ", ".join(f"{k} {v:.3f}" for k, v in phase.seconds.items()),
                          file=sys.stderr)
            seconds = min(runs)
        correct = sum(p == a for p, (_, _, a) in zip(predictions, items))
        print(json.dumps({"impl": "transformers-batched", "mode": "eval", "questions_per_second": len(items) / seconds,
                          "questions": len(items), "mean_prompt_tokens": stats["tokens"] / len(items),
                          "seconds": seconds, "forwards": stats["forwards"], "shots": args.shots,
                          "accuracy": correct / len(items), "runs_seconds": runs, "predictions": predictions,
                          "loglikelihoods": [[round(x, 5) for x in s.tolist()] for s in scores]}))
        return
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
