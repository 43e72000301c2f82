#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks `layercut-cli eval` against an lm-evaluation-harness-style reference in transformers (GPU machine).

The reference is written here, since the lm_eval package is not on the GPU machine: the harness's prompts for
the default `mmlu` task (description, the first k dev rows as solved examples, "Answer:") and for `boolq`
("{passage}\\nQuestion: {question}?\\nAnswer:"), its `_encode_pair` (trailing spaces of the context move to the
continuation; context and continuation tokenised jointly, the continuation being what follows the context's
own tokens; BOS as the tokenizer adds it) and its `_loglikelihood_tokens` for a causal LM (input
(context + continuation)[-(max_length + 1):][:-1], log_softmax, the continuation's log-probs summed in float32;
max_length = the config's max_position_embeddings unless given), with AutoTokenizer and
AutoModelForCausalLM in float32 from the fixture folder.

For every fixture family, on the fixtures' tiny MMLU and BoolQ files and on a larger synthetic set written
here (seeded), `layercut-cli eval --dtype float32` must give every question the same prediction and each
choice a log-likelihood within 1e-3 (absolute). Further runs: `--drop 2:4` (against transformers with those
layers deleted), no prefix reuse with small batches (right padding), a window shorter than the 5-shot prompts
(left truncation), MMLU as JSON Lines with `--limit`, and BoolQ k-shot (`--boolq-shots`: the file's first k
rows as solved examples, with and without the shared prefix's reuse). A tokens column compares a few prompts' ids from
AutoTokenizer with `layercut-cli tokenize --add-special`, so a tokenizer difference shows as such.
usage: check_eval_transformers.py BUILD_DIR [--device cuda|cpu]      prints a table; exits 1 when a check fails
       check_eval_transformers.py BUILD_DIR --model DIR --mmlu DIR --boolq FILE [--shots K] [--boolq-shots K]
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from transformers.utils import logging as hf_logging

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "models")
FIXTURE_MMLU = os.path.join(ROOT, "tests", "fixtures", "data", "mmlu")
FIXTURE_BOOLQ = os.path.join(ROOT, "tests", "fixtures", "data", "boolq_tiny.jsonl")
TOLERANCE = 1e-3  # absolute, on each choice's summed log-likelihood
# Two choices closer than this in the reference are a tie that float32 rounding may break either way; a
# different prediction there is reported, not failed.
TIE = 1e-5
MMLU_CHOICES = ["A", "B", "C", "D"]
BOOLQ_CHOICES = ["no", "yes"]
TARGET_DELIMITER = " "  # the harness's defaults
FEWSHOT_DELIMITER = "\n\n"
FAMILIES = ["llama3_gqa_sharded", "llama2_spm_classic", "mistral_bf16", "qwen2_tied_f16", "qwen3_qknorm"]
# The fixtures' window is 256 tokens (max_position_embeddings), so the default runs use 2 shots.
CASES = ([{"fixture": f, "data": "fixture"} for f in FAMILIES]
         + [{"fixture": f, "data": "synthetic"} for f in FAMILIES]
         + [{"fixture": "llama3_gqa_sharded", "data": "synthetic", "drop": (2, 4)},
            {"fixture": "qwen3_qknorm", "data": "fixture", "drop": (2, 4)},
            {"fixture": "qwen2_tied_f16", "data": "synthetic", "cli": ["--no-prefix-reuse", "--batch-tokens", "400"]},
            {"fixture": "llama2_spm_classic", "data": "synthetic", "shots": 5, "max_length": 96},
            {"fixture": "mistral_bf16", "data": "synthetic-jsonl", "limit": 5},
            {"fixture": "llama3_gqa_sharded", "data": "synthetic", "boolq_shots": 3},
            {"fixture": "llama2_spm_classic", "data": "synthetic", "boolq_shots": 2, "cli": ["--no-prefix-reuse"]},
            # Sliding windows of 4 tokens under prompts of hundreds: the prefix cache is cut as transformers cuts.
            {"fixture": "mistral_window", "data": "synthetic"},
            {"fixture": "qwen2_window", "data": "fixture", "drop": (2, 4)},
            {"fixture": "qwen2_window", "data": "synthetic", "cli": ["--no-prefix-reuse"]},
            {"fixture": "olmo2_postnorm", "data": "synthetic"},
            {"fixture": "smollm3_nope", "data": "synthetic", "drop": (2, 4)},
            # Soft-capped attention over the prefix cache and soft-capped logits; local/global RoPE bases.
            {"fixture": "gemma2_softcap", "data": "synthetic"},
            {"fixture": "gemma3_text", "data": "synthetic", "drop": (2, 4)},
            # LongRoPE's long factors past 4 positions, in the prefix cache and the suffixes; fused projections.
            {"fixture": "phi3_longrope", "data": "synthetic"},
            {"fixture": "phi3_longrope", "data": "fixture", "drop": (2, 4), "cli": ["--no-prefix-reuse"]}])


# ---------------------------------------------------------------------------------------------------------
# Data: the MMLU release layout (data/dev, data/test; CSV without header), cais/mmlu-like JSON Lines, BoolQ.

def read_csv_rows(path):
    # RFC 4180 as pandas.read_csv(header=None) reads the release: quoted fields may hold commas and newlines.
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r]
    for r in rows:
        if len(r) != 6:
            raise ValueError(f"{path}: expected 6 fields, found {len(r)}: {r}")
    return [{"question": r[0], "choices": r[1:5], "answer": "ABCD".index(r[5].strip())} for r in rows]


def read_mmlu(path, shots):
    """{subject: (dev rows, test rows)}, each test row with the index LayerCut reports."""
    if os.path.isdir(path):
        root = os.path.join(path, "data") if os.path.isdir(os.path.join(path, "data", "test")) else path
        out = {}
        for name in sorted(os.listdir(os.path.join(root, "test"))):
            if not name.endswith("_test.csv"):
                continue
            subject = name[: -len("_test.csv")]
            test = read_csv_rows(os.path.join(root, "test", name))
            for i, row in enumerate(test):
                row["index"] = i  # the row in its subject's test file
            out[subject] = (read_csv_rows(os.path.join(root, "dev", subject + "_dev.csv")), test)
        return out
    # JSON Lines has no dev split: the first `shots` rows of each subject are its examples, the rest are
    # scored; a row's index is its line among the file's rows (LayerCut's evaluation.h says so).
    out = {}
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    for i, r in enumerate(rows):
        dev, test = out.setdefault(r.get("subject", "unknown"), ([], []))
        answer = r["answer"] if isinstance(r["answer"], int) else "ABCD".index(r["answer"])
        row = {"question": r["question"], "choices": r["choices"], "answer": answer, "index": i}
        (dev if len(dev) < shots else test).append(row)
    return out


def read_boolq(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            answer = int(r["answer"]) if isinstance(r.get("answer"), bool) else int(r["label"])
            out.append({"question": r["question"], "passage": r["passage"], "answer": answer, "index": len(out)})
    return out


# ---------------------------------------------------------------------------------------------------------
# Prompts, as the harness's task configs build them (anchors.md §4.1, 4.2, 4.4).

def mmlu_doc_to_text(row):
    # "{{question.strip()}}\nA. {{choices[0]}}\nB. ...\nAnswer:"
    return row["question"].strip() + "".join(f"\n{L}. {c}" for L, c in zip(MMLU_CHOICES, row["choices"])) + "\nAnswer:"


def mmlu_context(subject, dev, row, shots):
    # description, then the first k dev rows (sampler first_n) each with target_delimiter + its letter and the
    # fewshot_delimiter, then the question.
    text = f"The following are multiple choice questions (with answers) about {subject.replace('_', ' ')}.\n\n"
    for shot in dev[:shots]:
        text += mmlu_doc_to_text(shot) + TARGET_DELIMITER + MMLU_CHOICES[shot["answer"]] + FEWSHOT_DELIMITER
    return text + mmlu_doc_to_text(row)


def boolq_context(row):
    return f"{row['passage']}\nQuestion: {row['question']}?\nAnswer:"


def boolq_fewshot_prefix(shots):
    # No description; each example with target_delimiter + its answer and the fewshot_delimiter.
    return "".join(boolq_context(s) + TARGET_DELIMITER + BOOLQ_CHOICES[s["answer"]] + FEWSHOT_DELIMITER for s in shots)


# ---------------------------------------------------------------------------------------------------------
# The harness's scoring for a causal LM (lm_eval/api/model.py TemplateLM, lm_eval/models/huggingface.py HFLM).

class HarnessReference:
    def __init__(self, model, tokenizer, device, max_length):
        self.model, self.tokenizer, self.device, self.max_length = model, tokenizer, device, max_length
        self.forwards = 0

    def tok_encode(self, string):
        # The tokenizer's own special tokens (BOS where it adds one), but no second BOS before one in the text.
        bos = self.tokenizer.bos_token
        add = not (bos and string.startswith(bos))
        return self.tokenizer.encode(string, add_special_tokens=add)

    def encode_pair(self, context, continuation):
        n_spaces = len(context) - len(context.rstrip())
        if n_spaces > 0:
            continuation = context[-n_spaces:] + continuation
            context = context[:-n_spaces]
        whole_enc = self.tok_encode(context + continuation)
        context_enc = self.tok_encode(context)
        return context_enc, whole_enc[len(context_enc):]

    def loglikelihoods(self, context, continuations):
        """One (summed log-prob, is_greedy) per continuation of one context."""
        cache = {}  # same input ids, same logits (the harness's one-token logits cache does the same)
        out = []
        for cont in continuations:
            context_enc, continuation_enc = self.encode_pair(context, cont)
            inp = (context_enc + continuation_enc)[-(self.max_length + 1):][:-1]
            key = tuple(inp)
            if key not in cache:
                with torch.no_grad():
                    ids = torch.tensor([inp], dtype=torch.long, device=self.device)
                    logits = self.model(input_ids=ids, use_cache=False).logits
                cache[key] = torch.nn.functional.log_softmax(logits.float(), dim=-1)[0]
                self.forwards += 1
            logprobs = cache[key]
            inplen, contlen = len(inp), len(continuation_enc)
            logits_cont = logprobs[inplen - contlen: inplen].unsqueeze(0)  # _select_cont_toks
            cont_toks = torch.tensor(continuation_enc, dtype=torch.long, device=self.device).unsqueeze(0)
            greedy = bool((logits_cont.argmax(dim=-1) == cont_toks).all())
            picked = torch.gather(logits_cont, 2, cont_toks.unsqueeze(-1)).squeeze(-1)
            out.append((float(picked.sum()), greedy))
        return out


def argmax(values):
    return max(range(len(values)), key=lambda i: values[i])  # first of equal maxima, as numpy's and std::max_element


def reference_results(ref, mmlu, boolq, shots, limit, boolq_shots=0):
    """{("mmlu", subject, index) | ("boolq", "", index): (loglikelihoods, prediction, answer)}."""
    out = {}
    if mmlu:
        for subject, (dev, test) in mmlu.items():
            if len(dev) < shots:
                raise ValueError(f"{subject}: {len(dev)} dev rows, fewer than {shots} shots")
            for row in test[: limit or None]:
                lls = [ll for ll, _ in ref.loglikelihoods(mmlu_context(subject, dev, row, shots),
                                                          [TARGET_DELIMITER + c for c in MMLU_CHOICES])]
                out[("mmlu", subject, row["index"])] = (lls, argmax(lls), row["answer"])
    if boolq:
        # k-shot: the file's first k rows are the examples (one file has no train split) and are not scored.
        prefix = boolq_fewshot_prefix(boolq[:boolq_shots])
        for row in boolq[boolq_shots:][: limit or None]:
            lls = [ll for ll, _ in ref.loglikelihoods(prefix + boolq_context(row),
                                                      [TARGET_DELIMITER + c for c in BOOLQ_CHOICES])]
            out[("boolq", "", row["index"])] = (lls, argmax(lls), row["answer"])
    return out


def layercut_results(result):
    out = {}
    for task in ("mmlu", "boolq"):
        for q in result.get(task, {}).get("questions", []):
            out[(task, q.get("subject", ""), q["index"])] = (q["loglikelihoods"], q["prediction"], q["answer"])
    return out


# ---------------------------------------------------------------------------------------------------------
# The synthetic set: 3 subjects x (5 dev + 12 test), 20 BoolQ rows; short random words, and the CSV cases a
# parser gets wrong (quoted commas, doubled quotes, a question padded with spaces).

SUBJECTS = ["college_physics", "high_school_geography", "world_religions"]  # stem, social sciences, humanities


def make_synthetic(out, seed=20261122):
    rng = random.Random(seed)
    syllables = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]

    def word():
        return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3)))

    def words(lo, hi):
        return " ".join(word() for _ in range(rng.randint(lo, hi)))

    def question(i):
        q = words(3, 8).capitalize() + "?"
        if i % 7 == 3:
            q = f"{words(1, 2).capitalize()}, \"{word()}\" or {word()}?"  # a comma and quotes: a quoted CSV field
        if i % 11 == 5:
            q = "  " + q + "  "  # question.strip() removes it
        return q

    def choice(i, k):
        c = words(1, 3)
        return c + ", " + word() if (i + k) % 9 == 4 else c

    mmlu = os.path.join(out, "mmlu")
    jsonl_rows = []
    for split, count in (("dev", 5), ("test", 12)):
        os.makedirs(os.path.join(mmlu, "data", split), exist_ok=True)
    for subject in SUBJECTS:
        rows = {}
        for split, count in (("dev", 5), ("test", 12)):
            rows[split] = [[question(i)] + [choice(i, k) for k in range(4)] + [rng.choice(MMLU_CHOICES)]
                           for i in range(count)]
            with open(os.path.join(mmlu, "data", split, f"{subject}_{split}.csv"), "w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerows(rows[split])
        # The JSON Lines variant (cais/mmlu's fields, answer as 0-3): dev rows first, so that the first k rows
        # of each subject are the same examples as the release layout's.
        for r in rows["dev"] + rows["test"]:
            jsonl_rows.append({"question": r[0], "subject": subject, "choices": r[1:5], "answer": "ABCD".index(r[5])})
    with open(os.path.join(out, "mmlu.jsonl"), "w", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in jsonl_rows)

    boolq = os.path.join(out, "boolq.jsonl")
    with open(boolq, "w", encoding="utf-8") as f:
        for i in range(20):
            passage = f"{words(4, 9).capitalize()}. {words(3, 8).capitalize()}."
            q, answer = words(3, 6), rng.random() < 0.5
            row = ({"question": q, "passage": passage, "answer": answer, "title": word()} if i % 2 == 0 else
                   {"question": q, "passage": passage, "idx": i, "label": int(answer)})  # original and super_glue
            f.write(json.dumps(row) + "\n")
    return {"synthetic": (mmlu, boolq), "synthetic-jsonl": (os.path.join(out, "mmlu.jsonl"), boolq)}


# ---------------------------------------------------------------------------------------------------------

def run(cmd):
    """Runs a layercut-cli command; on failure shows its stderr (the CLI's one-line error) before raising."""
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(f"$ {' '.join(cmd)}\n{done.stderr[-4000:]}")
        raise subprocess.CalledProcessError(done.returncode, cmd, done.stdout, done.stderr)
    return done.stdout


def load_reference_model(folder, drop, device):
    # eager: SDPA would ignore Gemma 2's attention soft-capping
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    if drop:  # transformers' own model without those layers: the oracle for what pruning means
        kept = [layer for i, layer in enumerate(model.model.layers) if not drop[0] <= i < drop[1]]
        model.model.layers = torch.nn.ModuleList(kept)
        for i, layer in enumerate(model.model.layers):
            layer.self_attn.layer_idx = i
        model.config.num_hidden_layers = len(kept)
        if getattr(model.config, "layer_types", None):
            model.config.layer_types = [t for i, t in enumerate(model.config.layer_types) if not drop[0] <= i < drop[1]]
    return model.to(device).eval()


def token_check(cli, folder, ref, texts):
    """AutoTokenizer's ids (as the reference encodes) against `layercut-cli tokenize --add-special`."""
    bad = []
    for text in texts:
        ours = json.loads(run([cli, "tokenize", folder, text, "--add-special"]))["ids"]
        theirs = ref.tok_encode(text)
        if ours != theirs:
            bad.append(f"ids differ for {text[:40]!r}...: LayerCut {ours[:12]}... ({len(ours)}), "
                       f"AutoTokenizer {theirs[:12]}... ({len(theirs)})")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--model", help="check this model folder (e.g. the demo model) instead of the fixtures")
    ap.add_argument("--mmlu", help="with --model: MMLU folder or JSON Lines file")
    ap.add_argument("--boolq", help="with --model: BoolQ JSON Lines file")
    ap.add_argument("--shots", type=int, default=5, help="with --model: few-shot examples per MMLU prompt")
    ap.add_argument("--boolq-shots", type=int, default=0, help="with --model: BoolQ few-shot examples")
    ap.add_argument("--only", help="run only the fixture cases that set this option (drop, cli, shots, limit, "
                    "max_length, boolq_shots)")
    ap.add_argument("--fixtures", help="run only the cases of these fixtures (comma-separated)")
    args = ap.parse_args()
    cases = [c for c in CASES if not args.only or args.only in c]
    if args.fixtures:
        cases = [c for c in cases if c["fixture"] in args.fixtures.split(",")]
    if args.model:
        cases = [{"fixture": os.path.basename(os.path.normpath(args.model)), "folder": args.model, "data": "given",
                  "shots": args.shots, "boolq_shots": args.boolq_shots}]
    getattr(hf_logging, "disable_progress_bar", lambda: None)()
    torch.backends.cuda.matmul.allow_tf32 = False  # float32 means float32 on the GPU too (LayerCut's default)
    cli = os.path.join(args.build, "bin", "layercut-cli")
    failures = 0
    print(f"{'fixture':<20}{'data':<17}{'options':<48}{'MMLU':>5}{'BoolQ':>6}{'max |dll|':>11}{'preds':>9}"
          f"{'tokens':>7}{'acc LC/HF (MMLU, BoolQ)':>26}")
    with tempfile.TemporaryDirectory() as tmp:
        sets = {"fixture": (FIXTURE_MMLU, FIXTURE_BOOLQ)}
        sets.update(make_synthetic(os.path.join(tmp, "synthetic")))
        sets["given"] = (args.mmlu, args.boolq)
        for n, case in enumerate(cases):
            fixture, data = case["fixture"], case["data"]
            shots, limit, max_length = case.get("shots", 2), case.get("limit", 0), case.get("max_length")
            drop, extra, boolq_shots = case.get("drop"), list(case.get("cli", [])), case.get("boolq_shots", 0)
            folder = case.get("folder") or os.path.join(FIXTURES, fixture)
            mmlu_path, boolq_path = sets[data]
            options = ["--shots", str(shots)]
            if limit:
                options += ["--limit", str(limit)]
            if max_length:
                options += ["--max-length", str(max_length)]
            if drop:
                options += ["--drop", f"{drop[0]}:{drop[1]}"]
            if boolq_shots:
                options += ["--boolq-shots", str(boolq_shots)]
            options += extra
            label = " ".join(options)
            out = os.path.join(tmp, f"{n}.json")
            try:
                run([cli, "eval", folder, "--mmlu", mmlu_path, "--boolq", boolq_path, "--device", args.device,
                     "--dtype", "float32", "--out", out] + options)
            except subprocess.CalledProcessError as e:  # its stderr is shown above; the other cases still run
                failures += 1
                print(f"{fixture:<20}{data:<17}{label:<48}   FAIL: layercut-cli eval exited with {e.returncode}")
                continue
            with open(out, encoding="utf-8") as f:
                printed = json.load(f)

            model = load_reference_model(folder, drop, args.device)
            tokenizer = AutoTokenizer.from_pretrained(folder)
            window = max_length or model.config.max_position_embeddings  # HFLM.max_length without max_length=
            ref = HarnessReference(model, tokenizer, args.device, window)
            mmlu, boolq = read_mmlu(mmlu_path, shots), read_boolq(boolq_path)
            expected = reference_results(ref, mmlu, boolq, shots, limit, boolq_shots)
            got = layercut_results(printed)

            notes, infos = [], []
            first = next(iter(mmlu.items()))
            contexts = [mmlu_context(first[0], first[1][0], first[1][1][0], shots),
                        boolq_fewshot_prefix(boolq[:boolq_shots]) + boolq_context(boolq[boolq_shots])]
            notes += token_check(cli, folder, ref, contexts + [contexts[0] + " A", contexts[1] + " yes"])
            tokens_ok = not notes
            if set(got) != set(expected):
                notes.append(f"questions: missing {sorted(set(expected) - set(got))[:4]}, "
                             f"unexpected {sorted(set(got) - set(expected))[:4]}")
            worst, same, ties = 0.0, 0, 0
            for key in sorted(set(got) & set(expected)):
                (lls, pred, answer), (rlls, rpred, ranswer) = got[key], expected[key]
                if len(lls) != len(rlls) or answer != ranswer:
                    notes.append(f"{key}: {len(lls)} choices, answer {answer}; reference {len(rlls)}, {ranswer}")
                    continue
                worst = max(worst, max(abs(a - b) for a, b in zip(lls, rlls)))
                if pred == rpred:
                    same += 1
                elif abs(rlls[pred] - rlls[rpred]) < TIE:
                    ties += 1
                    infos.append(f"note: {key} is a tie in the reference ({rlls}); LayerCut chose {pred}")
                else:
                    notes.append(f"{key}: prediction {pred}, reference {rpred} (LayerCut {lls}, reference {rlls})")
            if drop and printed.get("layers") != model.config.num_hidden_layers:
                notes.append(f"layers {printed.get('layers')}, expected {model.config.num_hidden_layers}")

            def accuracy(results, task):
                rows = [v for k, v in results.items() if k[0] == task]
                return sum(p == a for _, p, a in rows) / len(rows) if rows else float("nan")

            acc = " ".join(f"{accuracy(got, t):.2f}/{accuracy(expected, t):.2f}" for t in ("mmlu", "boolq"))
            for task in ("mmlu", "boolq"):  # the reported accuracy is the per-question tally
                if task in printed and abs(printed[task]["accuracy"] - accuracy(got, task)) > 1e-12:
                    notes.append(f"{task}: accuracy {printed[task]['accuracy']} but the questions give {accuracy(got, task)}")
            compared = len(set(got) & set(expected))
            ok = not notes and compared > 0 and worst <= TOLERANCE
            failures += not ok
            n_mmlu = sum(k[0] == "mmlu" for k in expected)
            print(f"{fixture:<20}{data:<17}{label:<48}{n_mmlu:>5}{len(expected) - n_mmlu:>6}{worst:>11.2e}"
                  f"{f'{same + ties}/{compared}':>9}{'yes' if tokens_ok else 'NO':>7}{acc:>26}{'' if ok else '   FAIL'}")
            for note in notes[:12] + infos:
                print("   " + note)
            del model
    print(f"tolerance {TOLERANCE:g} (absolute, each choice's summed float32 log-likelihood); predictions must be equal "
          f"(ties under {TIE:g} in the reference excepted); tokens: AutoTokenizer's ids equal LayerCut's on sample "
          f"prompts; acc: MMLU and BoolQ accuracy; {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
