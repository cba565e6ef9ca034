"""Meaning-preserving perturbations for judge bias checks.

Each takes a text and a seeded RNG and returns a variant a fair grader should
score the same: padding with non-informative sentences, a more formal or more
casual register, hedges, and sentence reordering. They are deterministic for a
seed so bias reports are reproducible.
"""
from __future__ import annotations

import random
import re

PADDING = ["We appreciate your continued trust in our product.",
           "As always, thank you for being a valued customer.",
           "We are committed to continuously improving your experience.",
           "Please do not hesitate to reach out if you have any questions."]
FORMAL = [(r"\bcan't\b", "cannot"), (r"\bwon't\b", "will not"), (r"\bdon't\b", "do not"),
          (r"\bit's\b", "it is"), (r"\bwe're\b", "we are"), (r"\byou're\b", "you are"),
          (r"\bfixed\b", "resolved"), (r"\bfix\b", "resolve"), (r"\bget\b", "obtain"),
          (r"\bnow\b", "henceforth")]
CASUAL = [(r"\bcannot\b", "can't"), (r"\bwill not\b", "won't"), (r"\bdo not\b", "don't"),
          (r"\bit is\b", "it's"), (r"\bwe are\b", "we're"), (r"\byou are\b", "you're")]
HEDGES = ["It seems that ", "In most cases, ", "We believe that ", "Possibly, "]
_SENT = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENT.split(text.strip()) if s]


def pad(text: str, rng: random.Random) -> str:
    return text.rstrip() + " " + " ".join(rng.sample(PADDING, 2))


def _apply(text: str, rules) -> str:
    for pat, rep in rules:
        text = re.sub(pat, rep, text, flags=re.I)
    return text


def formal(text: str, rng: random.Random) -> str:
    return "Dear customer, " + _apply(text, FORMAL) + " Kind regards."


def casual(text: str, rng: random.Random) -> str:
    return "Hey! " + _apply(text, CASUAL) + " Cheers!"


def hedge(text: str, rng: random.Random) -> str:
    ss = sentences(text)
    if not ss:
        return text
    i = rng.randrange(len(ss))
    s = ss[i]
    first = s.split(" ", 1)[0]
    keep_case = first.isupper() and len(first) > 1  # "API", "HTTP": leave acronyms alone
    ss[i] = rng.choice(HEDGES) + (s if keep_case else s[0].lower() + s[1:])
    return " ".join(ss)


def reorder(text: str, rng: random.Random) -> str:
    ss = sentences(text)
    if len(ss) < 2:
        return text
    order = list(range(len(ss)))
    while order == sorted(order):
        rng.shuffle(order)
    return " ".join(ss[i] for i in order)


PERTURBATIONS = {"pad": pad, "formal": formal, "casual": casual, "hedge": hedge,
                 "reorder": reorder}


def perturb_all(text: str, seed: int = 0) -> dict[str, str]:
    return {name: fn(text, random.Random(f"{seed}:{name}")) for name, fn in PERTURBATIONS.items()}
