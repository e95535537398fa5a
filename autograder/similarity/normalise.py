"""One function's code as a rename-proof token stream, each token tagged with its source line.

What a copying student changes without changing the program does not reach the tokens:

- identifiers the code itself binds (parameters, locals, helpers, ``self``) become ``V``;
  attributes (``np.sum``, ``.shape``), keyword names (``axis=``) and outside names stay;
- comments, layout, docstrings and dead code are gone and ``for``/``while`` and similar
  mechanical variants are written one way (:mod:`.simplify`, applied first);
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

from .simplify import dotted, pure_function, simplify

Token = tuple[str, int]  # (text, 1-based line of the unit's source)

PLACEHOLDER = "V"
_BUILTINS = frozenset(dir(builtins))
_COMMUTATIVE = (ast.Add, ast.Mult, ast.BitAnd, ast.BitOr, ast.BitXor)
_SWAPPED = {ast.Gt: ast.Lt, ast.GtE: ast.LtE}
_SKIPPED_FIELDS = frozenset({"ctx", "type_comment", "kind", "type_ignores", "type_params"})
_WORLD = "<world>"  # what an unknown call may read or change
_NP_RANDOM = "<np.random>"  # the global generator: its calls keep their order


def tokens(source: str) -> list[Token]:
    """The normalised token stream of ``source`` (one unit: a function and its helpers)."""
    try:
        tree = simplify(ast.parse(source))
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
            path = dotted(node)
            if path and not path.startswith("np."):
                read.add(path)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            read.add(node.target.id)
        elif isinstance(node, ast.Call) and not pure_function(node.func):
            path = dotted(node.func) or ""
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
    return dotted(node)


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
