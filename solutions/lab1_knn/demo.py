"""The samples ``make demo`` grades for Lab 1, besides the solution, the blank release and
two broken hand-ins: one typical mistake per graded function and one correct variant."""

DEMO = (
    "mutants/two_loops_missing_sqrt",
    "mutants/no_loops_broadcast_3d",
    "mutants/predict_ties_to_largest",
    "mutants/cv_validates_on_training",
    "alternatives/float32_everywhere",
)
