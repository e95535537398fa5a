"""Lab 1's hidden checks, grader only: the sandbox never mounts this package.

``CHECKS`` maps the grade id of each graded test cell to its :class:`~autograder.checks.Check`;
one module per notebook (``knn.py`` for ``knn.ipynb``), the answer-derived code that names a
mistake in ``answers.py``.
"""

from .knn import CHECKS as KNN_CHECKS

CHECKS = {**KNN_CHECKS}
