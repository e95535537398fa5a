"""Typical mistakes in layers.ipynb, as edits of the solution."""

from autograder.mutants import Edit, mutant  # noqa: F401 (used as the mutants move here)

MUTANTS = ()
