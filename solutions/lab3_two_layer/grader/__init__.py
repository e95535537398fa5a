"""Lab 3's hidden checks, grader only: the sandbox never mounts this package.

``CHECKS`` maps the grade id of each graded test cell to its :class:`~autograder.checks.Check`,
merged from one module per part of ``two_layer_net.ipynb``: :mod:`.network` (the forward
pass, loss, gradients and predict), :mod:`.training` (train), :mod:`.svm` (the SVM loss) and
:mod:`.model` (the saved network, scored on the images in ``heldout/``). The answer-derived
code that names a mistake is in :mod:`.answers`; the drivers the worker runs are in the lab's
``sandbox`` package.
"""

from .model import CHECKS as MODEL_CHECKS
from .network import CHECKS as NETWORK_CHECKS
from .svm import CHECKS as SVM_CHECKS
from .training import CHECKS as TRAINING_CHECKS

CHECKS = {**NETWORK_CHECKS, **TRAINING_CHECKS, **SVM_CHECKS, **MODEL_CHECKS}
