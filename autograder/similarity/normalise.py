"""One function's code as a rename-proof token stream, each token tagged with its source line.

What a copying student changes without changing the program does not reach the tokens:

- identifiers the code itself binds (parameters, locals, helpers, ``self``) become ``V``;
  attributes (``np.sum``, ``.shape``), keyword names (``axis=``) and outside names stay;
- comments, whitespace, docstrings, bare strings, ``pass`` and the template's
  ``raise NotImplementedError`` disappear;
- dead code goes where it is decidable: statements after ``return``/``raise``/``break``/
  ``continue``, ``if False:`` / ``while 0:`` bodies, assignments to names nothing reads (when
  the right side has no side effect), helpers never called;
- ``i = a; while i < b: ...; i += 1`` becomes ``for i in range(a, b): ...``, ``x = x + y``
  becomes ``x += y``, ``range(0, n)`` becomes ``range(n)``;
- operands of ``+ * & | ^ == !=`` are sorted, ``a > b`` is written ``b < a``;
- within a block, statements that touch disjoint names are put in a canonical order (a
  topological order of the statements' read/write conflicts, ties broken by their tokens).

Code that does not parse falls back to a regex tokenizer with the same renaming (such a copy
matches other unparsable copies, not parsed ones).
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re

Token = tuple[str, int]  # (text, 1-based line of the unit's source)

PLACEHOLDER = "V"
_BUILTINS = frozenset(dir(builtins))
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
_COMMUTATIVE = (ast.Add, ast.Mult, ast.BitAnd, ast.BitOr, ast.BitXor)
_SWAPPED = {ast.Gt: ast.Lt, ast.GtE: ast.LtE}
_SKIPPED_FIELDS = frozenset({"ctx", "type_comment", "kind", "type_ignores", "type_params"})
_BODY_FIELDS = ("body", "orelse", "finalbody")
_WORLD = "<world>"  # what an unknown call may read or change
_NP_RANDOM = "<np.random>"  # the global generator: its calls keep their order


def tokens(source: str) -> list[Token]:
    """The normalised token stream of ``source`` (one unit: a function and its helpers)."""
    try:
        tree = ast.parse(source)
        tree = _Simplify().visit(tree)
        _remove_dead_assignments(tree)
        return _Serialiser(_bound_names(tree)).run(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return fallback_tokens(source)


# -- fallback -------------------------------------------------------------------------------
_LEXEME = re.compile(
    r"(?P<comment>#[^\n]*)"
    r"|(?P<string>[rbuRBfF]*(?:'\'\'[\s\S]*?'\'\'|\"\"\"[\s\S]*?\"\"\"|'[^'\n]*'|\"[^\"\n]*\"))"
    r"|(?P<number>\d[\d_]*\.?\d*(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<op>\*\*=?|//=?|[-+*/%@&|^<>=!]=|->|<<|>>|[^\s\w])")


def fallback_tokens(source: str) -> list[Token]:
    """Tokens of code that does not parse: names renamed, comments dropped, numbers as values."""
    out: list[Token] = []
    previous, line, counted = "", 1, 0
    for match in _LEXEME.finditer(source):
        kind, text = match.lastgroup, match.group()
        line += source.count("\n", counted, match.start())
        counted = match.start()
        if kind == "comment":
            continue
        if kind == "number":
            text = _number(text)
        elif kind == "name" and not (keyword.iskeyword(text) or text in _BUILTINS
                                     or text == "np" or previous == "."):
            text = PLACEHOLDER
        out.append((text, line))
        previous = text
    return out


def _number(text: str) -> str:
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        return text
    return repr(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


# -- simplification (tree rewrites) --------------------------------------------------------
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
                and not {t.id for t in target.elts} & _names(stmt.value)):
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
            start = next((i for i in range(len(out) - 1, -1, -1) if var in _names(out[i])), None)
            init = out[start] if start is not None else None
            if (isinstance(init, ast.Assign) and len(init.targets) == 1
                    and isinstance(init.targets[0], ast.Name) and init.targets[0].id == var
                    and var not in _names(init.value)):
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
    if any(var in _stored(s) for s in inner) or var in _names(stmt.test.comparators[0]):
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
        if isinstance(node, ast.Call) and not _pure_function(node.func):
            return False
    return True


def _pure_function(func) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _PURE_BUILTINS
    if isinstance(func, ast.Attribute) and func.attr in _PURE_METHODS:
        return _pure(func.value)
    path = _dotted(func)
    return path is not None and path.startswith("np.") and not path.startswith("np.random")


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


# -- names and effects -----------------------------------------------------------------------
def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _stored(node) -> set[str]:
    return {n.id for n in ast.walk(node)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _bound_names(tree) -> set[str]:
    """Names the unit binds itself (they get the placeholder); the rest are outside names."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound - {"np"}


def _effects(stmt) -> tuple[set[str], set[str]]:
    """(read, written) keys of a statement: names, ``self.attr`` paths, and ``<world>`` for
    what an unknown call may touch. A jump reads and writes everything."""
    if isinstance(stmt, ast.Return | ast.Raise | ast.Break | ast.Continue | ast.Global
                  | ast.Nonlocal | ast.Yield | ast.Delete | ast.Try | ast.With):
        return {"*"}, {"*"}
    read, written = set(), set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Return | ast.Break | ast.Continue | ast.Yield | ast.Raise):
            return {"*"}, {"*"}
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                written.add(node.id)
            elif node.id != "np":  # the module itself; its global state is _NP_RANDOM
                read.add(node.id)
        elif (isinstance(node, ast.Attribute | ast.Subscript)
              and isinstance(node.ctx, ast.Store | ast.Del)):
            base = _store_base(node)
            if base:
                written.add(base)
        elif isinstance(node, ast.Attribute):
            path = _dotted(node)
            if path and not path.startswith("np."):
                read.add(path)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            read.add(node.target.id)
        elif isinstance(node, ast.Call) and not _pure_function(node.func):
            path = _dotted(node.func) or ""
            if path.startswith("np.random"):
                read.add(_NP_RANDOM)
                written.add(_NP_RANDOM)
            else:
                read.add(_WORLD)
                written.add(_WORLD)
                if isinstance(node.func, ast.Attribute):  # x.append(...) may change x
                    base = _store_base(node.func.value)
                    if base:
                        written.add(base)
                for arg in node.args:
                    if isinstance(arg, ast.Name):
                        written.add(arg.id)
    return read, written


def _store_base(node) -> str | None:
    while isinstance(node, ast.Subscript):
        node = node.value
    return _dotted(node)


def _conflict(a: tuple[set, set], b: tuple[set, set]) -> bool:
    (read_a, write_a), (read_b, write_b) = a, b
    if "*" in write_a or "*" in write_b:
        return True
    return (_overlap(write_a, read_b) or _overlap(write_a, write_b)
            or _overlap(read_a, write_b))


def _overlap(xs: set[str], ys: set[str]) -> bool:
    return any(x == y or x.startswith(y + ".") or y.startswith(x + ".") for x in xs for y in ys)


# -- serialisation --------------------------------------------------------------------------
class _Serialiser:
    """Pre-order tokens of a simplified tree, renaming bound names and putting commutative
    operands and independent statements in a canonical order."""

    def __init__(self, bound: set[str]):
        self.bound = bound

    def run(self, tree) -> list[Token]:
        return self.node(tree, 1)

    def node(self, node, line: int) -> list[Token]:
        line = getattr(node, "lineno", line)
        if isinstance(node, ast.Name):
            return [(PLACEHOLDER if node.id in self.bound else node.id, line)]
        if isinstance(node, ast.arg):
            out = [(PLACEHOLDER, line)]
            return out + (self.node(node.annotation, line) if node.annotation else [])
        if isinstance(node, ast.Constant):
            value = node.value
            text = _number(repr(value)) if type(value) in (int, float) else repr(value)
            return [(text, line)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, _COMMUTATIVE):
            operands = sorted((self.node(o, line) for o in _flatten(node, type(node.op))),
                              key=_texts)
            head = [(type(node.op).__name__ + "*", line)]
            return head + [t for o in operands for t in o] + [(")", line)]
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right, op = node.left, node.comparators[0], type(node.ops[0])
            if op in _SWAPPED:
                left, right, op = right, left, _SWAPPED[op]
            sides = [self.node(left, line), self.node(right, line)]
            if op in (ast.Eq, ast.NotEq, ast.Is, ast.IsNot):
                sides.sort(key=_texts)
            return [(op.__name__, line), *sides[0], *sides[1]]
        out = [(type(node).__name__, line)]
        for field, value in ast.iter_fields(node):
            if field in _SKIPPED_FIELDS or value is None:
                continue
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    out += self.block(value, line)
                else:
                    out += [t for item in value for t in self.item(item, line)]
                    out.append(("]", line))
            elif isinstance(value, ast.AST):
                out += self.node(value, line)
            elif field == "name" and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef
                                                | ast.ClassDef):
                out.append((PLACEHOLDER, line))
            else:
                out.append((str(value), line))
        return out

    def item(self, item, line: int) -> list[Token]:
        return self.node(item, line) if isinstance(item, ast.AST) else [(str(item), line)]

    def block(self, body: list[ast.stmt], line: int) -> list[Token]:
        """Statements in a canonical order that keeps every conflicting pair in place."""
        serialised = [self.node(s, line) for s in body]
        effects = [_effects(s) for s in body]
        waiting = {i: {j for j in range(i) if _conflict(effects[j], effects[i])}
                   for i in range(len(body))}
        out = [("{", line)]
        while waiting:
            ready = [i for i, before in waiting.items() if not before]
            first = min(ready, key=lambda i: _texts(serialised[i]))
            out += serialised[first]
            del waiting[first]
            for before in waiting.values():
                before.discard(first)
        return out + [("}", line)]


def _flatten(node, op_type) -> list:
    if isinstance(node, ast.BinOp) and isinstance(node.op, op_type):
        return _flatten(node.left, op_type) + _flatten(node.right, op_type)
    return [node]


def _texts(tokens_: list[Token]) -> tuple[str, ...]:
    return tuple(t for t, _ in tokens_)
