"""One call per run of a function's clauses (loracle.agent.bfcl_runs). Fake decoders, no LM."""
from __future__ import annotations

import re

from loracle.agent.bfcl_lists import clause_spans
from loracle.agent.bfcl_runs import by_run, runs, states

CAR = {"name": "car.rental", "description": "Rent a car.", "parameters": {
    "type": "dict", "required": ["location", "days"], "properties": {
        "location": {"type": "string", "description": "City."},
        "days": {"type": "integer", "description": "Days."},
        "pick_up": {"type": "string", "description": "Where the car is picked up."},
        "insured": {"type": "boolean", "description": "Full insurance."}}}}
TRIP = ("Can you help me plan my trip? I need to book a hotel room in Paris for 5 nights. "
        "After that, I need to rent a car in Paris for 7 days from the airport. "
        "Then, I need to book another hotel room in Rome for 3 nights. "
        "Lastly, I need to rent a car in Rome for 5 days from the hotel. "
        "Could you assist me with these?")
SPANS = clause_spans(TRIP)


def car_region():
    """The car's clauses: the two rental sentences and the opening request (which states
    nothing), as bfcl.regions would give them."""
    return [s for s in SPANS if "car" in TRIP[s[0]:s[1]] or "help" in TRIP[s[0]:s[1]]]


def run_decoder(seen: list):
    """Reads a run's city, days and pick-up place; without a region it repeats the first
    rental (as the 135M model did)."""
    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        seen.append((len(prev or []), region))
        if not region:
            return {"location": "Paris", "days": 7, "pick_up": "airport"}
        text = question[region[0][0]:region[0][1]]
        out = {"location": re.search(r"in (Paris|Rome)", text).group(1),
               "days": int(re.search(r"(\d+) days", text).group(1)), "insured": False}
        if m := re.search(r"from the (\w+)", text):
            out["pick_up"] = m.group(1)
        return out
    return dec


def test_runs_merge_adjacent_clauses_and_keep_those_that_state_a_value():
    got = [TRIP[a:b].strip() for a, b in runs(TRIP, car_region())]
    assert got == ["After that, I need to rent a car in Paris for 7 days from the airport.",
                   "Lastly, I need to rent a car in Rome for 5 days from the hotel."]
    # Two adjacent clauses are one run.
    assert len(runs(TRIP, SPANS[1:3])) == 1
    assert runs(TRIP, None) == []
    assert not states("Can you help me plan my trip? ")
    assert not states("Could you assist me with these?")
    assert not states("Lastly, I would also ")
    assert states("the player statistics for 'Michael Jordan'")
    assert states("play chess at Central Park")
    assert states("floors 5, 6, 7 and 8")


def test_each_call_is_decoded_from_its_own_run():
    seen = []
    many = [{"location": "Paris", "days": 7, "pick_up": "airport"},
            {"location": "Rome", "days": 7, "pick_up": "airport"}]
    out = by_run(run_decoder(seen), TRIP, CAR, many, car_region())
    # Required values from the run; the optional pick-up is the one the run states (the
    # old "airport" is not stated in the second run, "hotel" is); the flag is the new one.
    assert out == [{"location": "Paris", "days": 7, "pick_up": "airport", "insured": False},
                   {"location": "Rome", "days": 5, "pick_up": "hotel", "insured": False}]
    spans = runs(TRIP, car_region())
    assert seen == [(0, [spans[0]]), (1, [spans[1]])]  # earlier calls in the prompt


def test_an_optional_value_no_run_states_goes():
    # The model's junk: a clause opener ("Lastly") as an optional value, and the old
    # "airport" is the other run's.
    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        return {"location": "Rome", "days": 5, "pick_up": "Lastly"}
    many = [{"location": "Paris", "days": 7}, {"location": "Rome", "days": 5,
                                                "pick_up": "airport"}]
    out = by_run(dec, TRIP, CAR, many, car_region())
    assert out[1] == {"location": "Rome", "days": 5}


def test_fewer_calls_than_runs_decode_nothing_and_more_are_cut_to_the_runs():
    seen = []
    many = [{"location": "Paris", "days": 7}, {"location": "Rome", "days": 5}]
    assert by_run(run_decoder(seen), TRIP, CAR, many[:1], car_region()) == many[:1]
    assert by_run(run_decoder(seen), TRIP, CAR, many, None) == many
    assert seen == []
    # Four calls (an enumeration that multiplied the runs' values) for two runs: one call
    # per run.
    four = [{"location": "Paris", "days": 7}, {"location": "Paris", "days": 5},
            {"location": "Rome", "days": 7}, {"location": "Rome", "days": 5}]
    out = by_run(run_decoder(seen), TRIP, CAR, four, car_region())
    assert [(c["location"], c["days"]) for c in out] == [("Paris", 7), ("Rome", 5)]


HOTEL = {"name": "hotel.book", "description": "Book a hotel room for some nights.",
         "parameters": {"type": "dict", "required": ["location", "nights"], "properties": {
             "location": {"type": "string", "description": "City."},
             "nights": {"type": "integer", "description": "Nights."}}}}


def test_the_answerer_reads_each_call_from_its_run():
    from fake_bfcl import FakeEncoder
    from loracle.agent.bfcl import BfclAnswerer, regions
    seen = []

    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        if function["name"] == "hotel.book":
            return {"location": "Paris", "nights": 5}
        if region and len(region) == 1:  # one run: its own values
            return run_decoder(seen)(question, function, prev, region)
        # All the car's clauses: the first rental's days in every call (the 135M model).
        return {"location": (fixed or {}).get("location", "Paris"), "days": 7}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec, threshold=0.0)
    row = {"id": "parallel_multiple_0", "question": [[{"role": "user", "content": TRIP}]],
           "function": [HOTEL, CAR]}
    cars = [c["arguments"] for c in a.answer(row) if c["name"] == "car.rental"]
    assert [(c["location"], c["days"]) for c in cars] == [("Paris", 7), ("Rome", 5)]
    region = regions(TRIP, [HOTEL, CAR], FakeEncoder())["car.rental"]
    assert seen == [(k, [r]) for k, r in enumerate(runs(TRIP, region))]
