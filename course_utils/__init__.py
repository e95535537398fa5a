"""Helpers students import in the labs (data, gradient checks, plots), and the student's
`nnlabs` command (:mod:`course_utils.cli`) with the JupyterLab set-up it uses."""
