"""A learner's progress across the labs: the table ``nnlabs check`` prints, kept between runs.

Each run of ``check`` records, per lab, the points of every graded test and the hint of a
failing one in ``<folder>/.nnlabs-progress.json``; labs not checked this time keep their last
result, so the table always shows the whole course and what to do next.

Hints come in two tiers. A failing hidden case's message reads
``hidden case N (what it exercises): likely mistake``; by default only the part up to the
first colon after the case label is shown (which case failed), ``--more`` adds the likely
mistake.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PROGRESS_FILE = ".nnlabs-progress.json"
MAX_PROGRESS_BYTES = 1 << 20  # our own small file; anything larger is not ours


@dataclass(frozen=True)
class GradedTest:
    """One graded test of one notebook, as the last check found it."""

    notebook: str
    test: str
    points: float
    max_points: float
    passed: bool
    message: str = ""


def split_hint(message: str) -> tuple[str, str]:
    """``(which case failed, likely mistake)`` of a hidden-case message; a message of
    another form (a missing function, an exception) is all first tier."""
    if not message.startswith("hidden case "):
        return message, ""
    end = len("hidden case ")
    while end < len(message) and message[end].isdigit():
        end += 1
    if message[end:end + 2] == " (":  # the case's description may hold colons and brackets
        depth, position = 0, end + 1
        while position < len(message):
            depth += {"(": 1, ")": -1}.get(message[position], 0)
            position += 1
            if depth == 0:
                break
        end = position
    colon = message.find(":", end)
    if colon < 0:
        return message, ""
    return message[:colon], message[colon + 1:].strip()


class Progress:
    """The progress file of one labs folder."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / PROGRESS_FILE
        self.note = ""
        self.labs: dict[str, dict] = {}
        try:
            if self.path.is_symlink() or self.path.stat().st_size > MAX_PROGRESS_BYTES:
                raise ValueError("not a progress file written by nnlabs")
            self.labs = json.loads(self.path.read_text(encoding="utf-8"))["labs"]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.note = f"(ignored an unreadable {PROGRESS_FILE}: {exc}; starting afresh)"

    def record(self, lab: str, tests: list[GradedTest], kind: str) -> None:
        """Store this run's result for ``lab``; ``kind`` is ``hidden`` or ``visible``."""
        self.labs[lab] = {"kind": kind, "when": time.strftime("%Y-%m-%d %H:%M"),
                          "tests": [asdict(t) for t in tests]}

    def save(self) -> None:
        if self.path.is_symlink():  # never write through a link
            return
        tmp = self.path.with_name(PROGRESS_FILE + ".tmp")
        tmp.write_text(json.dumps({"labs": self.labs}, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)

    def table(self, all_labs: list[str], more: bool = False) -> str:
        """The progress table: per lab its points, per test its result, then what next."""
        lines, todo, hidden_more = [], [], False
        for lab in [*all_labs, *sorted(set(self.labs) - set(all_labs))]:
            entry = self.labs.get(lab)
            if entry is None:
                lines.append(f"{lab:<16} not checked yet")
                todo.append(f"start {lab}")
                continue
            tests = [GradedTest(**t) for t in entry["tests"]]
            got = sum(t.points for t in tests)
            total = sum(t.max_points for t in tests)
            lines.append(f"{lab:<16} {got:>4g} / {total:<4g} {entry['kind']} tests, "
                         f"checked {entry['when']}")
            width = max((len(t.test) for t in tests), default=0)
            for t in tests:
                mark = "PASS" if t.passed else "FAIL"
                lines.append(f"    {mark}  {t.test:<{width}}  {t.points:g} / {t.max_points:g}")
                if not t.passed:
                    where, why = split_hint(t.message)
                    lines.append(f"          {where}")
                    hidden_more |= bool(why)
                    if more and why:
                        lines.append(f"          likely mistake: {why}")
            failing = [t for t in tests if not t.passed]
            if failing:
                todo.append(f"{lab}: fix {failing[0].test} in {failing[0].notebook}")
        lines.append("")
        lines.append("next: " + (todo[0] if todo else "every lab passes. Well done!"))
        if hidden_more and not more:
            lines.append("      (--more shows the likely mistake behind a failing case)")
        return "\n".join([*([self.note] if self.note else []), *lines])
