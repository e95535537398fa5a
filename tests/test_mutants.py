"""Mutants are edits of the solution: they apply to today's solution or fail loudly."""

from __future__ import annotations

import pytest

from autograder.course import all_labs
from autograder.mutants import Edit, MutantError, apply, definitions, mutant
from autograder.samples import solution_definitions, variants

SOLUTION = '''def add(a, b):
    """Sum of a and b."""
    return a + b


class Box:
    def size(self):
        return 1
'''


def test_an_edit_replaces_its_text_in_the_named_definition_only():
    found = definitions(SOLUTION)
    assert set(found) == {"add", "Box"}
    m = mutant("minus", "test_add", "subtracts", Edit("add", "return a + b", "return a - b"))
    assert apply(m, found) == {"add": found["add"].replace("a + b", "a - b")}


@pytest.mark.parametrize(("edit", "reason"), [
    (Edit("add", "return a * b", "return a - b"), "no longer contains 'return a \\* b'"),
    (Edit("add", "b", "c"), "contains 3 times 'b'"),
    (Edit("mul", "a", "b"), "the solution defines no mul"),
    (Edit("add", "return a + b", "return (a"), "is not valid Python"),
])
def test_a_stale_or_ambiguous_edit_fails_loudly_naming_the_mutant(edit, reason):
    with pytest.raises(MutantError, match=f"mutant broken: .*{reason}"):
        apply(mutant("broken", "test_add", "why", edit), definitions(SOLUTION))


def test_edits_of_one_function_apply_in_turn():
    m = mutant("two", "test_add", "why", Edit("add", "a + b", "a + b + 1"),
               Edit("add", "+ 1", "+ 2"))
    assert "return a + b + 2" in apply(m, definitions(SOLUTION))["add"]


def test_a_mutant_needs_an_edit():
    with pytest.raises(MutantError, match="no edits"):
        mutant("empty", "test_add", "why")


@pytest.mark.parametrize("lab", [lab.name for lab in all_labs()])
def test_every_mutant_changes_the_solution_and_names_are_unique(lab):
    solution = solution_definitions(lab)
    mutants = variants(lab, "mutants")
    names = [m.name for m in mutants]
    assert len(names) == len(set(names)), "two mutants share a name"
    for m in mutants:
        assert m.functions, m.name
        assert all(source != solution.get(name) for name, source in m.functions.items()), m.name
