"""Similarity report for a class: which submissions share code, per graded function.

``extract`` (a graded function's code from the solution cells), ``simplify`` (dead code out,
mechanical variants one way), ``normalise`` (rename-proof, order-proof tokens),
``fingerprint`` (winnowing, as in MOSS), ``score`` (rare shared fingerprints, the release
subtracted), ``report`` (CSV and HTML), ``run`` (a whole class, cached, in parallel).
"""
