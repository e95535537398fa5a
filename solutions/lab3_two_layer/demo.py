"""The samples ``make demo`` grades for Lab 3, besides the solution, the blank release and
two broken hand-ins: typical mistakes and one correct variant."""

DEMO = (
    "mutants/backward_no_relu_mask",
    "mutants/backward_bias_wrong_axis",
    "mutants/train_decay_every_iteration",
    "mutants/svm_counts_correct_class",
    "alternatives/float32_everywhere",
)
