"""Stands in, inside the sandbox, for a course module a lab declares unavailable to its graded
code (its sandbox package's ``UNAVAILABLE``): Lab 2 grades a numerical gradient written by
hand, so the course's own gradient checker cannot be imported while Lab 2 is graded."""

raise ImportError(f"{__name__} is not available while this lab is graded: this lab asks you "
                  "to write it yourself, so use only numpy inside your graded functions")
