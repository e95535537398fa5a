"""Lab 1's answer code: the k-nearest-neighbour vote of one test point, which
:func:`.knn.compare_labels` spells out in its message."""

from __future__ import annotations

import numpy as np


def vote_explanation(dists_row, y_train, k: int) -> str:
    """Which labels the k nearest training points have and which one wins the vote."""
    nearest = y_train[np.argsort(dists_row, kind="stable")[:k]]
    votes = np.bincount(nearest)
    winners = np.flatnonzero(votes == votes.max()).tolist()
    why = f"the {k} nearest labels are {nearest.tolist()}"
    if len(winners) > 1:
        why += f", a tie between {winners} that goes to the smallest, {winners[0]}"
    return why
