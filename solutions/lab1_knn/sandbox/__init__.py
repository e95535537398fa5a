"""Lab 1's sandbox side: what the worker may import. Lab 1 needs no drivers (each hidden
case calls the graded function with the case's arguments), so this package is empty."""
