"""The samples ``make demo`` grades for Lab 5, besides the solution, the blank release and
two broken hand-ins: typical mistakes and one correct variant."""

DEMO = (
    "mutants/conv_backward_stride_ignored",
    "mutants/pool_backward_assign_not_add",
    "mutants/conv_forward_flipped_filters",
    "mutants/fast_backward_db_wrong_axis",
    "alternatives/float32_everywhere",
)
