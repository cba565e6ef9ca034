"""A flag said one way and then the other gives one call per saying; a flag only said negated
is False, a required flag the question names is True (bfcl_toggles)."""
from __future__ import annotations

from loracle.agent.bfcl_toggles import mentions, toggled

ENTROPY = {"name": "calculate_entropy_change", "description": "Entropy change.",
           "parameters": {"type": "dict", "required": ["initial_temp"], "properties": {
               "initial_temp": {"type": "integer", "description": "Start, K."},
               "isothermal": {"type": "boolean", "description": "Isothermal process."}}}}
FOREST = {"name": "forest_growth_forecast", "description": "Forest growth.",
          "parameters": {"type": "dict", "required": ["location"], "properties": {
              "location": {"type": "string", "description": "Where."},
              "include_human_impact": {"type": "boolean", "description": "Human impact."}}}}


def test_mentions_in_order_negated_by_a_word_before_them():
    q = "The process is isothermal. What if the process is not isothermal?"
    assert mentions(q, "isothermal") == [True, False]
    q = "without applying standardization, then with standardization applied"
    assert mentions(q, "standardize") == [False, True]
    q = "considering the impact of human activities, then without considering human impact"
    assert mentions(q, "include_human_impact") == [True, False]
    assert mentions("I don't need the verdict details", "with_verdict") == [False]
    assert mentions("human activities only", "include_human_impact") == []  # half the name
    assert mentions("nothing here", "include") == []  # filler only: no name to find


def test_one_call_becomes_one_per_saying_and_an_enumeration_takes_them_in_order():
    q = "The process at 300 K is isothermal. What if the process is not isothermal?"
    assert toggled(q, ENTROPY, [{"initial_temp": 300}]) == [
        {"initial_temp": 300, "isothermal": True}, {"initial_temp": 300, "isothermal": False}]
    two = [{"initial_temp": 300}, {"initial_temp": 350}]
    assert toggled(q, ENTROPY, two) == [{"initial_temp": 300, "isothermal": True},
                                        {"initial_temp": 350, "isothermal": False}]
    three = two + [{"initial_temp": 400}]
    assert toggled(q, ENTROPY, three) == three  # neither one call nor one per saying


def test_a_flag_said_one_way_only_changes_nothing():
    call = [{"location": "Amazon", "include_human_impact": True}]
    q = "Forest growth in the Amazon considering human impact, and human impact again."
    assert toggled(q, FOREST, call) == call
    assert toggled("Forest growth in the Amazon.", FOREST, call) == call


def test_a_flag_only_said_negated_is_false():
    call = [{"location": "Amazon", "include_human_impact": True}]
    q = "Forest growth in the Amazon if we do not include the impact of human activities?"
    assert toggled(q, FOREST, call) == [{"location": "Amazon", "include_human_impact": False}]
    assert toggled(q, FOREST, [{"location": "Amazon"}]) == [{"location": "Amazon"}]  # unset
    # "Case No 28473" numbers a case: no negation.
    q = "Details of Case No 28473 and No. 64725, their history and litigants?"
    assert mentions(q, "include_history") == [True]


CASE = {"name": "lawsuit.check_case", "description": "Check a case.",
        "parameters": {"type": "dict", "required": ["case_id", "closed_status"], "properties": {
            "case_id": {"type": "integer", "description": "Case id."},
            "closed_status": {"type": "boolean", "description": "Status to verify."}}}}


def test_a_required_flag_the_question_names_is_true():
    call = [{"case_id": 1234, "closed_status": False}]  # the model's choice
    q = "Details of the lawsuit case with case ID of 1234; verify if it's already closed."
    assert toggled(q, CASE, call) == [{"case_id": 1234, "closed_status": True}]
    assert toggled("Details of the lawsuit case 1234.", CASE, call) == call  # not named
    q = "Details of case 1234, but not its closed status."
    assert toggled(q, CASE, call) == call  # named negated: as the model chose
