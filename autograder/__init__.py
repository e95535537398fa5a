"""Instructor tooling: build the student release, grade submissions, give feedback.

Run ``python -m autograder --help`` for the commands.
"""
