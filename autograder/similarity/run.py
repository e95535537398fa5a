"""Compare a whole class: fingerprint every submission (in parallel, cached in OUT so a rerun
only reads what changed), score each unit's pairs, write the CSV and the HTML page.

Submissions are read as data, never run: a lab folder or notebook that is a symbolic link, is
not a regular file or is over ``notebook.MAX_NOTEBOOK_BYTES`` is skipped with the reason.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..course import LABS_DIR, CourseError, get_lab
from ..notebook import NotebookError, read_notebook, solution_cells
from ..results import file_name
from ..safe_files import UnsafeFile
from ..submission import fingerprint, student_folders
from ..tamper import inspect
from . import fingerprint as winnowing
from .extract import lab_units, unit_sources
from .normalise import tokens
from .score import Pair, score_unit, shared_lines

ENGINE_VERSION = "1"  # part of every cached fingerprint: bump when the normalisation changes


@dataclass
class Similarity:
    """What a run found: pairs (best first, per unit, then across units), the unit texts of
    every student in a reported pair, and the students skipped with the reason."""

    lab: str
    students: int
    pairs: list[Pair]
    sources: dict[str, dict[str, str]]  # student -> unit -> text
    skipped: dict[str, str] = field(default_factory=dict)  # not compared at all: why
    notes: dict[str, list[str]] = field(default_factory=dict)  # compared in part: what not
    units: list[str] = field(default_factory=list)


def compare_class(submitted_dir: Path, lab_name: str, out_dir: Path, progress: bool = False,
                  workers: int | None = None, min_score: float = 0.0) -> Similarity:
    """Fingerprint and score every student in ``submitted_dir`` for ``lab_name``."""
    lab = get_lab(lab_name)
    released = LABS_DIR / lab.name
    if not all((released / nb.name).is_file() for nb in lab.notebooks):
        raise CourseError(f"{released} is missing: run python -m autograder release")
    units = lab_units(lab)
    version = _version(lab)
    cache = Path(out_dir) / "similarity-cache"
    cache.mkdir(parents=True, exist_ok=True)
    folders = list(student_folders(submitted_dir, lab.name))
    found: dict[str, dict] = {}
    todo = []
    for student, folder, problem in folders:
        if problem:  # a link, or a name that cannot be a student id: never read
            found[student] = _skipped(problem)
            continue
        key = fingerprint(version, folder)
        stored = _load(cache / f"{file_name(student)}.json", key)
        if stored is not None:
            found[student] = stored
        else:
            todo.append((student, folder, key))
    bar = _bar(len(folders), len(found), lab.name, progress)
    with ProcessPoolExecutor(max_workers=min(workers or os.cpu_count() or 1,
                                             max(1, len(todo)))) as pool:
        futures = {pool.submit(fingerprint_submission, lab.name, folder): (student, key)
                   for student, folder, key in todo}
        for future in as_completed(futures):
            student, key = futures[future]
            try:
                found[student] = future.result()
                _save(cache / f"{file_name(student)}.json", key, found[student])
            except Exception as exc:  # one bad submission must not stop the class
                found[student] = _skipped(f"the similarity reader failed on it "
                                          f"({type(exc).__name__}: {exc}); please report it")
            if bar:
                bar.update(1)
    if bar:
        bar.close()
    skipped = {s: r["skipped"] for s, r in found.items() if r["skipped"]}
    templates = release_templates(lab.name)
    pairs: list[Pair] = []
    for unit in units:
        prints = {s: [(h, tuple(lines)) for h, lines in r["units"][unit.name]["prints"]]
                  for s, r in found.items() if unit.name in r["units"]}
        scored, counted = score_unit(unit.name, prints, templates.get(unit.name, set()),
                                     min_score)
        for pair in scored:
            shared_lines(pair, prints, counted)
        pairs += scored
    pairs.sort(key=lambda p: (-p.score, -p.shared_weight, p.unit, p.a, p.b))
    involved = {s for p in pairs for s in (p.a, p.b)}
    sources = {s: {u: v["source"] for u, v in found[s]["units"].items()} for s in involved}
    notes = {s: r["notes"] for s, r in found.items() if r["notes"]}
    return Similarity(lab.name, len(folders), pairs, sources, skipped, notes,
                      [u.name for u in units])


def similar_command(submitted: Path, lab_name: str, out: Path, workers: int | None,
                    min_score: float, top: int) -> int:
    """``python -m autograder similar``: run, write the report, print where it is."""
    from ..safe_text import for_terminal
    from .report import write_csv, write_html

    if not 0 <= min_score <= 1:
        raise CourseError(f"--min-score must be between 0 and 1, not {min_score}")
    if top < 0 or (workers is not None and workers < 1):
        raise CourseError("--top must be 0 or more and --workers 1 or more")
    if Path(out).exists() and not Path(out).is_dir():
        raise CourseError(f"--out {out} is a file, not a folder")
    found = compare_class(submitted, lab_name, out, progress=True, workers=workers,
                          min_score=min_score)
    write_csv(found, Path(out) / "similarity.csv")
    write_html(found, Path(out) / "similarity.html", top)
    for student, why in sorted(found.skipped.items()):
        print(f"not compared: {student}: {for_terminal(why)}")
    for student, notes in sorted(found.notes.items()):
        print(f"compared in part: {student}: {for_terminal('; '.join(notes))}")
    for pair in found.pairs[:5]:
        print(f"{pair.score:.2f}  {pair.unit}  {pair.a} & {pair.b}")
    print(f"{found.students} submissions, {len(found.pairs)} pairs scoring {min_score} or more;"
          f" wrote {Path(out) / 'similarity.csv'} and {Path(out) / 'similarity.html'}")
    return 0


def fingerprint_submission(lab_name: str, folder: Path) -> dict:
    """One student's units: ``{"skipped": reason or None, "notes": [...], "units": {unit:
    {"source": text, "prints": [[hash, [lines]], ...]}}}``. Runs in a worker process."""
    lab, units, released = _lab_parts(lab_name)
    folder = Path(folder)
    notes: list[str] = []
    if not folder.is_dir():
        return _skipped(f"no {folder.name} folder")
    cells: dict[str, dict[str, str]] = {}
    for name, release in released.items():
        try:  # read as grade reads it: no links, devices or oversized files
            submitted = read_notebook(folder / name)
        except (NotebookError, UnsafeFile) as exc:
            notes.append(str(exc))
            continue
        order = list(solution_cells(release))
        solutions = inspect(submitted, release).solutions
        cells[name] = {grade_id: solutions.get(grade_id, "") for grade_id in order}
    if not cells:
        return _skipped("; ".join(notes) or "no notebook")
    result = {"skipped": None, "notes": notes, "units": {}}
    for unit, text in unit_sources(cells, units).items():
        prints = winnowing.fingerprints(tokens(text))
        result["units"][unit] = {"source": text, "prints": [[h, list(lines)]
                                                            for h, lines in prints]}
    return result


def release_templates(lab_name: str) -> dict[str, set[int]]:
    """Unit -> every k-gram hash of the code the release gives (they count for nothing)."""
    _, units, released = _lab_parts(lab_name)
    cells = {name: {gid: c.source for gid, c in solution_cells(nb).items()}
             for name, nb in released.items()}
    return {unit: {h for h, _ in winnowing.kgram_hashes(tokens(text))}
            for unit, text in unit_sources(cells, units).items()}


def _skipped(reason: str) -> dict:
    return {"skipped": reason, "notes": [], "units": {}}


@functools.cache
def _lab_parts(lab_name: str) -> tuple:
    lab = get_lab(lab_name)
    released = {nb.name: read_notebook(LABS_DIR / lab.name / nb.name) for nb in lab.notebooks}
    return lab, lab_units(lab), released


def _version(lab) -> str:
    digest = hashlib.sha256(f"{ENGINE_VERSION}:{winnowing.K}:{winnowing.WINDOW}".encode())
    for path in [*lab.notebooks, *(LABS_DIR / lab.name / nb.name for nb in lab.notebooks)]:
        digest.update(path.read_bytes())
    for module in ("extract", "simplify", "normalise", "fingerprint"):
        digest.update((Path(__file__).parent / f"{module}.py").read_bytes())
    return digest.hexdigest()


def _load(path: Path, key: str) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    result = data.get("result")
    shaped = isinstance(result, dict) and {"skipped", "notes", "units"} <= set(result)
    return result if shaped else None  # anything else is read again


def _save(path: Path, key: str, result: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "result": result}))
    os.replace(tmp, path)


def _bar(total: int, done: int, lab_name: str, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=done, unit="submission", desc=f"fingerprinting {lab_name}",
                file=sys.stderr, dynamic_ncols=True)
