#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes an MMLU-shaped benchmark set (the release layout) and a byte-level BPE tokenizer that reads it well.

The evaluation benchmark's random Llama-3-8B-shaped checkpoint has no tokenizer, and random weights make the
text's meaning irrelevant; what matters is that both sides tokenise the same prompts into as many tokens as
real MMLU prompts have (5-shot: about 400-800) and that " A" .. " D" are one token each, as in Llama 3's
tokenizer (so both sides can score the four letters from one pass). So the words are random syllable strings,
and the tokenizer is written here: the 256 byte symbols, then for every word (with its leading space, "Ġ")
the merge chain Ġ+w[0], Ġw[0]+w[1], ... that makes it one token, the letters " A" .. " D", "\\n\\n", and
Llama 3's special tokens after them; pre-tokenizer, post-processor (BOS) and decoder are those of the
Llama-3-style fixture tokenizer (tests/fixtures/tokenizers/llama3_bpe), which LayerCut and transformers
both read. Every merge's left side starts with "Ġ", so inside a word only the next link of its chain can
apply: the result does not depend on merge priorities. All ids are far below the checkpoint's 128,256.

Deterministic for a given --seed. Writes OUT_DIR/data/dev/<subject>_dev.csv (--dev rows),
OUT_DIR/data/test/<subject>_test.csv (--questions rows), CSV without header (question, A, B, C, D, letter),
and OUT_DIR/tokenizer.json + tokenizer_config.json; --tokenizer-into copies those two into a model folder.
usage: make_mmlu_like.py OUT_DIR [--subjects 16] [--questions 24] [--dev 5] [--seed 0] [--tokenizer-into MODEL_DIR]
"""
import argparse
import csv
import json
import os
import random
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "tests", "fixtures", "tokenizers", "llama3_bpe", "tokenizer.json")
SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>"]
# The 57 MMLU subjects (lm-evaluation-harness tasks/mmlu), so descriptions and categories look real.
SUBJECTS = [
    "abstract_algebra", "anatomy", "astronomy", "business_ethics", "clinical_knowledge", "college_biology",
    "college_chemistry", "college_computer_science", "college_mathematics", "college_medicine", "college_physics",
    "computer_security", "conceptual_physics", "econometrics", "electrical_engineering", "elementary_mathematics",
    "formal_logic", "global_facts", "high_school_biology", "high_school_chemistry", "high_school_computer_science",
    "high_school_european_history", "high_school_geography", "high_school_government_and_politics",
    "high_school_macroeconomics", "high_school_mathematics", "high_school_microeconomics", "high_school_physics",
    "high_school_psychology", "high_school_statistics", "high_school_us_history", "high_school_world_history",
    "human_aging", "human_sexuality", "international_law", "jurisprudence", "logical_fallacies", "machine_learning",
    "management", "marketing", "medical_genetics", "miscellaneous", "moral_disputes", "moral_scenarios", "nutrition",
    "philosophy", "prehistory", "professional_accounting", "professional_law", "professional_medicine",
    "professional_psychology", "public_relations", "security_studies", "sociology", "us_foreign_policy", "virology",
    "world_religions",
]
DESCRIPTION_WORDS = ["following", "are", "multiple", "choice", "questions", "answers", "about"]


def bytes_to_unicode():
    """GPT-2's byte -> symbol table: printable bytes stand for themselves, the other 68 for U+0100 on."""
    printable = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    table, extra = {}, 256
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(extra)
            extra += 1
    return table


def make_words(rng, count):
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
    words = set()
    while len(words) < count:
        syllables = rng.randint(2, 3)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) + (rng.choice("nrst") if rng.random() < 0.3 else "")
                          for _ in range(syllables)))
    return sorted(words)


def make_tokenizer(words):
    """tokenizer.json text: one token per " word", per " A" .. " D" and for "\\n\\n" (see the module doc)."""
    with open(TEMPLATE, encoding="utf-8") as f:
        template = json.load(f)
    symbol = bytes_to_unicode()
    vocab = {symbol[b]: b for b in range(256)}
    merges = []
    space = symbol[ord(" ")]

    def chain(text):
        left = space
        for ch in text:
            token = left + ch
            if token not in vocab:
                vocab[token] = len(vocab)
                merges.append([left, ch])
            left = token

    for letter in "ABCD":
        chain(letter)
    for w in words:
        chain(w)
    newline = symbol[ord("\n")]
    vocab[newline * 2] = len(vocab)
    merges.append([newline, newline])  # "\n\n" is a pre-token of its own (the regex's \s*[\r\n]+)

    added = [{"id": len(vocab) + i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, s in enumerate(SPECIALS)]
    bos = added[0]["id"]
    post = template["post_processor"]
    for p in post.get("processors", [post]):  # the BOS the TemplateProcessing adds: our id for it
        for spec in p.get("special_tokens", {}).values():
            spec["ids"] = [bos]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": template["normalizer"], "pre_tokenizer": template["pre_tokenizer"], "post_processor": post,
        "decoder": template["decoder"],
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": merges},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--subjects", type=int, default=16, help="how many of the 57 subjects (a seeded choice)")
    ap.add_argument("--questions", type=int, default=24, help="test questions per subject")
    ap.add_argument("--dev", type=int, default=5, help="dev rows (few-shot examples) per subject")
    ap.add_argument("--words", type=int, default=3000, help="vocabulary of random words")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tokenizer-into", metavar="MODEL_DIR", help="also copy the tokenizer files into this folder")
    args = ap.parse_args()
    if not 1 <= args.subjects <= len(SUBJECTS) or args.questions < 1 or args.dev < 0:
        ap.error(f"--subjects must be 1..{len(SUBJECTS)}, --questions at least 1, --dev not negative")
    rng = random.Random(args.seed)
    words = make_words(rng, args.words)
    subjects = sorted(rng.sample(SUBJECTS, args.subjects))
    description = sorted({w for s in subjects for w in s.split("_")} | set(DESCRIPTION_WORDS))

    # Lengths chosen for 5-shot prompts of about 400-800 tokens: a question of 20-60 words, choices of 3-11.
    def sentence(lo, hi):
        return " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi)))

    def row():
        return ([sentence(20, 60).capitalize() + "?"] + [sentence(3, 11) for _ in range(4)]
                + [rng.choice("ABCD")])

    for split, count in (("dev", args.dev), ("test", args.questions)):
        folder = os.path.join(args.out, "data", split)
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):  # subjects of an earlier run with other settings would be read too
            if name.endswith(f"_{split}.csv"):
                os.remove(os.path.join(folder, name))
        for subject in subjects:
            with open(os.path.join(folder, f"{subject}_{split}.csv"), "w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerows(row() for _ in range(count))

    files = {"tokenizer.json": make_tokenizer(words + description),
             "tokenizer_config.json": {"bos_token": SPECIALS[0], "eos_token": SPECIALS[1],
                                       "clean_up_tokenization_spaces": False, "model_max_length": 131072,
                                       "tokenizer_class": "PreTrainedTokenizerFast"}}
    for name, content in files.items():
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            json.dump(content, f, ensure_ascii=False, indent=None if name == "tokenizer.json" else 2)
        if args.tokenizer_into:
            shutil.copyfile(os.path.join(args.out, name), os.path.join(args.tokenizer_into, name))
    vocab = len(files["tokenizer.json"]["model"]["vocab"]) + len(SPECIALS)
    print(f"wrote {len(subjects)} subjects x ({args.dev} dev + {args.questions} test) to {args.out}/data and a "
          f"{vocab}-token tokenizer" + (f" (also into {args.tokenizer_into})" if args.tokenizer_into else ""))


if __name__ == "__main__":
    main()
