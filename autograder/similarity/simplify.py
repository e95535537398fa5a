"""Tree rewrites that leave the program as it was: dead code out, mechanical variants one way.

- comments are already gone in the tree; docstrings, bare strings, ``pass`` and the
  template's ``raise NotImplementedError`` are dropped;
- dead code goes where it is decidable: statements after ``return``/``raise``/``break``/
  ``continue``, ``if False:`` / ``while 0:`` bodies, assignments to names nothing reads (when
  the right side has no side effect), helpers never called;
- ``i = a; while i < b: ...; i += 1`` becomes ``for i in range(a, b): ...``, ``x = x + y``
  becomes ``x += y``, ``range(0, n)`` becomes ``range(n)``, ``a, b = x, y`` two assignments.
"""

from __future__ import annotations

import ast

_PURE_BUILTINS = frozenset({
    "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "float", "int", "isinstance",
    "len", "list", "max", "min", "pow", "range", "reversed", "round", "set", "sorted", "str",
    "sum", "tuple", "zip", "print"})
# Array, list and dict methods that return a new value and leave their object alone
_PURE_METHODS = frozenset({
    "all", "any", "argmax", "argmin", "argsort", "astype", "clip", "copy", "cumsum", "dot",
    "flatten", "get", "item", "items", "keys", "max", "mean", "min", "nonzero", "prod",
    "ravel", "repeat", "reshape", "round", "squeeze", "std", "sum", "swapaxes", "take",
    "tolist", "transpose", "values", "var"})
_TEMPLATE_RAISE = "NotImplementedError"
_BODY_FIELDS = ("body", "orelse", "finalbody")


def simplify(tree: ast.Module) -> ast.Module:
    """``tree`` rewritten in place (and returned)."""
    tree = _Simplify().visit(tree)
    _remove_dead_assignments(tree)
    return tree


class _Simplify(ast.NodeTransformer):
    """Drops what does not change the program and rewrites mechanical variants one way."""

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in _BODY_FIELDS:
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                setattr(node, field, _while_to_for(_split_tuple_assigns(_live(body))))
        return node

    def visit_If(self, node):
        self.generic_visit(node)
        decided = _constant_truth(node.test)
        if decided is None:
            return node
        return (node.body if decided else node.orelse) or None

    def visit_While(self, node):
        self.generic_visit(node)
        return node.orelse or None if _constant_truth(node.test) is False else node

    def visit_Assign(self, node):
        self.generic_visit(node)
        if (len(node.targets) == 1 and isinstance(target := node.targets[0], ast.Name)
                and isinstance(node.value, ast.BinOp)
                and isinstance(node.value.left, ast.Name) and node.value.left.id == target.id):
            return ast.copy_location(ast.AugAssign(ast.Name(target.id, ast.Store()),
                                                   node.value.op, node.value.right), node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "range" and not node.keywords:
            args = node.args
            if len(args) == 3 and _is_constant(args[2], 1):
                args = args[:2]
            if len(args) == 2 and _is_constant(args[0], 0):
                args = args[1:]
            node.args = args
        return node


def _live(body: list[ast.stmt]) -> list[ast.stmt]:
    """``body`` without no-op statements and without what follows a jump."""
    kept = []
    for stmt in body:
        if isinstance(stmt, ast.Pass) or _is_template_raise(stmt) or (
                isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        kept.append(stmt)
        if isinstance(stmt, ast.Return | ast.Raise | ast.Break | ast.Continue):
            break
    return kept


def _split_tuple_assigns(body: list[ast.stmt]) -> list[ast.stmt]:
    """``a, b = x, y`` as ``a = x`` and ``b = y`` when no right side reads a target."""
    out = []
    for stmt in body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(target := stmt.targets[0], ast.Tuple)
                and isinstance(stmt.value, ast.Tuple) and len(target.elts) == len(stmt.value.elts)
                and all(isinstance(t, ast.Name) for t in target.elts)
                and not {t.id for t in target.elts} & names(stmt.value)):
            out += [ast.copy_location(ast.Assign([t], v), stmt)
                    for t, v in zip(target.elts, stmt.value.elts, strict=True)]
        else:
            out.append(stmt)
    return out


def _is_template_raise(stmt) -> bool:
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return False
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return isinstance(exc, ast.Name) and exc.id == _TEMPLATE_RAISE


def _constant_truth(test) -> bool | None:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    return None


def _is_constant(node, value) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value == value


def _while_to_for(body: list[ast.stmt]) -> list[ast.stmt]:
    """``v = a`` ... ``while v < b: ...; v += 1`` (``v`` untouched in between and inside, no
    ``continue``) becomes ``for v in range(a, b): ...``."""
    out: list[ast.stmt] = []
    for stmt in body:
        loop = _counting_loop(stmt)
        if loop is not None:
            var, end, inner = loop
            start = next((i for i in range(len(out) - 1, -1, -1) if var in names(out[i])), None)
            init = out[start] if start is not None else None
            if (isinstance(init, ast.Assign) and len(init.targets) == 1
                    and isinstance(init.targets[0], ast.Name) and init.targets[0].id == var
                    and var not in names(init.value)):
                args = [end] if _is_constant(init.value, 0) else [init.value, end]
                out.pop(start)
                stmt = ast.copy_location(ast.For(
                    ast.Name(var, ast.Store()), ast.Call(ast.Name("range", ast.Load()), args, []),
                    inner, []), stmt)
        out.append(stmt)
    return out


def _counting_loop(stmt):
    if not (isinstance(stmt, ast.While) and not stmt.orelse and stmt.body
            and isinstance(stmt.test, ast.Compare) and len(stmt.test.ops) == 1
            and isinstance(stmt.test.ops[0], ast.Lt) and isinstance(stmt.test.left, ast.Name)):
        return None
    var, step = stmt.test.left.id, stmt.body[-1]
    if not (isinstance(step, ast.AugAssign) and isinstance(step.target, ast.Name)
            and step.target.id == var and isinstance(step.op, ast.Add)
            and _is_constant(step.value, 1)):
        return None
    inner = stmt.body[:-1]
    if any(isinstance(n, ast.Continue) for s in inner for n in ast.walk(s)):
        return None
    if any(var in stored(s) for s in inner) or var in names(stmt.test.comparators[0]):
        return None
    return var, stmt.test.comparators[0], inner


# -- dead assignments ------------------------------------------------------------------------
def _remove_dead_assignments(tree: ast.Module) -> None:
    """Inside functions: drop assignments to names nothing reads and helpers nothing calls,
    when dropping them cannot change what the program does; repeat until nothing changes."""
    while True:
        nodes = list(ast.walk(tree))
        read = {n.id for n in nodes if isinstance(n, ast.Name)
                and not isinstance(n.ctx, ast.Store)}
        read |= {name for n in nodes if isinstance(n, ast.Global | ast.Nonlocal)
                 for name in n.names}
        # every statement list inside a function: the unit is top-level defs, so that is all
        # of them but the module's own and a class's (whose methods are not called by name)
        holders = [n for n in nodes if not isinstance(n, ast.Module | ast.ClassDef)
                   and any(isinstance(getattr(n, f, None), list) for f in _BODY_FIELDS)]
        changed = False
        for holder in holders:
            for field in _BODY_FIELDS:
                body = getattr(holder, field, None)
                if not (isinstance(body, list) and body and isinstance(body[0], ast.stmt)):
                    continue
                kept = [s for s in body if not _is_dead(s, read)]
                if len(kept) != len(body):
                    setattr(holder, field, kept)
                    changed = True
        if not changed:
            return


def _is_dead(stmt, read: set[str]) -> bool:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return stmt.name not in read and not stmt.decorator_list
    if isinstance(stmt, ast.Assign):
        targets = [n for t in stmt.targets for n in ast.walk(t)]
        return (all(isinstance(n, ast.Name | ast.Tuple | ast.List | ast.Store) for n in targets)
                and not any(isinstance(n, ast.Name) and n.id in read for n in targets)
                and _pure(stmt.value))
    if isinstance(stmt, ast.AugAssign | ast.AnnAssign):
        return (isinstance(stmt.target, ast.Name) and stmt.target.id not in read
                and (stmt.value is None or _pure(stmt.value)))
    if isinstance(stmt, ast.If):
        return not stmt.body and not stmt.orelse and _pure(stmt.test)
    return False


def _pure(expr) -> bool:
    """No call that may change anything (NumPy functions outside np.random and a few
    builtins are taken as pure), no walrus, no yield."""
    for node in ast.walk(expr):
        if isinstance(node, ast.NamedExpr | ast.Yield | ast.YieldFrom | ast.Await | ast.Lambda):
            return False
        if isinstance(node, ast.Call) and not pure_function(node.func):
            return False
    return True


def pure_function(func) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _PURE_BUILTINS
    if isinstance(func, ast.Attribute) and func.attr in _PURE_METHODS:
        return _pure(func.value)
    path = dotted(func)
    return path is not None and path.startswith("np.") and not path.startswith("np.random")


def dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def stored(node) -> set[str]:
    return {n.id for n in ast.walk(node)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
