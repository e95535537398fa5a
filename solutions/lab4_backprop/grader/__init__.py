"""Lab 4's hidden checks, grader only: the sandbox never mounts this package.

``CHECKS`` maps the grade id of each graded test cell to its :class:`~autograder.checks.Check`,
merged from one module per notebook or part of one, in the order the student meets them:
:mod:`.autodiff` (autodiff.ipynb), :mod:`.layers`, :mod:`.networks` and :mod:`.optim`
(layers.ipynb), :mod:`.normalization` (normalization.ipynb). :mod:`.common` holds what they
share; :mod:`.answers` and :mod:`.normalization_answers` the answer-derived code.
"""

from .autodiff import CHECKS as AUTODIFF
from .layers import CHECKS as LAYERS
from .networks import CHECKS as NETWORKS
from .normalization import CHECKS as NORMALIZATION
from .optim import CHECKS as OPTIM

CHECKS = {**AUTODIFF, **LAYERS, **NETWORKS, **OPTIM, **NORMALIZATION}

__all__ = ["CHECKS"]
