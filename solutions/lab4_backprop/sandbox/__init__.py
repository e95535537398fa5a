"""Lab 4's sandbox side: the drivers the worker may import to exercise a student's object,
one module per part of the lab (nothing of the answers; see ``grader/`` for the checks)."""
