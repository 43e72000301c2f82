#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the demo model's world: a synthetic-knowledge corpus and held-out questions about it.

The world is fictional (countries, cities, people, creatures, each with a few attributes), so the demo
model knows only what this corpus tells it. Every fact is stated in many phrasings, in paragraphs whose
sentences come in a random order (varied statements are what lets a small model retrieve a fact for a
question it never saw: Allen-Zhu & Li, "Physics of Language Models 3.1").

Seventy entities of each kind have one tested attribute (the attributes take turns). Training quizzes in
MMLU's format ask about every other fact; the MMLU test rows ask about the tested ones, which the model has
read in prose but never seen quizzed, so its MMLU accuracy measures knowledge it stored from reading and can
retrieve for a question, as the paper's does.
BoolQ is reading comprehension with a passage: its training documents are about made-up entities that
appear nowhere else (the answer must come from the passage), its test rows about the world's facts.

usage: make_demo_data.py OUT_DIR [--corpus]     (pure Python 3, deterministic for a given seed)
  OUT_DIR/data/train.txt          prose paragraphs, blank-line separated (analysis and healing in the app)
  OUT_DIR/data/validation.txt     held-out paragraphs (new phrasings), for the held-out loss
  OUT_DIR/data/mmlu/data/{dev,test}/<subject>_{dev,test}.csv   the MMLU release layout
  OUT_DIR/data/boolq.jsonl        BoolQ's layout: question, passage, answer
  OUT_DIR/corpus.jsonl            with --corpus: the full training corpus ({"text": ...} per line)
  OUT_DIR/spm_input.txt           with --corpus: a sample of the corpus, one line each, for spm_train
"""
import argparse
import csv
import io
import json
import os
import random

SEED = 20261122

# ---------------------------------------------------------------------------------------------------------
# Names: syllables joined, so they are new words to the tokenizer and carry no meaning of their own.
ONSETS = ["b", "br", "d", "dr", "f", "g", "gr", "k", "kl", "l", "m", "n", "p", "r", "s", "st", "t", "th", "v", "z"]
VOWELS = ["a", "e", "i", "o", "u", "ae", "ei", "ou"]
CODAS = ["", "", "n", "r", "l", "s", "th", "m", "k"]


def make_names(rng, count, syllables, taken):
    names = []
    while len(names) < count:
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.choice(syllables)))
        word = word.capitalize()
        if word not in taken and 4 <= len(word) <= 11:
            taken.add(word)
            names.append(word)
    return names


CONTINENTS = ["Aldoria", "Brisca", "Calderon", "Dunmara", "Elowenna", "Farrowen"]
LANGUAGES = ["Vellic", "Ostrine", "Kaldic", "Morwen", "Tessaric", "Ulvan", "Brannic", "Sorelli", "Quenthic", "Dravic"]
CURRENCIES = ["silver bells", "amber coins", "copper rings", "glass beads", "iron marks", "shell tokens",
              "salt bars", "bronze keys"]
RIVERS = ["Ashwater", "Blackrun", "Coldmere", "Dimflow", "Emberlane", "Fernbrook", "Greywash", "Hollowstream",
          "Ironreach", "Jadewell", "Kestrel", "Longfall"]
PRODUCTS = ["glass", "wool", "clocks", "salt", "silk", "copper", "tea", "paper", "cheese", "boats", "bells", "maps"]
PROFESSIONS = ["baker", "astronomer", "blacksmith", "weaver", "cartographer", "physician", "sailor", "potter",
               "librarian", "carpenter", "beekeeper", "glassblower", "shepherd", "scribe", "gardener", "miner"]
INSTRUMENTS = ["flute", "harp", "drum", "fiddle", "lute", "horn", "bagpipe", "zither"]
COLORS = ["red", "blue", "green", "yellow", "purple", "orange", "white", "black", "grey", "golden"]
HABITATS = ["marshes", "caves", "deserts", "forests", "mountains", "rivers", "glaciers", "meadows"]
DIETS = ["berries", "fish", "insects", "seeds", "moss", "honey"]


def article(word):
    return ("an " if word[0] in "aeiou" else "a ") + word


# ---------------------------------------------------------------------------------------------------------
# Each attribute: how prose states it, how a multiple-choice question asks it, how a yes/no question asks
# it, and where its values come from (the distractors are other values of the same attribute).
ATTRIBUTES = {
    "country": {
        "continent": dict(
            values=CONTINENTS,
            prose=["{e} is a country on the continent of {v}.", "The country of {e} lies in {v}.",
                   "{e} is one of the nations of {v}.", "On the continent of {v} lies {e}.",
                   "Travellers reach {e} by crossing {v}.", "{v} is the continent where {e} is found."],
            mc=["On which continent is the country of {e}?", "Where does the country of {e} lie?"],
            yn=["is {e} a country in {v}", "does {e} lie on the continent of {v}"]),
        "language": dict(
            values=LANGUAGES,
            prose=["The people of {e} speak {v}.", "{v} is the language of {e}.", "In {e}, everyone speaks {v}.",
                   "The official language of {e} is {v}.", "Most books in {e} are written in {v}.",
                   "Children in {e} grow up speaking {v}."],
            mc=["What language do the people of {e} speak?", "Which language is spoken in {e}?"],
            yn=["do the people of {e} speak {v}", "is {v} the language of {e}"]),
        "currency": dict(
            values=CURRENCIES,
            prose=["In {e}, people pay with {v}.", "The currency of {e} is {v}.", "Traders in {e} count their money in {v}.",
                   "{e} uses {v} as money.", "Prices in {e} are given in {v}.", "Merchants of {e} accept only {v}."],
            mc=["What currency is used in {e}?", "What do people in {e} pay with?"],
            yn=["do people in {e} pay with {v}", "is the currency of {e} {v}"]),
    },
    "city": {
        "country": dict(
            values=None,  # the countries' names
            prose=["{e} is a city in {v}.", "The city of {e} lies in the country of {v}.", "{e} is one of the cities of {v}.",
                   "In {v} there is a city called {e}.", "The city of {e} belongs to {v}.", "{v} is the country of the city {e}."],
            mc=["In which country is the city of {e}?", "The city of {e} lies in which country?"],
            yn=["is the city of {e} in {v}", "does the city of {e} lie in {v}"]),
        "river": dict(
            values=RIVERS,
            prose=["The river {v} flows through {e}.", "{e} was built on the banks of the {v}.",
                   "{e} stands beside the river {v}.", "Boats on the {v} stop at the city of {e}.",
                   "The city of {e} lies on the {v}.", "The {v} runs through the middle of {e}."],
            mc=["Which river flows through the city of {e}?", "On which river does the city of {e} lie?"],
            yn=["does the river {v} flow through {e}", "is the city of {e} built on the {v}"]),
        "product": dict(
            values=PRODUCTS,
            prose=["{e} is famous for its {v}.", "The city of {e} is known for making {v}.", "Merchants come to {e} to buy {v}.",
                   "The workshops of {e} produce {v}.", "{e} sells {v} to the whole region.", "Everyone knows {e} for its {v}."],
            mc=["What is the city of {e} famous for?", "What do the workshops of {e} produce?"],
            yn=["is the city of {e} famous for its {v}", "do the workshops of {e} produce {v}"]),
    },
    "person": {
        "profession": dict(
            values=PROFESSIONS,
            prose=["{e} works as {a}.", "By trade, {e} is {a}.", "{e} earns a living as {a}.", "{e} is a well-known {v}.",
                   "The profession of {e} is {v}.", "{e} has been {a} for many years."],
            mc=["What is the profession of {e}?", "What does {e} do for a living?"],
            yn=["is {e} {a}", "does {e} work as {a}"]),
        "home": dict(
            values=None,  # the cities' names
            prose=["{e} lives in the city of {v}.", "{e} was born and raised in {v}.", "The home of {e} is in {v}.",
                   "{e} has a house in the city of {v}.", "In {v} lives {e}.", "{e} never left the city of {v}."],
            mc=["In which city does {e} live?", "Where is the home of {e}?"],
            yn=["does {e} live in {v}", "is the home of {e} in the city of {v}"]),
        "instrument": dict(
            values=INSTRUMENTS,
            prose=["{e} plays the {v}.", "In the evenings, {e} plays the {v}.", "{e} is skilled at playing the {v}.",
                   "The favourite instrument of {e} is the {v}.", "{e} learned to play the {v} as a child.",
                   "{e} often performs on the {v}."],
            mc=["Which instrument does {e} play?", "What is the favourite instrument of {e}?"],
            yn=["does {e} play the {v}", "is the {v} the favourite instrument of {e}"]),
    },
    "creature": {
        "color": dict(
            values=COLORS,
            prose=["The {e} is {a} animal.", "The fur of the {e} is {v}.", "A {e} is always {v}.",
                   "The {e} has a {v} coat.", "You can spot the {e} by its {v} colour.", "Every {e} is {v} from head to tail."],
            mc=["What colour is the {e}?", "What colour is the coat of the {e}?"],
            yn=["is the {e} {v}", "does the {e} have a {v} coat"]),
        "habitat": dict(
            values=HABITATS,
            prose=["The {e} lives in the {v}.", "The {e} makes its home in the {v}.", "You will find the {e} in the {v}.",
                   "The {v} are where the {e} lives.", "The {e} is found only in the {v}.", "Herds of {e} roam the {v}."],
            mc=["Where does the {e} live?", "In what kind of place does the {e} make its home?"],
            yn=["does the {e} live in the {v}", "is the {e} found in the {v}"]),
        "diet": dict(
            values=DIETS,
            prose=["The {e} eats {v}.", "The favourite food of the {e} is {v}.", "The {e} feeds mostly on {v}.",
                   "A hungry {e} looks for {v}.", "The diet of the {e} is {v}.", "The {e} survives on {v}."],
            mc=["What does the {e} eat?", "What is the favourite food of the {e}?"],
            yn=["does the {e} eat {v}", "is {v} the favourite food of the {e}"]),
    },
}

SUBJECTS = {"country": "fictional_countries", "city": "fictional_cities", "person": "fictional_people",
            "creature": "fictional_creatures"}
COUNTS = {"country": 70, "city": 160, "person": 320, "creature": 160}
TESTED_PER_KIND = 70  # entities of each kind with a test row (280 MMLU rows, 280 BoolQ rows)


def build_world(rng, scale=1.0):
    """The entities. The world is large on purpose: with a few hundred facts a small model learns each quiz's
    answer by heart and never the general skill of answering from what it read; with thousands it must."""
    counts = {kind: max(TESTED_PER_KIND, round(n * scale)) for kind, n in COUNTS.items()}
    taken = set()
    names = {
        "country": make_names(rng, counts["country"], [2, 3], taken),
        "city": make_names(rng, counts["city"], [2, 3], taken),
        "creature": [n.lower() for n in make_names(rng, counts["creature"], [2, 3], taken)],
    }
    given = make_names(rng, counts["person"], [2], taken)
    family = make_names(rng, counts["person"], [2, 3], taken)
    names["person"] = [g + " " + f for g, f in zip(given, family)]
    values = {("city", "country"): names["country"], ("person", "home"): names["city"]}
    # entities: {"kind", "name", "facts": {attribute: value}, "tested": the attribute its test row asks, or None}
    world = []
    for kind in ["country", "city", "person", "creature"]:
        for i, name in enumerate(names[kind]):
            facts = {}
            for attribute, spec in ATTRIBUTES[kind].items():
                facts[attribute] = rng.choice(values.get((kind, attribute)) or spec["values"])
            tested = list(facts)[i % len(facts)] if i < TESTED_PER_KIND else None
            world.append({"kind": kind, "name": name, "facts": facts, "tested": tested})
    return world, values, taken


def stranger(rng, kind, values, taken):
    """An entity that exists only in one BoolQ training document: its name is new and not kept."""
    name = make_names(rng, 1, [2, 3], set(taken))[0]
    if kind == "person":
        name += " " + make_names(rng, 1, [2], set(taken))[0]
    elif kind == "creature":
        name = name.lower()
    facts = {a: rng.choice(values.get((kind, a)) or spec["values"]) for a, spec in ATTRIBUTES[kind].items()}
    return {"kind": kind, "name": name, "facts": facts}


def value_pool(values, kind, attribute):
    return values.get((kind, attribute)) or ATTRIBUTES[kind][attribute]["values"]


def fill(template, entity, value):
    return template.format(e=entity, v=value, a=article(value))


def sentence(rng, kind, attribute, entity, value):
    s = fill(rng.choice(ATTRIBUTES[kind][attribute]["prose"]), entity, value)
    return s[0].upper() + s[1:]


def paragraph(rng, e, must=None):
    """Some of an entity's facts (always `must`), one sentence each, in a random order."""
    attributes = list(e["facts"])
    rng.shuffle(attributes)
    chosen = attributes[: rng.randint(2, len(attributes))]
    if must and must not in chosen:
        chosen[0] = must
    rng.shuffle(chosen)
    return " ".join(sentence(rng, e["kind"], a, e["name"], e["facts"][a]) for a in chosen)


def multiple_choice(rng, values, e, attribute):
    """One MMLU-format row: question, four choices, answer letter (the right value at a random place)."""
    kind = e["kind"]
    right = e["facts"][attribute]
    wrong = rng.sample([v for v in value_pool(values, kind, attribute) if v != right], 3)
    choices = wrong[:]
    place = rng.randrange(4)
    choices.insert(place, right)
    question = fill(rng.choice(ATTRIBUTES[kind][attribute]["mc"]), e["name"], right)
    return [question] + choices + ["ABCD"[place]]


def yes_no(rng, values, e, attribute):
    """One BoolQ-format row: a passage stating the fact, a question that is true or false about it."""
    kind = e["kind"]
    right = e["facts"][attribute]
    answer = rng.random() < 0.5
    asked = right if answer else rng.choice([v for v in value_pool(values, kind, attribute) if v != right])
    question = fill(rng.choice(ATTRIBUTES[kind][attribute]["yn"]), e["name"], asked)
    return {"question": question, "passage": paragraph(rng, e, must=attribute), "answer": answer}


# The harness's prompts (lm-evaluation-harness mmlu and boolq defaults), so training quizzes look like tests.
def mmlu_prompt_rows(subject, rows):
    text = "The following are multiple choice questions (with answers) about " + subject.replace("_", " ") + ".\n\n"
    for r in rows:
        text += r[0] + "".join("\n" + "ABCD"[i] + ". " + r[1 + i] for i in range(4)) + "\nAnswer: " + r[5] + "\n\n"
    return text.rstrip("\n")


def boolq_prompt(row):
    return row["passage"] + "\nQuestion: " + row["question"] + "?\nAnswer: " + ("yes" if row["answer"] else "no")


def write_csv(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    write_text(path, buffer.getvalue())


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def facts_of(world, tested=None):
    """(entity, attribute) pairs: all of them, or those the test rows ask (True) or do not (False)."""
    return [(e, a) for e in world for a in e["facts"] if tested is None or (a == e["tested"]) == tested]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--corpus", action="store_true", help="also write the full training corpus")
    parser.add_argument("--scale", type=float, default=1.0, help="entities in the world, as a multiple of COUNTS")
    # The corpus is large enough that training reads each document two or three times: a corpus read 15 times over
    # was learned by heart (training loss 0.29, held-out loss rising from 0.50 to 0.64, BoolQ at chance).
    parser.add_argument("--paragraphs", type=int, default=600, help="prose paragraphs per entity in the corpus")
    parser.add_argument("--quizzes", type=int, default=100000, help="MMLU-format quiz documents in the corpus")
    parser.add_argument("--boolq", type=int, default=100000, help="BoolQ-format documents in the corpus")
    args = parser.parse_args()

    rng = random.Random(SEED)
    world, values, taken = build_world(rng, args.scale)
    data = os.path.join(args.out, "data")

    # Held-out questions: MMLU (5 dev shots per subject about untested facts; a test row per tested entity) and BoolQ
    # (the same facts, with a passage).
    test_rng = random.Random(SEED + 1)
    for kind, subject in SUBJECTS.items():
        train = [(e, a) for e, a in facts_of(world, False) if e["kind"] == kind]
        test = [(e, a) for e, a in facts_of(world, True) if e["kind"] == kind]
        dev = test_rng.sample(train, 5)
        write_csv(os.path.join(data, "mmlu", "data", "dev", subject + "_dev.csv"),
                  [multiple_choice(test_rng, values, e, a) for e, a in dev])
        write_csv(os.path.join(data, "mmlu", "data", "test", subject + "_test.csv"),
                  [multiple_choice(test_rng, values, e, a) for e, a in test])
    tested = facts_of(world, True)
    boolq = [yes_no(test_rng, values, e, a) for e, a in test_rng.sample(tested, len(tested))]
    write_text(os.path.join(data, "boolq.jsonl"), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in boolq))

    # Prose for the app: train.txt (analysis, healing) and validation.txt (the held-out loss), other draws.
    prose_rng = random.Random(SEED + 2)
    write_text(os.path.join(data, "train.txt"),
               "\n\n".join(paragraph(prose_rng, prose_rng.choice(world)) for _ in range(4000)) + "\n")
    val_rng = random.Random(SEED + 3)
    write_text(os.path.join(data, "validation.txt"),
               "\n\n".join(paragraph(val_rng, val_rng.choice(world)) for _ in range(600)) + "\n")

    if not args.corpus:
        return
    # The training corpus: prose about every entity, MMLU-format quizzes about the untested facts, BoolQ-format
    # reading exercises about strangers.
    corpus_rng = random.Random(SEED + 4)
    docs = []
    for e in world:
        for _ in range(args.paragraphs):
            docs.append(paragraph(corpus_rng, e))
    by_subject = {}
    for e, a in facts_of(world, False):
        by_subject.setdefault(SUBJECTS[e["kind"]], []).append((e, a))
    subjects = sorted(by_subject)
    for _ in range(args.quizzes):
        subject = corpus_rng.choice(subjects)
        rows = [multiple_choice(corpus_rng, values, e, a) for e, a in corpus_rng.sample(by_subject[subject], 6)]
        docs.append(mmlu_prompt_rows(subject, rows))
    kinds = sorted(ATTRIBUTES)
    for _ in range(args.boolq):
        e = stranger(corpus_rng, corpus_rng.choice(kinds), values, taken)
        docs.append(boolq_prompt(yes_no(corpus_rng, values, e, corpus_rng.choice(list(e["facts"])))))
    corpus_rng.shuffle(docs)
    write_text(os.path.join(args.out, "corpus.jsonl"), "".join(json.dumps({"text": d}) + "\n" for d in docs))
    # spm_train reads lines: every line of a sample of the documents.
    sample = corpus_rng.sample(docs, min(len(docs), 40000))
    write_text(os.path.join(args.out, "spm_input.txt"), "\n".join(line for d in sample for line in d.split("\n") if line) + "\n")


if __name__ == "__main__":
    main()
