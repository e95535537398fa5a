"""Lab 2's hidden checks, grader only: the sandbox never mounts this package.

``CHECKS`` maps the grade id of each graded test cell to its :class:`~autograder.checks.Check`,
merged from one module per part of ``linear_classifiers.ipynb``: ``training.py`` (the
perceptron, ``LinearClassifier.train`` and ``predict``), ``losses.py`` (SVM and softmax) and
``gradients.py`` (gradient checking by hand);
the answer-derived code that names a mistake is in ``answers.py``.
"""

from .gradients import CHECKS as GRADIENT_CHECKS
from .losses import CHECKS as LOSS_CHECKS
from .training import CHECKS as TRAINING_CHECKS

CHECKS = {**TRAINING_CHECKS, **LOSS_CHECKS, **GRADIENT_CHECKS}
