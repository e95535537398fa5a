"""Lab 3's sandbox side: the drivers the worker may import (nothing of the answers)."""
