"""Lab 2's sandbox side: the drivers the worker may import (nothing of the answers).

``UNAVAILABLE``: Lab 2 grades ``numerical_gradient`` and ``grad_check_sparse`` written by
hand, and the course's gradient checker computes both, so it cannot be imported while Lab 2
is graded (the sandbox puts :mod:`autograder.unavailable` in its place).
"""

UNAVAILABLE = ("course_utils.gradcheck",)
