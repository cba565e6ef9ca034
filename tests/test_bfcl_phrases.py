"""A name written with its head ("the theory of relativity") is the whole phrase."""
from __future__ import annotations

from fake_bfcl import FakeEncoder
from loracle.agent.bfcl import BfclAnswerer
from loracle.agent.bfcl_phrases import with_heads

DISCOVERY = {"name": "get_scientist_for_discovery", "description": "Who discovered it.",
             "parameters": {"type": "dict", "required": ["discovery"], "properties": {
                 "discovery": {"type": "string", "description": "The discovery."}}}}
EVENT = {"name": "get_event_date", "description": "Date of an event.", "parameters": {
    "type": "dict", "required": ["event"], "properties": {
        "event": {"type": "string", "description": "The event."},
        "location": {"type": "string", "description": "Where it took place."}}}}


def test_a_name_written_with_its_head_is_the_whole_phrase():
    q = "Who is the scientist that first proposed the theory of evolution?"
    assert with_heads(q, DISCOVERY, {"discovery": "evolution"}) == {
        "discovery": "theory of evolution"}
    q = "When was the signing of the Treaty of Lisbon?"
    # The event takes its head; a place keeps the bare city.
    assert with_heads(q, EVENT, {"event": "Lisbon", "location": "Lisbon"}) == {
        "event": "Treaty of Lisbon", "location": "Lisbon"}
    # Only when every mention is so written, and values already whole stay.
    q = "Compare the Battle of Waterloo with the Waterloo station."
    assert with_heads(q, EVENT, {"event": "Waterloo"}) == {"event": "Waterloo"}
    q = "When was the Battle of Waterloo?"
    assert with_heads(q, EVENT, {"event": "Battle of Waterloo"})["event"] == "Battle of Waterloo"
    assert with_heads("The theory of relativity", DISCOVERY, {"discovery": 3}) == {
        "discovery": 3}


class _Copy:
    """A decoder that copies the bare word, as SmolLM2 did."""
    def __call__(self, question, function, prev=None, region=None, fixed=None,
                 fresh=frozenset()):
        return {"discovery": "relativity"}


def test_the_answerer_writes_the_whole_phrase():
    ans = BfclAnswerer(encoder=FakeEncoder(), decoder=_Copy(), threshold=0.0)
    row = {"id": "t", "question": [[{"role": "user", "content":
                                      "Who invented the theory of relativity?"}]],
           "function": [DISCOVERY]}
    assert ans.answer(row) == [{"name": "get_scientist_for_discovery",
                                "arguments": {"discovery": "theory of relativity"}}]


def test_a_value_written_with_its_kind_is_the_value():
    fuel = {"name": "calculate_emissions", "description": "CO2 of a car.", "parameters": {
        "type": "dict", "required": ["fuel_type"], "properties": {
            "fuel_type": {"type": "string", "description": "Type of fuel."},
            "engine": {"type": "string", "description": "Engine."}}}}
    q = "How much CO2 does a gas-fueled car with a V-8 engine produce?"
    assert with_heads(q, fuel, {"fuel_type": "gas-fueled", "engine": "V-8"}) == {
        "fuel_type": "gas", "engine": "V-8"}
    assert with_heads(q, fuel, {"fuel_type": "gluten-free"})["fuel_type"] == "gluten-free"
