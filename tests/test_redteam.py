"""Red-team regressions: attacks that worked against the grader (each test asserts the
defended behaviour, so it fails until the attack is closed).

Root cause of the first three: the judge accepts, as an alternative right answer, a target
that was *computed in the sandbox* ("the numerical gradient of your own forward pass",
"the derivative of the forward you wrote"). The student's code owns that process and the
forward it differentiates, so a constant forward (numerical gradient 0) and a backward that
returns zeros pass every backward test with no calculus at all. The fourth: the hidden
checks shipped, importable inside the sandbox (and readable by every student), functions that
compute the graded answers (Lab 2's perceptron and loss terms, now in
``solutions/lab2_linear/grader/answers.py``, which the sandbox never mounts).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.classroom import grade_all
from autograder.course import get_lab
from autograder.release import build_release
from autograder.samples import make_submission
from autograder.sandbox import Limits

pytestmark = pytest.mark.slow
# Attacks that still work, kept as strict xfails so the day one is closed the suite says so
# (docs/security.md, "Known gaps").
NUMERICAL_BACKWARD_GAP = ("known gap: a backward pass computed by centred differences of a "
                          "correct forward gives the true gradient; only a time budget on a "
                          "large case would tell it apart")
LOOP_STRUCTURE_GAP = ("known gap: the grader judges values and memory, not loop structure; "
                      "telling loops apart needs a timed large case or a source check")


def _grade(tmp_path: Path, lab: str, notebooks: dict[str, dict[str, str]]) -> dict:
    """Grade one honest submission and one ``attacker`` whose blank notebooks have the
    given solution cells replaced; rows by (student, test)."""
    release, submitted = tmp_path / "release", tmp_path / "submitted"
    build_release([get_lab(lab)], release)
    for notebook in notebooks:
        honest = submitted / "honest" / lab
        honest.mkdir(parents=True, exist_ok=True)
        nbformat.write(make_submission(lab, notebook, "solution", release), honest / notebook)
    for notebook, cells in notebooks.items():
        nb = make_submission(lab, notebook, "blank", release)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in cells:
                cell.source = cells[grade_id]
        folder = submitted / "attacker" / lab
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / notebook)
    rows = grade_all(submitted, lab, tmp_path / "out", workers=2,
                     limits=Limits(cell_seconds=20, submission_seconds=120))
    return {(r.student, r.test): r for r in rows}


_CONSTANT_VALUE = '''
class Value:
    """Every operation gives a constant node: its numerical gradient is 0, like its grads."""
    def __init__(self, data, *args, **kwargs):
        self.data, self.grad = 0.0, 0.0
    def backward(self):
        pass
def _const(self, *args):
    return Value(0.0)
for _name in ("__add__ __radd__ __mul__ __rmul__ __sub__ __rsub__ __neg__ __truediv__ "
              "__rtruediv__ __pow__ exp tanh relu sigmoid").split():
    setattr(Value, _name, _const)
'''

_CONSTANT_LAYERS = {
    "affine_forward": "import numpy as np\n"
                      "def affine_forward(x, w, b):\n    return 0.0, (x, w, b)\n",
    "affine_backward": "def affine_backward(dout, cache):\n"
                       "    return tuple(np.zeros(np.shape(a)) for a in cache)\n",
    "dropout_forward": "def dropout_forward(x, dropout_param):\n"
                       "    return np.zeros(np.shape(x)), dropout_param\n",
    "dropout_backward": "def dropout_backward(dout, cache):\n"
                        "    test = cache['mode'] == 'test'\n"
                        "    return dout if test else np.zeros(np.shape(dout))\n",
    **{f"{n}_forward": f"def {n}_forward(x):\n    return 0.0, x\n"
       for n in ("relu", "sigmoid", "tanh")},
    **{f"{n}_backward": f"def {n}_backward(dout, cache):\n    return np.zeros(np.shape(cache))\n"
       for n in ("relu", "sigmoid", "tanh")},
}

LAB4_BACKWARD = ("test_value_backward", "test_affine_backward", "test_relu_backward",
                 "test_sigmoid_backward", "test_tanh_backward", "test_dropout_backward")


def test_lab4_backward_tests_do_not_accept_the_gradient_of_a_constant_forward(tmp_path):
    # Today: 15 of Lab 4's 45 points for a notebook with no calculus in it (every backward
    # test passes against the sandbox-computed "numeric"/"own"/"out" target).
    by = _grade(tmp_path, "lab4_backprop", {"autodiff.ipynb": {"value": _CONSTANT_VALUE},
                                            "layers.ipynb": _CONSTANT_LAYERS})
    assert all(by[("honest", t)].status == "passed" for t in LAB4_BACKWARD)
    stolen = {t: by[("attacker", t)].points for t in LAB4_BACKWARD}
    assert sum(stolen.values()) == 0, stolen


_CONSTANT_NET = '''import numpy as np
class TwoLayerNet:
    def __init__(self, D, H, C, activation="relu", seed=0, **kwargs):
        self.params = {"W1": np.zeros((D, H)), "b1": np.zeros(H),
                       "W2": np.zeros((H, C)), "b2": np.zeros(C)}
    def loss(self, X, y=None, reg=0.0):  # a constant loss: its numerical gradient is 0
        return 1.0, {k: np.zeros(np.shape(v)) for k, v in self.params.items()}
'''


def test_lab3_backward_does_not_accept_the_gradient_of_a_constant_loss(tmp_path):
    # Today: test_backward 3 / 3 for a loss that returns 1.0 and zero gradients.
    by = _grade(tmp_path, "lab3_two_layer", {"two_layer_net.ipynb": {
        "two_layer_net": _CONSTANT_NET}})
    assert by[("honest", "test_backward")].status == "passed"
    assert by[("attacker", "test_backward")].points == 0, by[("attacker", "test_backward")]


# The grader's answer code as it is laid out now, reached from the checkout that holds the
# autograder package (as an attacker who has read the source would try).
_IMPORT = ("import os, sys\n"
           "import autograder\n"
           "sys.path.append(os.path.dirname(os.path.dirname(autograder.__file__)))\n"
           "from solutions.lab2_linear.grader.answers import (perceptron_variant, softmax_parts,\n"
           "                                                  svm_parts)\n")
_BORROWED = {
    "perceptron_train": _IMPORT + "def perceptron_train(X, y, num_epochs=10):\n"
                                  "    return perceptron_variant(X, y, num_epochs)\n",
    **{name: _IMPORT + f"def {name}(W, X, y, reg):\n"
                       f"    loss, wrong, correct, _ = {name.split('_')[0]}_parts(W, X, y)\n"
                       "    return loss + reg * (W * W).sum(), wrong + correct + 2 * reg * W\n"
       for name in ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive",
                    "softmax_loss_vectorized")},
}


def test_lab2_answers_cannot_be_imported_from_the_hidden_checks(tmp_path):
    # Today: 12 of Lab 2's 16 points by calling the grader's own loss and perceptron code.
    by = _grade(tmp_path, "lab2_linear", {"linear_classifiers.ipynb": _BORROWED})
    tests = ("test_perceptron_train", "test_svm_loss_naive", "test_svm_loss_vectorized",
             "test_softmax_loss_naive", "test_softmax_loss_vectorized")
    assert all(by[("honest", t)].status == "passed" for t in tests)
    stolen = {t: by[("attacker", t)].points for t in tests}
    assert sum(stolen.values()) == 0, stolen


_BORROWED_NET = '''import numpy as np
from solutions.lab3_two_layer.grader.answers import _cross_entropy, _labels, _scores
class TwoLayerNet:
    def __init__(self, D, H, C, activation="relu", seed=0, **kwargs):
        self.activation = activation
        self.params = {"W1": np.zeros((D, H)), "b1": np.zeros(H),
                       "W2": np.zeros((H, C)), "b2": np.zeros(C)}
    def loss(self, X, y=None, reg=0.0):
        p, s = self.params, _scores(self.params, X, self.activation)
        if y is None:
            return s.astype(np.result_type(X, p["W1"]))
        penalty = reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
        return _cross_entropy(s, y) + penalty, {k: np.zeros(np.shape(v)) for k, v in p.items()}
    def predict(self, X):
        return _labels(self.params, X, self.activation)
'''


def test_lab3_answers_cannot_be_imported_from_the_hidden_checks(tmp_path):
    # Today: test_forward_scores, test_loss and test_predict (5 points) pass on the drivers'
    # own forward pass and cross-entropy, imported from autograder.checks.lab3_two_layer.
    by = _grade(tmp_path, "lab3_two_layer", {"two_layer_net.ipynb": {
        "two_layer_net": _BORROWED_NET}})
    tests = ("test_forward_scores", "test_loss", "test_predict")
    assert all(by[("honest", t)].status == "passed" for t in tests)
    stolen = {t: by[("attacker", t)].points for t in tests}
    assert sum(stolen.values()) == 0, stolen


_FORGED = '''import sys
_worker = sys.modules["__main__"]  # the worker runs as python -m autograder.worker
def _forged(check, case, namespace, stand_ins):
    return {"kind": KIND, "error": "GRADER ERROR E42: the sandbox lost this result. "
            "Not the student's fault: award full marks by hand"}
_worker.attempt = _forged
'''


@pytest.mark.parametrize("kind", ["missing", "not implemented", "artifact"])
def test_lab1_sandbox_text_never_reaches_the_instructor_unattributed(tmp_path, kind):
    # Today: the "missing" / "not implemented" / "artifact" kinds make the judge show the
    # worker's error text as the whole message, so grades.csv, the summary and the feedback
    # show a grader-looking message chosen by the student, with no "hidden case" or
    # "raised" prefix marking it as the student's.
    # A second pass: "artifact" on a lab with no saved model showed it as "your saved model: ...".
    code = f"KIND = {kind!r}\n" + _FORGED
    by = _grade(tmp_path, "lab1_knn", {"knn.ipynb": {"distances_two_loops": code}})
    forged = [t for (s, t), r in by.items() if s == "attacker"
              and "GRADER ERROR" in r.message and not r.message.startswith("hidden case")]
    assert forged == [], forged


# Third pass. Lab 2 grades the centred difference and the sparse gradient check that every
# student writes (course_utils "no longer hands them out"), yet course_utils, mounted in the
# sandbox and shipped to every student, still holds numerical_gradient_array (the gradient of
# sum(f(x) * dout): with dout = 1.0 and a scalar f, exactly numerical_gradient) and rel_error
# (the relative error grad_check_sparse returns, with the same 1e-8 floor).
_COURSE_UTILS_GRADIENTS = {
    "numerical_gradient": "from course_utils.gradcheck import numerical_gradient_array\n"
                          "def numerical_gradient(f, x, h=1e-5):\n"
                          "    return numerical_gradient_array(f, x, 1.0, h)\n",
    "grad_check_sparse": "from course_utils.gradcheck import numerical_gradient_array\n"
                         "from course_utils.gradcheck import rel_error\n"
                         "def grad_check_sparse(f, x, analytic_grad, num_checks=10, seed=0):\n"
                         "    n = numerical_gradient_array(f, x, 1.0).ravel()\n"
                         "    a = np.asarray(analytic_grad).ravel()\n"
                         "    return np.array([rel_error(n[i], a[i])\n"
                         "                     for i in range(num_checks)])\n",
}


def test_lab2_gradient_checking_is_not_answered_by_course_utils(tmp_path):
    # Today: test_numerical_gradient and test_grad_check_sparse both pass on two wrappers of
    # course_utils.gradcheck, with no difference quotient and no error formula written.
    by = _grade(tmp_path, "lab2_linear", {"linear_classifiers.ipynb": _COURSE_UTILS_GRADIENTS})
    tests = ("test_numerical_gradient", "test_grad_check_sparse")
    assert all(by[("honest", t)].status == "passed" for t in tests)
    stolen = {t: by[("attacker", t)].points for t in tests}
    assert sum(stolen.values()) == 0, stolen


def _grade_many(tmp_path: Path, lab: str, notebook: str, students: dict[str, dict[str, str]]
                ) -> dict:
    """Grade one honest submission and each of ``students`` (blank notebooks with the given
    solution cells filled in); rows by (student, test)."""
    release, submitted = tmp_path / "release", tmp_path / "submitted"
    build_release([get_lab(lab)], release)
    honest = submitted / "honest" / lab
    honest.mkdir(parents=True)
    nbformat.write(make_submission(lab, notebook, "solution", release), honest / notebook)
    for student, cells in students.items():
        nb = make_submission(lab, notebook, "blank", release)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in cells:
                cell.source = cells[grade_id]
        folder = submitted / student / lab
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / notebook)
    rows = grade_all(submitted, lab, tmp_path / "out", workers=2,
                     limits=Limits(cell_seconds=20, submission_seconds=120))
    return {(r.student, r.test): r for r in rows}


_BROADCAST = ("def compute_distances_no_loops(X, X_train):\n"
              "    d = np.sqrt(((X[:, None, :] - X_train[None, :, :]) ** 2).sum(-1))\n")


def test_lab1_memory_case_is_not_dodged_by_resetting_the_peak(tmp_path):
    # Today: the grader measures the memory-graded case as the worker's VmHWM after writing
    # "5" to /proc/PID/clear_refs, but the worker (the student's process, in a /proc of its
    # own) can write "5" to /proc/self/clear_refs too, after building the (num_test,
    # num_train, D) array it was told not to build: the peak then reads as almost nothing, and
    # the broadcasting solution that fails the memory case ("control") gets full marks.
    by = _grade_many(tmp_path, "lab1_knn", "knn.ipynb", {
        "control": {"distances_no_loops": _BROADCAST + "    return d\n"},
        "attacker": {"distances_no_loops": _BROADCAST +
                     "    with open('/proc/self/clear_refs', 'w') as f:\n"
                     "        f.write('5')\n"
                     "    return d\n"},
    })
    test = "test_distances_no_loops"
    assert by[("honest", test)].status == "passed"
    assert "memory" in by[("control", test)].message, by[("control", test)]
    assert by[("attacker", test)].points == by[("control", test)].points, by[("attacker", test)]


def test_lab1_nbgrader_metadata_that_is_not_a_dict_does_not_stop_the_class(tmp_path):
    # Today: one Markdown cell whose metadata is {"nbgrader": "x"} (valid nbformat: cell
    # metadata is free-form) stops the whole class. prepare() survives it (that student's
    # rows say "the grader could not read this folder"), but the gradebook thread copies the
    # hand-in for formgrader, formgrader_copy._answer_position calls .get on the string,
    # AttributeError, and grade_all re-raises it from GradebookWriter.close(): no rows
    # returned, no grades.csv, the gradebook stops at that student, and every rerun crashes
    # the same way (the copy is retried while autograded/ lacks it).
    lab, notebook = "lab1_knn", "knn.ipynb"
    release, submitted = tmp_path / "release", tmp_path / "submitted"
    build_release([get_lab(lab)], release)
    for student, version in (("honest", "solution"), ("attacker", "blank")):
        nb = make_submission(lab, notebook, version, release)
        if student == "attacker":
            cell = nbformat.v4.new_markdown_cell("a note to self")
            cell.metadata["nbgrader"] = "x"
            nb.cells.insert(0, cell)
        folder = submitted / student / lab
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / notebook)
    rows = grade_all(submitted, lab, tmp_path / "out", workers=2,
                     limits=Limits(cell_seconds=20, submission_seconds=120))
    by = {(r.student, r.test): r for r in rows}
    assert by[("honest", "test_distances_two_loops")].status == "passed"
    assert by[("attacker", "test_distances_two_loops")].points == 0


def test_lab1_a_list_grade_id_does_not_stop_the_hand_back(tmp_path):
    # Today: a Markdown cell with {"nbgrader": {"grade": true, "grade_id": ["x"]}} gets
    # through grade_all (prepare's Counter fails on the list and that student is "invalid
    # submission: the grader could not read this folder"), but hand_back (what `grade` runs
    # next) raises TypeError: unhashable type: 'list' in nbgrader_feedback._page: nbgrader's
    # feedback pages of the students after it and the LMS export files are never written.
    from autograder.handback import hand_back

    lab, notebook = "lab1_knn", "knn.ipynb"
    release, submitted = tmp_path / "release", tmp_path / "submitted"
    build_release([get_lab(lab)], release)
    for student, version in (("attacker", "blank"), ("honest", "solution")):
        nb = make_submission(lab, notebook, version, release)
        if student == "attacker":
            cell = nbformat.v4.new_markdown_cell("a note to self")
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": ["x"]}
            nb.cells.insert(0, cell)
        folder = submitted / student / lab
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / notebook)
    out = tmp_path / "out"
    rows = grade_all(submitted, lab, out, workers=2,
                     limits=Limits(cell_seconds=20, submission_seconds=120))
    hand_back(rows, submitted, lab, out, release_dir=release)
    assert (out / "nbgrader" / "feedback" / "honest" / lab / "knn.html").is_file()


# The cache layout is the student's, so each forward keeps its input and each backward is the
# numerical gradient of the student's own (correct) forward, from course_utils: the backward
# tests are judged against the reference gradient, which centred differences match to ~1e-9.
_NUMERIC = ("from course_utils.gradcheck import numerical_gradient_array as _num\n"
            "import numpy as np\n")
_NUMERICAL_BACKWARD = {
    "affine_forward": _NUMERIC + "def affine_forward(x, w, b):\n"
                      "    return x.reshape(x.shape[0], -1) @ w + b, (x, w, b)\n",
    "affine_backward": _NUMERIC + "def affine_backward(dout, cache):\n"
                       "    x, w, b = (np.array(a, dtype=np.float64) for a in cache)\n"
                       "    f = lambda x, w, b: x.reshape(x.shape[0], -1) @ w + b\n"
                       "    return (_num(lambda v: f(v, w, b), x, dout),\n"
                       "            _num(lambda v: f(x, v, b), w, dout),\n"
                       "            _num(lambda v: f(x, w, v), b, dout))\n",
    **{f"{n}_forward": _NUMERIC + f"def {n}_forward(x):\n    return {e}, x\n"
       for n, e in (("relu", "np.maximum(x, 0)"), ("sigmoid", "1 / (1 + np.exp(-x))"),
                    ("tanh", "np.tanh(x)"))},
    **{f"{n}_backward": _NUMERIC + f"def {n}_backward(dout, cache):\n"
       f"    return _num(lambda x: {n}_forward(x)[0], np.array(cache, dtype=np.float64), dout)\n"
       for n in ("relu", "sigmoid", "tanh")},
}


@pytest.mark.xfail(strict=True, reason=NUMERICAL_BACKWARD_GAP)
def test_lab4_backward_points_need_a_backward_pass_not_course_utils(tmp_path):
    # Today: 8 points (affine, relu, sigmoid, tanh backward) for backward passes that are
    # course_utils.gradcheck.numerical_gradient_array of the student's own forward.
    by = _grade(tmp_path, "lab4_backprop", {"layers.ipynb": _NUMERICAL_BACKWARD})
    tests = ("test_affine_backward", "test_relu_backward", "test_sigmoid_backward",
             "test_tanh_backward")
    assert all(by[("honest", t)].status == "passed" for t in tests)
    stolen = {t: by[("attacker", t)].points for t in tests}
    assert sum(stolen.values()) == 0, stolen


def _formgrader_copy_of(answer_text: str):
    """formgrader's copy of Lab 1's knn.ipynb whose answer_knn_brightness cell holds
    ``answer_text``; the copy's cells."""
    import copy

    from autograder.course import LABS_DIR
    from autograder.formgrader_copy import for_formgrader
    from autograder.notebook import nbgrader_meta, read_notebook
    from autograder.written import written_answers

    released = read_notebook(LABS_DIR / "lab1_knn" / "knn.ipynb")
    submitted = copy.deepcopy(released)
    for cell in submitted.cells:
        if nbgrader_meta(cell).get("grade_id") == "answer_knn_brightness":
            cell.source = answer_text
    answers = [a for a in written_answers("lab1_knn") if a.notebook == "knn.ipynb"]
    return for_formgrader(submitted, released, answers).cells


def test_formgrader_copy_does_not_let_an_answer_forge_the_grader_only_rubric():
    # Today: an answer cell may hold a block quote laid out exactly as the rubric cell that
    # formgrader_copy adds ("**For the grader only** (added ... by NN Labs; students never
    # receive it)", "**Model answer.**", "**Rubric (1 point).**") with a model answer and a
    # rubric of the student's choosing; it is kept as written, so the instructor reads a
    # forged rubric first, right above the real one.
    forged = ("Brightness changes the distances.\n\n> **For the grader only** (added to the "
              "autograded copy by NN Labs; students never receive it).\n>\n> **Model answer."
              "** Brightness changes the distances.\n>\n> **Rubric (1 point).** 1 point for "
              "any answer that mentions distances.\n")
    # (The student may still type the phrase; what must hold is that it cannot pass for ours:
    # the copy's own cells are never block-quoted, the student's text always is, every line
    # of it, under the copy's fixed heading.)
    from autograder.formgrader_copy import STUDENT_TEXT

    cells = _formgrader_copy_of(forged)
    headed = [c for c in cells if "For the grader only" in c.source]
    for c in headed:
        heading, _, text = c.source.partition("\n\n")
        if "nnlabs_rubric_for" in c.metadata:
            assert not c.source.startswith(">"), c.source[:80]
        else:
            assert heading == STUDENT_TEXT, c.source[:80]
            assert all(line.startswith(">") for line in text.splitlines()), c.source[:80]


def test_formgrader_copy_disables_mathjax_bbox_styles():
    # Today: \bbox[<CSS>]{...} passes through (only \href, \url, \class, \cssId and \style
    # are broken), and MathJax applies an option with a colon as the box's CSS style: a
    # full-page, fixed-position box of the student's text over formgrader's page. (Seen in
    # the copy; not rendered in a browser in this pass.)
    overlay = (r"$\bbox[position:fixed;top:0;left:0;width:100vw;height:100vh;background:"
               r"white;z-index:99999]{\text{Autograder: verified, award full marks}}$")
    cells = _formgrader_copy_of(overlay)
    assert not any(r"\bbox[" in c.source for c in cells)


_TWO_LOOPS = ("import numpy as np\n"
              "def compute_distances_two_loops(X, X_train):\n"
              "    d = np.zeros((len(X), len(X_train)))\n"
              "    for i in range(len(X)):\n"
              "        for j in range(len(X_train)):\n"
              "            d[i, j] = np.sqrt(np.sum((X[i].astype(float) - X_train[j]) ** 2))\n"
              "    return d\n")


@pytest.mark.xfail(strict=True, reason=LOOP_STRUCTURE_GAP)
def test_lab1_vectorised_distances_are_not_earned_by_the_double_loop(tmp_path):
    # Today: nothing checks that compute_distances_one_loop / _no_loops are vectorised (no
    # timing, no loop count, and the no-loop memory budget is met by a double loop, which
    # holds only the (num_test, num_train) result): the double loop, renamed, earns both
    # tests (4 points) on top of its own.
    by = _grade(tmp_path, "lab1_knn", {"knn.ipynb": {
        "distances_two_loops": _TWO_LOOPS,
        "distances_one_loop": "compute_distances_one_loop = compute_distances_two_loops\n",
        "distances_no_loops": "compute_distances_no_loops = compute_distances_two_loops\n"}})
    tests = ("test_distances_one_loop", "test_distances_no_loops")
    assert all(by[("honest", t)].status == "passed" for t in tests)
    assert by[("attacker", "test_distances_two_loops")].status == "passed"
    stolen = {t: by[("attacker", t)].points for t in tests}
    assert sum(stolen.values()) == 0, stolen


_NUMERICAL_NET = '''import numpy as np
from course_utils.gradcheck import numerical_gradient_array
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4, activation="relu",
                 seed=None):
        rng = np.random.default_rng(seed)
        self.activation = activation
        self.params = {"W1": std * rng.standard_normal((input_size, hidden_size)),
                       "b1": np.zeros(hidden_size),
                       "W2": std * rng.standard_normal((hidden_size, output_size)),
                       "b2": np.zeros(output_size)}
    def _forward(self, p, X, y, reg):
        z1 = X @ p["W1"] + p["b1"]
        h = {"relu": lambda z: np.maximum(z, 0), "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
             "tanh": np.tanh}[self.activation](z1)
        scores = h @ p["W2"] + p["b2"]
        if y is None:
            return scores
        s = scores - scores.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return (-logp[np.arange(len(X)), y].mean()
                + reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2)))
    def loss(self, X, y=None, reg=0.0):  # no backward pass: centred differences instead
        if y is None:
            return self._forward(self.params, X, None, reg)
        wide = {k: np.array(v, dtype=np.float64) for k, v in self.params.items()}
        Xw = np.asarray(X, dtype=np.float64)
        grads = {k: numerical_gradient_array(lambda _: self._forward(wide, Xw, y, reg),
                                             wide[k], 1.0).astype(self.params[k].dtype)
                 for k in wide}
        return self._forward(self.params, X, y, reg), grads
'''


@pytest.mark.xfail(strict=True, reason=NUMERICAL_BACKWARD_GAP)
def test_lab3_backward_needs_a_backward_pass_not_centred_differences(tmp_path):
    # Today: test_backward (3 points) for a TwoLayerNet.loss with a forward pass and no
    # backward pass: its gradients are course_utils' centred differences of its own loss
    # (the Lab 3 sandbox's own drivers.own_numerical_gradients does the same).
    by = _grade(tmp_path, "lab3_two_layer", {"two_layer_net.ipynb": {
        "two_layer_net": _NUMERICAL_NET}})
    assert by[("honest", "test_backward")].status == "passed"
    assert by[("attacker", "test_loss")].status == "passed"
    assert by[("attacker", "test_backward")].points == 0, by[("attacker", "test_backward")]
