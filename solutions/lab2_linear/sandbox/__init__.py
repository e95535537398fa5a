"""Lab 2's sandbox side: the drivers the worker may import (nothing of the answers)."""
