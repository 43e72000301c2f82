#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the demo's knowledge-injection set: facts about new entities of its world, and questions about them.

The entities (countries, cities, people, creatures) are new: their names appear nowhere in the demo model's
corpus, so the model cannot know them. Their facts take the world's values (a new city lies in an old
country, a new person lives in an old city), in the same phrasings. As in the demo's own data, each entity
has one tested attribute: the questions ask those, the training text states every fact in prose and quizzes
the untested ones in MMLU's format, so a model that answers has stored what it read.

usage: make_demo_injection.py OUT_DIR        (pure Python 3, deterministic)
  OUT_DIR/train.txt                 prose paragraphs and quizzes about the new entities, blank-line separated
  OUT_DIR/mmlu/data/{dev,test}/     MMLU's layout: dev rows are the demo's own (old facts), test rows the new
  OUT_DIR/boolq.jsonl               BoolQ's layout, closed-book: the passage states the entity's other facts,
                                    never the one asked, so the answer has to come from the model's memory
"""
import argparse
import json
import os
import random

import make_demo_data as world_data

SEED = 20261201
NEW_PER_KIND = 24      # new entities of each kind (96 facts tested)
PARAGRAPHS = 30        # prose paragraphs per new entity
QUIZZES = 300          # MMLU-format quiz documents about the untested new facts


def new_entities(rng, values, taken):
    """NEW_PER_KIND entities of each kind with names the world has not used, facts from the world's values."""
    entities = []
    for kind in ["country", "city", "person", "creature"]:
        for i in range(NEW_PER_KIND):
            e = world_data.stranger(rng, kind, values, taken)
            taken.add(e["name"])
            for part in e["name"].split():
                taken.add(part.capitalize())
            e["tested"] = list(e["facts"])[i % len(e["facts"])]
            entities.append(e)
    return entities


def closed_book(rng, values, e, attribute):
    """A BoolQ-format row whose passage states the entity's other facts, never `attribute`."""
    row = world_data.yes_no(rng, values, e, attribute)
    others = [a for a in e["facts"] if a != attribute]
    rng.shuffle(others)
    row["passage"] = " ".join(world_data.sentence(rng, e["kind"], a, e["name"], e["facts"][a]) for a in others)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    args = parser.parse_args()
    # The demo's world as make_demo_data.py builds it: its names are taken, its values are the new facts' values.
    _, values, taken = world_data.build_world(random.Random(world_data.SEED))
    rng = random.Random(SEED)
    entities = new_entities(rng, values, taken)

    docs = [world_data.paragraph(rng, e) for e in entities for _ in range(PARAGRAPHS)]
    untested = [(e, a) for e in entities for a in e["facts"] if a != e["tested"]]
    by_subject = {}
    for e, a in untested:
        by_subject.setdefault(world_data.SUBJECTS[e["kind"]], []).append((e, a))
    for _ in range(QUIZZES):
        subject = rng.choice(sorted(by_subject))
        rows = [world_data.multiple_choice(rng, values, e, a) for e, a in rng.sample(by_subject[subject], 6)]
        docs.append(world_data.mmlu_prompt_rows(subject, rows))
    rng.shuffle(docs)
    world_data.write_text(os.path.join(args.out, "train.txt"), "\n\n".join(docs) + "\n")

    # Test rows about the tested new facts; the dev shots are the demo's (old facts), so the prompt is the same.
    demo_dev = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "demo", "data", "mmlu", "data", "dev")
    for kind, subject in world_data.SUBJECTS.items():
        rows = [world_data.multiple_choice(rng, values, e, e["tested"]) for e in entities if e["kind"] == kind]
        world_data.write_csv(os.path.join(args.out, "mmlu", "data", "test", subject + "_test.csv"), rows)
        with open(os.path.join(demo_dev, subject + "_dev.csv"), encoding="utf-8") as f:
            world_data.write_text(os.path.join(args.out, "mmlu", "data", "dev", subject + "_dev.csv"), f.read())
    boolq = [closed_book(rng, values, e, e["tested"]) for e in entities]
    rng.shuffle(boolq)
    world_data.write_text(os.path.join(args.out, "boolq.jsonl"),
                          "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in boolq))


if __name__ == "__main__":
    main()
