"""Required dict parameters (bfcl_dicts): decoded key by key under the same copy
constraints as top-level values, or taken from a dict literal the question writes."""
from __future__ import annotations

import ast

from loracle.agent.bfcl_dicts import declared, keyed, stated_dicts
from loracle.agent.bfcl_lm import call_text, literal

BUDGET = {"name": "find_properties", "description": "Find properties for sale.",
          "parameters": {"type": "dict", "required": ["location", "budget"], "properties": {
              "location": {"type": "string", "description": "City."},
              "budget": {"type": "dict", "description": "Budget range.", "properties": {
                  "min": {"type": "float", "description": "Minimum budget."},
                  "max": {"type": "float", "description": "Maximum budget."}}}}}}
GRADES = {"name": "calculate_average", "description": "Average grade.",
          "parameters": {"type": "dict", "required": ["gradeDict"], "properties": {
              "gradeDict": {"type": "dict", "description": "Subjects to scores."}}}}


def test_only_dicts_of_scalar_properties_are_decoded_key_by_key():
    assert declared(BUDGET["parameters"]["properties"]["budget"])
    assert not declared(GRADES["parameters"]["properties"]["gradeDict"])  # no properties
    assert not declared({"type": "dict", "properties": {"x": {"type": "array"}}})
    assert not declared({"type": "string", "properties": {"x": {"type": "string"}}})


def test_a_dict_is_written_as_the_decoder_reads_it_and_parses_back():
    text = literal({"name": "John Doe", "n": 3, "rate": 0.5})
    assert text == '{"name": "John Doe", "n": 3, "rate": 0.5}'
    assert ast.literal_eval(text) == {"name": "John Doe", "n": 3, "rate": 0.5}
    assert call_text({"budget": {"min": 1.0}}) == 'budget={"min": 1.0}'


def test_keyed_values_are_read_as_their_type_and_only_when_written():
    q = "Update user 43523 'name':'John Doe', 'email':'jd@email.com' with limit: 1,500."
    assert keyed(q, "name", {"type": "string"}) == "John Doe"
    assert keyed(q, "email", {"type": "string"}) == "jd@email.com"
    assert keyed(q, "limit", {"type": "integer"}) == 1500
    assert keyed(q, "limit", {"type": "float"}) == 1500.0
    assert keyed(q, "name", {"type": "integer"}) is None  # a string is no integer
    assert keyed("The name is Bob.", "name", {"type": "string"}) is None
    assert keyed("a surname: 'Li'", "name", {"type": "string"}) is None  # part of a word


def test_dict_literals_in_the_question_region_first():
    q = "First {'a': 1}. Then the grades {'Math': 85, 'Art': 89}, not {oops} or {}."
    assert stated_dicts(q) == [{"a": 1}, {"Math": 85, "Art": 89}]
    second = q.index("Then")
    assert stated_dicts(q, [(second, len(q))]) == [{"Math": 85, "Art": 89}, {"a": 1}]
    assert stated_dicts("No dict here.") == []


def test_a_declared_dict_takes_numbers_the_question_states_each_once(bfcl_decoder):
    q = "Find a condo in San Diego within a budget of $300,000 to $400,000."
    args = bfcl_decoder(q, BUDGET)
    budget = args["budget"]  # whatever the random model prefers, both are stated numbers
    assert set(budget) == {"min", "max"}
    assert {budget["min"], budget["max"]} == {300000.0, 400000.0}
    assert all(isinstance(v, float) for v in budget.values())


def test_a_keyed_property_is_taken_as_written(bfcl_decoder):
    f = {"name": "update_user_info", "description": "Update a user.", "parameters": {
        "type": "dict", "required": ["user_id", "update_info"], "properties": {
            "user_id": {"type": "integer", "description": "The user id."},
            "update_info": {"type": "dict", "description": "New info.", "properties": {
                "name": {"type": "string", "description": "Name."},
                "email": {"type": "string", "description": "Email."}}}}}}
    q = "Update user id 43523 'name':'John Doe', 'email':'jd@email.com' in the database."
    args = bfcl_decoder(q, f)
    assert args["update_info"] == {"name": "John Doe", "email": "jd@email.com"}
    assert args["user_id"] == 43523


def test_an_undeclared_dict_takes_the_literal_the_question_writes(bfcl_decoder):
    q = "Average of John's scores {'math':90, 'science':75} across subjects."
    assert bfcl_decoder(q, GRADES) == {"gradeDict": {"math": 90, "science": 75}}
