"""Lab 5's hidden checks, grader only: the sandbox never mounts this package.

``CHECKS`` maps the grade id of each graded test cell to its :class:`~autograder.checks.Check`,
in notebook order; one module per part of convnet.ipynb (the naive and fast convolutions share
``convolution.py``, the comparisons and inputs all checks use are in ``common.py``).
"""

from .columns import CHECKS as COLUMN_CHECKS
from .convolution import FAST_CHECKS, NAIVE_CHECKS
from .network import CHECKS as NETWORK_CHECKS
from .pooling import CHECKS as POOLING_CHECKS

CHECKS = {**NAIVE_CHECKS, **POOLING_CHECKS, **COLUMN_CHECKS, **FAST_CHECKS, **NETWORK_CHECKS}
