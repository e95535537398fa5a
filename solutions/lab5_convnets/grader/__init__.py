"""Lab 5's hidden checks, grader only: the sandbox never mounts this package.

``CHECKS`` maps the grade id of each graded test cell to its :class:`~autograder.checks.Check`.
"""

from .convnet import CHECKS

__all__ = ["CHECKS"]
