"""Lab 5's drivers: how a hidden case exercises a layer or the convnet, in the sandbox.

Each runs the same way on the reference (in the grader) and on the student's object (in the
worker) and returns plain data; it computes nothing of the answer itself.
"""

from __future__ import annotations

import numpy as np


def layer_driver(fn, case):
    """Call a forward function; an exception becomes data, so that settings which must be
    refused can be compared (NotImplementedError still means "not implemented")."""
    try:
        result = fn(*case.args, **case.kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:  # any error is the student's answer for this case
        return {"raised": type(exc).__name__, "message": str(exc)}
    return {"result": result}


def convnet_driver(cls, case):
    """Construct twice with the case's arguments (shapes, initial values, seeding), then load
    the case's parameters and return scores, loss and gradients."""
    X, y, params = case.args
    model = cls(**case.kwargs)
    twin = cls(**case.kwargs)
    shapes = {name: tuple(np.shape(v)) for name, v in model.params.items()}
    result = {
        "shapes": shapes,
        "init": {name: np.array(v, dtype=np.float64) for name, v in model.params.items()},
        "same_seed": all(np.array_equal(model.params[n], twin.params.get(n))
                         for n in model.params),
    }
    if shapes != {name: v.shape for name, v in params.items()}:
        return result
    for name, value in params.items():
        model.params[name] = value.copy()
    result["scores"] = np.asarray(model.loss(X))
    loss, grads = model.loss(X, y)
    result["loss"] = float(loss)
    result["grads"] = {name: np.asarray(g) for name, g in dict(grads).items()}
    return result
