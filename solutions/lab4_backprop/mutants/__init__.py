"""Lab 4's typical mistakes, as edits of the solution (see :mod:`autograder.mutants`), one
module per notebook."""

from .autodiff import MUTANTS as AUTODIFF
from .layers import MUTANTS as LAYERS
from .normalization import MUTANTS as NORMALIZATION

MUTANTS = (*AUTODIFF, *LAYERS, *NORMALIZATION)
