"""Every item of a coordination (loracle.agent.bfcl_items). Pure functions and a fake
decoder, no LM."""
from __future__ import annotations

from loracle.agent.bfcl_items import complete, complete_lists


def strings(name: str, param: str, enum: list | None = None) -> dict:
    items = {"type": "string", **({"enum": enum} if enum else {})}
    return {"name": name, "description": "", "parameters": {
        "type": "dict", "required": [param], "properties": {
            param: {"type": "array", "items": items, "description": "Items."},
            "location": {"type": "string", "description": "City."},
            "size": {"type": "string", "description": "Size."}}}}


TRAITS = ("What are my Big Five scores given that I am efficient, organized, easy going and "
          "compassionate?")
SHOPS = ("Show me the closest music shop where I can purchase a Yamaha acoustic guitar and a "
         "Kawai piano in San Francisco, California, and Chicago, Illinois.")


def test_a_cut_item_runs_on_and_the_coordination_s_later_items_join():
    assert complete(TRAITS, ["efficient", "organized", "easy"], set()) == \
        ["efficient", "organized", "easy going", "compassionate"]
    # The conjunct ends before a preposition: "a Kawai piano in San Francisco".
    assert complete(SHOPS, ["Yamaha"], {"san francisco, california"}) == \
        ["Yamaha acoustic guitar", "Kawai piano"]


def test_another_value_ends_an_item_and_no_item_holds_one():
    q = "Order a large pepperoni pizza and a chicken Caesar salad from the downtown store."
    assert complete(q, ["pepperoni"], {"large", "downtown"}) == \
        ["pepperoni pizza", "chicken Caesar salad"]
    # "an Ace and 10, and the dealer having 10 and 9": the first list closed at its "and".
    q = "My hand is an Ace and 10, and the dealer having 10 and 9."
    assert complete(q, ["Ace", "10"], {"10", "9"}) == ["Ace", "10"]


def test_lists_that_are_not_a_coordination_stay():
    # No separator after the item: "cheese for 2 servings" is one item.
    q = "Give me a recipe for a vegetarian pasta with cheese for 2 servings."
    assert complete(q, ["cheese"], set()) == ["cheese"]
    # A vegan menu: no list follows, so the item is not run on to "vegan menu".
    q = "Find a restaurant with a vegan menu near me."
    assert complete(q, ["vegan"], set()) == ["vegan"]
    # Items out of question order, or an item the question does not write, stay.
    assert complete(TRAITS, ["organized", "efficient"], set()) == ["organized", "efficient"]
    assert complete(TRAITS, ["kind"], set()) == ["kind"]
    # A numberless list takes no numbered clause: "onions, serves 4 people" is no item.
    q = "A recipe with potatoes, carrots and onions, serves 4 people."
    assert complete(q, ["potatoes", "carrots", "onions"], set()) == \
        ["potatoes", "carrots", "onions"]


def test_items_other_calls_hold_are_theirs():
    """An enumeration split into one call per company is not one call's list."""
    q = "Stock prices of Apple, Microsoft, Amazon and Tesla over the last week."
    f = strings("stock.get", "companies")
    calls = [{"companies": [c]} for c in ["Apple", "Microsoft", "Amazon", "Tesla"]]
    assert complete_lists(q, f, calls) == calls
    assert complete_lists(q, f, [{"companies": ["Apple"]}]) == \
        [{"companies": ["Apple", "Microsoft", "Amazon", "Tesla"]}]


def test_only_free_string_lists_are_completed():
    q = "Find me a hotel that is pet-friendly, quiet and cheap."
    assert complete_lists(q, strings("hotel.find", "prefs", enum=["pet-friendly", "quiet"]),
                          [{"prefs": ["pet-friendly"]}]) == [{"prefs": ["pet-friendly"]}]
    assert complete_lists(q, strings("hotel.find", "prefs"), [{"prefs": ["pet-friendly"]}]) == \
        [{"prefs": ["pet-friendly", "quiet", "cheap"]}]


def test_the_answerer_completes_a_copied_list():
    from fake_bfcl import FakeEncoder
    from loracle.agent.bfcl import BfclAnswerer

    f = strings("get_bigfive_scores", "characteristics")

    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        return {"characteristics": ["efficient", "organized", "easy"]}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec, threshold=0.0)
    row = {"id": "simple_python_0", "question": [[{"role": "user", "content": TRAITS}]],
           "function": [f]}
    assert a.answer(row) == [{"name": "get_bigfive_scores", "arguments": {
        "characteristics": ["efficient", "organized", "easy going", "compassionate"]}}]
