"""A name written with its head ("the theory of relativity") is the whole phrase."""
from __future__ import annotations

from fake_bfcl import FakeEncoder
from loracle.agent.bfcl import BfclAnswerer
from loracle.agent.bfcl_phrases import phrased

DISCOVERY = {"name": "get_scientist_for_discovery", "description": "Who discovered it.",
             "parameters": {"type": "dict", "required": ["discovery"], "properties": {
                 "discovery": {"type": "string", "description": "The discovery."}}}}
EVENT = {"name": "get_event_date", "description": "Date of an event.", "parameters": {
    "type": "dict", "required": ["event"], "properties": {
        "event": {"type": "string", "description": "The event."},
        "location": {"type": "string", "description": "Where it took place."}}}}


def test_a_name_written_with_its_head_is_the_whole_phrase():
    q = "Who is the scientist that first proposed the theory of evolution?"
    assert phrased(q, DISCOVERY, {"discovery": "evolution"}) == {
        "discovery": "theory of evolution"}
    q = "When was the signing of the Treaty of Lisbon?"
    # The event takes its head; a place keeps the bare city.
    assert phrased(q, EVENT, {"event": "Lisbon", "location": "Lisbon"}) == {
        "event": "Treaty of Lisbon", "location": "Lisbon"}
    # Only when every mention is so written, and values already whole stay.
    q = "Compare the Battle of Waterloo with the Waterloo station."
    assert phrased(q, EVENT, {"event": "Waterloo"}) == {"event": "Waterloo"}
    q = "When was the Battle of Waterloo?"
    assert phrased(q, EVENT, {"event": "Battle of Waterloo"})["event"] == "Battle of Waterloo"
    assert phrased("The theory of relativity", DISCOVERY, {"discovery": 3}) == {
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
    assert phrased(q, fuel, {"fuel_type": "gas-fueled", "engine": "V-8"}) == {
        "fuel_type": "gas", "engine": "V-8"}
    assert phrased(q, fuel, {"fuel_type": "gluten-free"})["fuel_type"] == "gluten-free"


def test_a_weekday_keeps_its_next_and_a_place_its_of():
    concert = {"name": "concert.find_nearby", "description": "Concerts.", "parameters": {
        "type": "dict", "required": ["location", "date"], "properties": {
            "location": {"type": "string", "description": "The city."},
            "date": {"type": "string", "description": "The date."}}}}
    q = "Classical concerts near Berlin happening next Friday, then the Boreal Forests of " \
        "Canada on Monday."
    assert phrased(q, concert, {"location": "Boreal Forests", "date": "Friday"}) == {
        "location": "Boreal Forests of Canada", "date": "next Friday"}
    assert phrased(q, concert, {"location": "Berlin", "date": "Monday"}) == {
        "location": "Berlin", "date": "Monday"}
    # "of" extends places only: a card's rank keeps its name.
    card = {"name": "find_card", "description": "A card.", "parameters": {
        "type": "dict", "required": ["rank"], "properties": {"rank": {"type": "string"}}}}
    assert phrased("Is the Ace of Spades there?", card, {"rank": "Ace"}) == {"rank": "Ace"}
