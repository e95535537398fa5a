"""Drivers for the layers of layers.ipynb and normalization.ipynb: a backward pass run on the
cache of the student's own forward, dropout called twice with one seed, and forward passes
run with numpy's overflow warnings silenced.

A backward pass's driver gets the forward's arguments and ``dout``; it runs the student's
forward for the cache (its layout is the student's choice), then the backward under test.
Only the backward's result travels back, to be judged against the reference gradient of the
same inputs, never against anything computed here. One small driver per layer names the
forward it needs (the worker looks drivers up by name, so there are no driver factories).
"""

from __future__ import annotations

import copy

import numpy as np

from autograder.checks import Case


def run_backward(forward_name: str, backward, case: Case):
    """The backward under test on the cache of the student's ``forward_name``. When that
    forward raises, the case's ``kwargs["cache"]`` (a correct forward's, built by the grader)
    stands in where the docstring fixes the cache's layout, and the result says so; a forward
    that is missing or not implemented fails the case with a message naming it."""
    fwd_args, dout = case.args
    forward = backward.__globals__.get(forward_name)
    if not callable(forward):
        backward(dout.copy(), None)  # a blank backward says so before the forward is missed
        raise RuntimeError(f"{forward_name} is not defined; the backward test needs its cache")
    note = None
    try:
        _, cache = forward(*copy.deepcopy(fwd_args))
    except NotImplementedError:
        raise RuntimeError(f"{forward_name} is not implemented yet: the backward test runs "
                           "it to get the cache") from None
    except Exception as exc:  # graded on the forward's own test: use the case's cache
        if "cache" not in case.kwargs:  # a layout the docstring leaves open: none to lend
            raise RuntimeError(f"your {forward_name} raised {type(exc).__name__}, and the "
                               f"backward test needs its cache: fix {forward_name} "
                               "first") from None
        cache = copy.deepcopy(case.kwargs["cache"])
        note = (f"your {forward_name} raised {type(exc).__name__} while testing "
                f"{backward.__name__}, so this case used a correct {forward_name}'s "
                "cache")
    upstream = dout.copy()
    result = backward(upstream, cache)
    if not np.array_equal(upstream, dout):
        return {"dout_changed": True}
    return {"result": result, "forward_failed": note}


def affine_backward_driver(backward, case: Case):
    return run_backward("affine_forward", backward, case)


def relu_backward_driver(backward, case: Case):
    return run_backward("relu_forward", backward, case)


def sigmoid_backward_driver(backward, case: Case):
    return run_backward("sigmoid_forward", backward, case)


def tanh_backward_driver(backward, case: Case):
    return run_backward("tanh_forward", backward, case)


def batchnorm_backward_driver(backward, case: Case):
    """For ``batchnorm_backward`` and ``batchnorm_backward_alt`` alike."""
    return run_backward("batchnorm_forward", backward, case)


def layernorm_backward_driver(backward, case: Case):
    return run_backward("layernorm_forward", backward, case)


def quiet_driver(fn, case: Case):
    """Call ``fn`` with the case's arguments, numpy's overflow warnings silenced: they are
    fine when the values are right (sigmoid and tanh of -1000)."""
    with np.errstate(all="ignore"):
        return fn(*case.args)


def dropout_forward_driver(fn, case: Case):
    """Two calls with the same ``dropout_param`` (so the same seed): the mask must repeat."""
    x, param = case.args
    out1, _ = fn(x.copy(), dict(param))
    out2, _ = fn(x.copy(), dict(param))
    return {"out": np.asarray(out1), "again": np.asarray(out2)}


def dropout_backward_driver(backward, case: Case):
    """The backward pass on the cache of the student's own forward (its mask is the
    student's draw), and on each of the case's caches (the mask stored scaled or as 0/1)."""
    forward = backward.__globals__.get("dropout_forward")
    (x, param), dout = case.args
    if not callable(forward):
        backward(dout.copy(), None)
        raise RuntimeError("dropout_forward is not defined; the backward test needs its cache")
    given = [backward(dout.copy(), copy.deepcopy(c)) for c in case.kwargs["caches"]]
    try:
        out, cache = forward(x.copy(), dict(param))
    except NotImplementedError:
        raise RuntimeError("dropout_forward is not implemented yet: the backward test runs it "
                           "to get the cache") from None
    except Exception as exc:  # graded on test_dropout_forward: judge on the case's caches
        return {"given": given, "forward_failed": (
            f"your dropout_forward raised {type(exc).__name__} while testing dropout_backward, "
            "so this case used the caches of a correct dropout_forward")}
    return {"dx": backward(dout.copy(), cache), "out": np.asarray(out), "given": given}

