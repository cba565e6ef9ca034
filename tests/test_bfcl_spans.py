"""The value-span prior: candidate spans, training labels, a prior that learns where values
sit, its save/load, and its grip on the constrained decoder (on the tiny random Llama, a
heavily weighted prior decides the copied span whatever the weights)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from fake_bfcl import FakeEncoder
from loracle.agent.bfcl import BfclAnswerer
from loracle.agent.bfcl_spans import (MAX_WORDS, SPAN_FEATURES, candidates, fit_span_prior,
                                      span_scores, training_rows)
from loracle.agent.bfcl_lm import span_stop
from loracle.agent.bfcl_values import spans
from loracle.errors import InputError


ROOM = {"name": "book_room", "description": "Book a hotel room.", "parameters": {
    "type": "dict", "required": ["hotel", "room_type"], "properties": {
        "hotel": {"type": "string", "description": "Name of the hotel."},
        "room_type": {"type": "string", "description": "Kind of room, e.g. single."}}}}
HOTELS = ["Hilton", "Marriott", "Ritz", "Hyatt", "Plaza", "Savoy", "Westin", "Sheraton"]
KINDS = ["single", "double", "luxury", "deluxe", "family", "twin"]


def question(i: int) -> tuple[str, str, str]:
    h, k = HOTELS[i % len(HOTELS)], KINDS[(i * 5 + 1) % len(KINDS)]
    forms = [f"Book a {k} room at the {h} for {i % 5 + 2} nights in 2024.",
             f"Please reserve one {k} room in the {h} hotel starting 2023.",
             f"I need a {k} room at {h} next week."]
    return forms[i % 3], h, k


def test_candidates_are_short_spans_from_a_start_to_a_later_end():
    q = "Book a single room at the Grand Plaza Hotel on the river in Paris tonight."
    starts, ends = spans(q, exclude=set())
    cands = candidates(q, starts, ends)
    assert (q.index("single"), q.index("single") + 6) in cands
    assert all(b > a and len(q[a:b].split()) <= MAX_WORDS for a, b in cands)
    assert all(a in starts and b in ends for a, b in cands)


def test_training_rows_label_exactly_the_ground_truth_spans():
    q, h, k = question(0)
    X, y = training_rows(q, ROOM, [{"hotel": [h], "room_type": [k, k.title()]}], FakeEncoder())
    assert len(X) == 2 and all(x.shape[1] == len(SPAN_FEATURES) for x in X)
    assert sum(y) == 2  # one span per parameter
    # A value the question does not state gives no rows at all (nothing to learn from).
    X, y = training_rows(q, ROOM, [{"hotel": ["Nowhere Inn"], "room_type": [k]}], FakeEncoder())
    assert len(X) == 1


def test_prior_learns_where_each_value_sits_and_ranks_it_first_on_new_questions():
    enc = FakeEncoder()
    X, y = [], []
    for i in range(60):
        q, h, k = question(i)
        Xi, yi = training_rows(q, ROOM, [{"hotel": [h], "room_type": [k]}], enc)
        X += Xi
        y += yi
    model = json.loads(json.dumps(fit_span_prior(np.vstack(X), np.asarray(y))))
    hits = 0
    for i in range(60, 72):  # held-out questions (new hotel/kind pairs and counts)
        q, h, k = question(i)
        starts, ends = spans(q, exclude=set())
        for p, want in (("hotel", h), ("room_type", k)):
            sc = span_scores(model, q, ROOM, p, candidates(q, starts, ends), enc)
            a, b = max(sc, key=sc.get)
            hits += q[a:b] == want
    assert hits >= 22  # of 24


def test_span_prior_survives_save_and_load_and_an_older_selector_is_refused(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, len(SPAN_FEATURES)))
    a = BfclAnswerer(encoder=FakeEncoder())
    a.spans = fit_span_prior(X, (X[:, 0] > 0.5).astype(float))
    a.save(tmp_path)
    b = BfclAnswerer.load(tmp_path)
    from loracle.agent.bfcl_trees import tree_score
    assert [tree_score(b.spans, list(x)) for x in X] == [tree_score(a.spans, list(x)) for x in X]
    d = json.loads((tmp_path / "selector.json").read_text())
    del d["spans"]  # saved before the span prior existed
    (tmp_path / "selector.json").write_text(json.dumps(d))
    with pytest.raises(InputError, match="re-fit"):
        BfclAnswerer.load(tmp_path)


@pytest.mark.parametrize("want", ["deluxe", "Grand Plaza", "Paris"])
def test_a_heavy_prior_decides_the_copied_span_whatever_the_lm_weights(bfcl_decoder, want):
    q = "Book a deluxe room at the Grand Plaza in Paris for two nights."
    f = {"name": "book", "description": "Book.", "parameters": {
        "type": "dict", "required": ["what"], "properties": {"what": {"type": "string"}}}}
    def prior(question, function, param, cands):
        return {(a, b): 0.0 if question[a:b] == want else -1.0 for a, b in cands}
    decoder, weight = bfcl_decoder, bfcl_decoder.prior_weight
    decoder.prior, decoder.prior_weight = prior, 1000.0
    try:
        assert decoder(q, f) == {"what": want}
        decoder.prior = None  # without it the random weights pick some span of the question
        assert decoder(q, f)["what"] in q
    finally:
        decoder.prior, decoder.prior_weight = None, weight


@pytest.mark.parametrize("q, crossing, inside", [
    ("Retrieve the case titled 'Roe v. Wade'.Include dissent information.",
     "Roe v. Wade'.Include dissent", "Roe v. Wade"),
    ("Translate Hello, how is the weather? from English to French.",
     "Hello, how is the weather? from English", "Hello, how is the weather"),
    ("Tell me the rewards for the trophy level in 'Fortnite' on my PC.",
     "level in 'Fortnite", "level")])
def test_no_copied_value_runs_past_a_quote_or_a_questions_end(bfcl_decoder, q, crossing,
                                                               inside):
    at = q.index(inside)
    assert at + len(inside) <= span_stop(q, at) < at + len(crossing)
    f = {"name": "get", "description": "Get.", "parameters": {
        "type": "dict", "required": ["what"], "properties": {"what": {"type": "string"}}}}
    def prior(question, function, param, cands):  # the crossing span, if it may be had
        return {(a, b): 0.0 if question[a:b] == crossing else
                -0.5 if question[a:b] == inside else -1.0 for a, b in cands}
    decoder, weight = bfcl_decoder, bfcl_decoder.prior_weight
    decoder.prior, decoder.prior_weight = prior, 1000.0
    try:
        assert decoder(q, f) == {"what": inside}
    finally:
        decoder.prior, decoder.prior_weight = None, weight


def test_a_negative_or_nan_span_weight_is_refused():
    for w in (-1.0, float("nan")):
        with pytest.raises(InputError, match="span_weight"):
            BfclAnswerer(span_weight=w)
