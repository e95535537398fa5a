# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Each creates the virtual environment if it is missing and installs the package into it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-real release lab bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## build the release, grade sample submissions, print the table
	$(PY) -m autograder demo

test: $(STAMP)  ## lint, then the test suite on bundled data (real-data tier on a small scale)
	$(PY) -m ruff check .
	$(PY) -m pytest

test-real: $(STAMP)  ## the real-data tier in full, using ../shared/data
	NNLABS_REAL_SCALE=full $(PY) -m pytest -m realdata

release: $(STAMP)  ## rebuild labs/ from solutions/
	$(PY) -m autograder release

lab: $(STAMP)  ## open the labs in JupyterLab (nbgrader's Validate and assignment list, course kernel)
	$(PY) -m course_utils.jupyter labs/

bench: $(STAMP)  ## benchmarks (figures and ratios against a baseline in the same run)
	$(PY) -m pip install --quiet -e '.[bench]'
	for module in benchmarks.grader benchmarks.similarity $$(ls solutions/*/benchmark.py | sed 's#/#.#g; s#\.py$$##'); do \
		$(PY) -m $$module || exit 1; done

clean:
	rm -rf $(VENV) demo-output
