"""The samples ``make demo`` grades for Lab 4, besides the solution, the blank release and
two broken hand-ins: typical mistakes and one correct variant."""

DEMO = (
    "mutants/value_grad_overwritten",
    "mutants/dropout_forward_at_test_time",
    "mutants/momentum_sign",
    "mutants/adam_no_bias_correction",
    "alternatives/layers_other_vectorisations",
)
