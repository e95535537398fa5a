"""The samples ``make demo`` grades for Lab 2, besides the solution, the blank release and
two broken hand-ins: typical mistakes and one correct variant."""

DEMO = (
    "mutants/svm_vectorized_sums",
    "mutants/softmax_vectorized_unstable",
    "mutants/train_same_batch",
    "mutants/train_never_updates",
    "alternatives/float32_everywhere",
)
