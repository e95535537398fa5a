"""Helpers students import in the labs: data, gradient checks, plots."""
