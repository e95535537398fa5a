"""Grader-only parts of the hidden checks: code that computes a graded function's answer.

The checks compare a student's result with the reference and, to name the mistake, with
deliberately wrong variants of it. That code answers the graded questions, so it lives here,
in a folder the sandbox masks (:data:`autograder.sandbox.GRADER_ONLY`): the worker imports the
lab modules for their drivers, and a notebook cell that imports from this package fails.
Lab modules import from here only inside the functions that run in the grader's process
(cases and compare functions), never at module level.
"""
