"""The student's JupyterLab, driven in headless Chromium from start to Validate.

One test does what a student does with Lab 1, on a temporary copy of ``labs/`` (the
repository's ``labs/`` is never touched):

1. JupyterLab starts on loopback, on a free port, with a token, through the same code as
   ``make lab`` (:mod:`course_utils.jupyter`: nbgrader's student extensions, the course
   kernel). An nbgrader exchange in a temporary folder holds the released lab, as a course
   would publish it.
2. The notebook opens with every solution written except one, which the test types in
   through the browser (the instructor's solution for ``compute_distances_no_loops``).
3. *Run All Cells*: every code cell runs, no cell shows an error, the figures render as
   images, and the loops that use ``tqdm.auto`` show a progress-bar widget that reaches 100%.
4. The notebook is saved (the typed cell is on disk as typed) and the toolbar's **Validate**
   button (nbgrader) reports success.
5. The *Assignment List* (menu Nbgrader) lists the lab as downloaded; the instructor tools
   are not offered.

Screenshots, the server's log and the phase timings go to ``test-artifacts/`` (git-ignored).

What the test needs it installs itself: Debian's ``chromium`` and ``chromium-driver`` with
apt-get when run as root (set ``NNLABS_BROWSER_INSTALL=0`` to forbid that), and selenium from
PyPI into this environment. ``NNLABS_CHROMIUM`` / ``NNLABS_CHROMEDRIVER`` name other binaries.
Where the browser cannot be had, the test skips and says why.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from course_utils.jupyter import KERNEL_DISPLAY_NAME, write_student_config

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
LAB, NOTEBOOK = "lab1_knn", "knn.ipynb"
TYPED = "distances_no_loops"  # the solution cell the test writes through the browser
NICE = ["nice", "-n", "10"] if shutil.which("nice") else []
QUIET_PLUGINS = ["@jupyterlab/apputils-extension:announcements"]  # its pop-up covers the page
RUN_TIMEOUT = 600  # seconds for Run All and for Validate, each (about 30 s on 2 idle cores)


# --------------------------------------------------------------------------- installation


def _which(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def _browser_binaries() -> tuple[str | None, str | None]:
    """chromium and chromedriver: the paths in NNLABS_CHROMIUM/_CHROMEDRIVER, else on PATH."""
    def find(variable: str, *names: str) -> str | None:
        given = os.environ.get(variable)
        if given:
            return given if os.access(given, os.X_OK) else None
        return _which(*names)

    return (find("NNLABS_CHROMIUM", "chromium", "chromium-browser"),
            find("NNLABS_CHROMEDRIVER", "chromedriver"))


def _apt_install_chromium() -> str:
    """Install Debian's chromium and chromium-driver; return what went wrong ('' if fine)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"],
                    ["apt-get", "install", "-y", "--no-install-recommends",
                     "chromium", "chromium-driver"]):
        try:
            proc = subprocess.run(command, capture_output=True, text=True, env=env,
                                  timeout=900, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"`{' '.join(command)}` failed: {exc}"
        if proc.returncode != 0:
            tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-2:])
            return f"`{' '.join(command)}` exited with {proc.returncode}: {tail}"
    return ""


def _ensure_selenium():
    """Import selenium, installing it from PyPI into this environment if it is missing."""
    try:
        return importlib.import_module("selenium.webdriver")
    except ImportError:
        pass
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "selenium>=4.11"],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )
    importlib.invalidate_caches()
    try:
        return importlib.import_module("selenium.webdriver")
    except ImportError:
        tail = " | ".join(proc.stderr.strip().splitlines()[-2:])
        pytest.skip(f"selenium is not installed and `pip install selenium` failed: {tail}")


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    """Paths of chromium and chromedriver, installed with apt-get when missing (root only)."""
    chromium, driver = _browser_binaries()
    if not (chromium and driver):
        may_install = os.environ.get("NNLABS_BROWSER_INSTALL", "1") != "0"
        if not may_install:
            reason = "NNLABS_BROWSER_INSTALL=0 forbids installing it"
        elif not hasattr(os, "geteuid") or os.geteuid() != 0:
            reason = "installing it needs root: apt-get install chromium chromium-driver"
        elif not shutil.which("apt-get"):
            reason = "there is no apt-get to install it with (set NNLABS_CHROMIUM/_CHROMEDRIVER)"
        else:
            reason = _apt_install_chromium()
        chromium, driver = _browser_binaries()
        if not (chromium and driver):
            missing = " and ".join(n for n, p in (("chromium", chromium),
                                                 ("chromedriver", driver)) if not p)
            pytest.skip(f"no headless browser: {missing} not found; {reason or 'install failed'}")
    return chromium, driver


# --------------------------------------------------------------------------- the notebook


def _answer(instructor_source: str) -> str:
    """A solution cell as a student leaves it: the instructor's code without the markers."""
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return "\n".join(
        line for line in instructor_source.splitlines() if line.strip() not in markers
    )


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _instructor_answers() -> dict[str, str]:
    nb = nbformat.read(REPO / "solutions" / LAB / NOTEBOOK, as_version=4)
    return {
        _grade_id(c): _answer(c.source)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


@pytest.fixture
def student_labs(tmp_path) -> Path:
    """A copy of labs/ in which Lab 1 has every solution written except ``TYPED``."""
    labs = tmp_path / "labs"
    shutil.copytree(REPO / "labs", labs, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    answers = _instructor_answers()
    assert TYPED in answers, f"{TYPED} is not a solution cell of {LAB} any more"
    path = labs / LAB / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and _grade_id(cell) != TYPED:
            cell.source = answers[_grade_id(cell)]
    nbformat.write(nb, path)
    return labs


# --------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """JupyterLab on loopback, started as ``make lab`` starts it, in a process group we own."""

    def __init__(self, labs: Path, work: Path):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.exchange = work / "exchange"
        # The course has released the lab: nbgrader's exchange layout, course/outbound/lab.
        shutil.copytree(REPO / "labs" / LAB, self.exchange / "nnlabs" / "outbound" / LAB)
        setup = write_student_config(labs, work / "jupyter", exchange=self.exchange,
                                     course_id="nnlabs", disabled_plugins=QUIET_PLUGINS)
        env = setup.environment()
        for name, sub in (("JUPYTER_CONFIG_DIR", "user-config"), ("JUPYTER_DATA_DIR", "data"),
                          ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
            env[name] = str(work / sub)  # the user's own Jupyter setup stays out of the test
        env.pop("JUPYTER_TOKEN", None)
        from course_utils.jupyter import lab_command

        command = NICE + lab_command(setup, [
            "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--LabApp.workspaces_dir={work / 'workspaces'}",
            f"--LabApp.user_settings_dir={work / 'settings'}",
        ])
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / "browser-jupyter.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(command, env=env, cwd=labs, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, path: str):
        request = urllib.request.Request(f"{self.url}{path}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"JupyterLab exited with {self.proc.returncode}: "
                                     f"{self.log_tail()}")
            try:
                self.api("/api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.5)
        raise AssertionError(f"JupyterLab did not answer within {timeout} s: {self.log_tail()}")

    def kernels_busy(self) -> bool:
        return any(k.get("execution_state") != "idle" for k in self.api("/api/kernels"))

    def log_tail(self, lines: int = 15) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group this test started
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._log.close()


@pytest.fixture
def jupyter(student_labs, tmp_path):
    server = JupyterServer(student_labs, tmp_path)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
def browser(chromium_paths, tmp_path):
    webdriver = _ensure_selenium()
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = chromium_paths
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
                f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    ARTIFACTS.mkdir(exist_ok=True)
    service = Service(executable_path=chromedriver,
                      log_output=str(ARTIFACTS / "browser-chromedriver.log"),
                      popen_kw={"preexec_fn": (lambda: os.nice(10)) if NICE else None})
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as exc:
        pytest.skip(f"headless chromium did not start ({chromium}, {chromedriver}): "
                    f"{str(exc).strip().splitlines()[0]}")
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


# --------------------------------------------------------------------------- page helpers

CELLS_JS = """
const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
if (!panel) return [];
return Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell')).map(c => ({
  code: c.classList.contains('jp-CodeCell'),
  source: Array.from(c.querySelectorAll('.jp-InputArea .cm-line'))
            .map(l => l.textContent).join('\\n'),
  prompt: ((c.querySelector('.jp-InputArea-prompt') || {}).textContent || '').trim(),
  outputs: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o => ({
    mime: o.getAttribute('data-mime-type')
          || (o.querySelector('[data-mime-type]') || {getAttribute: () => ''})
               .getAttribute('data-mime-type') || '',
    text: o.textContent.slice(0, 4000),
  })),
  images: Array.from(c.querySelectorAll('.jp-OutputArea-output img'))
            .filter(i => (i.getAttribute('src') || '').startsWith('data:image/')
                         && i.naturalWidth > 100).length,
  progress: c.querySelectorAll('.jp-OutputArea-output .jupyter-widgets.widget-hprogress').length,
  progressBar: Array.from(c.querySelectorAll('.widget-hprogress .progress-bar'))
                 .map(b => b.style.width),
}));
"""


def _wait(what: str, condition, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _menu(driver, menu: str, label: str) -> list[str]:
    """Open ``menu`` in the menu bar and click its item ``label``; return the item labels."""
    from selenium.webdriver.common.by import By

    bar = _wait(f"the {menu} menu", lambda: [
        e for e in driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
        if e.text.strip() == menu], timeout=60)
    bar[0].click()

    def items():
        return {e.text.strip(): e for e in driver.find_elements(
            By.CSS_SELECTOR, ".lm-Menu .lm-Menu-item .lm-Menu-itemLabel") if e.text.strip()}

    found = _wait(f"{label!r} in the {menu} menu", lambda: label in items() and items(), 30)
    found[label].click()
    return list(found)


def _type_into_cell(driver, index: int, text: str) -> None:
    """Replace the source of the notebook's cell ``index`` the way a student would: click into
    its editor, select all, type (inserted as one text input, so the editor does not indent
    the lines a second time), leave edit mode."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    cell = driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) "
                                ".jp-Notebook .jp-Cell")[index]
    content = cell.find_element(By.CSS_SELECTOR, ".cm-content")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", content)
    content.click()
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
    driver.execute_cdp_cmd("Input.insertText", {"text": text})
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()  # back to command mode


def _validate(driver) -> tuple[str, str]:
    """Click the toolbar's Validate button; return the result's class and the dialog's text."""
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR,
                        ".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button").click()
    result = _wait("Validate's answer", lambda: driver.find_elements(
        By.CSS_SELECTOR, ".jp-Dialog .validation-success, .jp-Dialog .validation-failed, "
        ".jp-Dialog .validation-error, .jp-Dialog .validation-changed"), RUN_TIMEOUT, 1.0)
    time.sleep(0.5)
    return result[0].get_attribute("class"), driver.find_element(By.CSS_SELECTOR,
                                                                  ".jp-Dialog").text


def _close_dialog(driver) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    _wait("the dialog to close", lambda: not driver.find_elements(By.CSS_SELECTOR,
                                                                  ".jp-Dialog"), 30)


def _shot(driver, name: str) -> Path:
    path = ARTIFACTS / f"browser-{LAB}-{name}.png"
    driver.save_screenshot(str(path))
    return path


def _saved(labs: Path):
    return nbformat.read(labs / LAB / NOTEBOOK, as_version=4)


# --------------------------------------------------------------------------- the test


def test_student_runs_lab1_and_validates_in_jupyterlab(jupyter, browser, student_labs):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver, timings, started = browser, {}, time.monotonic()

    def phase(name: str) -> None:
        timings[name] = round(time.monotonic() - started - sum(timings.values()), 1)

    try:
        # 1. Open the notebook; its kernel is the course's.
        driver.get(f"{jupyter.url}/lab/tree/{LAB}/{NOTEBOOK}?token={jupyter.token}")
        _wait("the notebook to render", lambda: len(driver.execute_script(CELLS_JS)) > 10, 120)
        kernel_name = _wait("the kernel", lambda: [
            e.text for e in driver.find_elements(By.CSS_SELECTOR, ".jp-KernelName")
            if e.text.strip() not in ("", "No Kernel", "Kernel")], 120)
        assert KERNEL_DISPLAY_NAME in kernel_name[0], f"notebook kernel is {kernel_name[0]!r}"
        _wait("the Validate button", lambda: driver.find_elements(
            By.CSS_SELECTOR, ".jp-NotebookPanel-toolbar .validate-button"), 60)
        phase("open")

        # 2. Type the missing solution into its cell.
        answers = _instructor_answers()
        cells = driver.execute_script(CELLS_JS)
        marker = "def compute_distances_no_loops("
        index = next(i for i, c in enumerate(cells) if c["code"] and marker in c["source"])
        assert "raise NotImplementedError()" in cells[index]["source"]
        _type_into_cell(driver, index, answers[TYPED])
        typed = driver.execute_script(CELLS_JS)[index]["source"]
        assert typed.strip() == answers[TYPED].strip(), f"the editor holds:\n{typed}"
        phase("type")

        # 3. Run all cells and wait until the kernel has finished them.
        _menu(driver, "Run", "Run All Cells")
        _wait("the cells to start", lambda: any(
            c["prompt"] == "[*]:" for c in driver.execute_script(CELLS_JS)), 60, 0.2)

        def finished():
            if jupyter.kernels_busy():
                return False
            return not any(c["prompt"] == "[*]:" for c in driver.execute_script(CELLS_JS))

        _wait("Run All to finish", finished, RUN_TIMEOUT, 1.0)
        time.sleep(1.0)  # the last outputs and widget updates reach the page
        phase("run_all")
        cells = driver.execute_script(CELLS_JS)
        code = [c for c in cells if c["code"]]
        not_run = [c["source"].splitlines()[0] for c in code
                   if c["source"].strip() and not c["prompt"].strip("[]: ").isdigit()]
        assert not not_run, f"cells that did not run: {not_run}"
        errors = [(c["source"].splitlines()[0], o["text"][:600]) for c in code
                  for o in c["outputs"] if "Traceback" in o["text"] or
                  o["mime"] == "application/vnd.jupyter.error"]
        assert not errors, f"cells show errors: {errors}"
        figures = sum(c["images"] for c in code)
        assert figures >= 3, f"expected the lab's figures as images, found {figures}"
        bars = [c for c in code if "tqdm(" in c["source"]]
        assert bars, "no cell of the lab uses a tqdm progress bar"
        for cell in bars:
            first = cell["source"].splitlines()[0]
            assert cell["progress"], (
                f"no progress-bar widget rendered for the cell {first!r}: {cell['outputs']}")
            assert "100%" in cell["progressBar"] and any(
                "100%" in o["text"] for o in cell["outputs"]), (
                f"the progress bar of {first!r} did not reach 100%: "
                f"{[o['text'][:200] for o in cell['outputs']]}")
        figure_cell = cells.index(bars[0])  # a progress bar and a figure in one view
        driver.execute_script(
            "arguments[0].scrollIntoView({block: 'start'});",
            driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) "
                                 ".jp-Notebook .jp-Cell")[figure_cell])
        time.sleep(0.5)
        _shot(driver, "figures")

        # 4. Save, then Validate with nbgrader's toolbar button.
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()

        def saved_with_answer():
            nb = _saved(student_labs)
            cell = next(c for c in nb.cells if _grade_id(c) == TYPED)
            outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
            return cell.source.strip() == answers[TYPED].strip() and outputs

        _wait("the notebook to be saved", saved_with_answer, 60)
        saved = _saved(student_labs)
        assert not [o for c in saved.cells if c.cell_type == "code"
                    for o in c.outputs if o.output_type == "error"]
        widget_outputs = [o for c in saved.cells if c.cell_type == "code" for o in c.outputs
                          if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert widget_outputs and all("text/plain" in o.data for o in widget_outputs), (
            "progress bars are saved without a plain-text fallback")
        phase("save")
        result, text = _validate(driver)
        _shot(driver, "validate")
        assert "validation-success" in result, f"Validate did not pass:\n{text[:2000]}"
        assert "Success! Your notebook passes all the tests." in text
        _close_dialog(driver)
        phase("validate")

        # 5. The assignment list shows the lab as downloaded; no instructor tools on offer.
        labels = _menu(driver, "Nbgrader", "Assignment List")
        assert "Assignment List" in labels
        assert not {"Formgrader", "Course List", "Create Assignment"} & set(labels), labels
        fetched = _wait("the downloaded assignments", lambda: [
            e for e in driver.find_elements(By.CSS_SELECTOR, "#fetched_assignments_list")
            if LAB in e.text], 60)
        assert NOTEBOOK.removesuffix(".ipynb") in fetched[0].text
        _shot(driver, "assignment-list")
        phase("assignment_list")

        # 6. A typical mistake (no square root) makes Validate fail with the check's hint.
        tabs = driver.find_elements(By.CSS_SELECTOR, ".lm-DockPanel-tabBar .lm-TabBar-tab")
        next(tab for tab in tabs if tab.text.strip() == NOTEBOOK).click()
        _wait("the notebook tab", lambda: driver.execute_script(CELLS_JS), 30)
        wrong = answers[TYPED].replace("np.sqrt(np.maximum(sq_dists, 0.0))",
                                       "np.maximum(sq_dists, 0.0)")
        assert wrong != answers[TYPED], "the mistake no longer applies to the solution"
        _type_into_cell(driver, index, wrong)
        result, text = _validate(driver)
        _shot(driver, "validate-mistake")
        assert "validation-failed" in result, f"Validate passed a wrong answer:\n{text[:2000]}"
        assert "AssertionError" in text, text[:2000]
        _close_dialog(driver)
        phase("validate_mistake")
    except BaseException:
        _shot(driver, "failure")
        raise
    finally:
        timings["total"] = round(time.monotonic() - started, 1)
        (ARTIFACTS / "browser-timings.json").write_text(json.dumps(timings, indent=1) + "\n")
        print(f"browser test phases (s): {timings}; server log tail:\n{jupyter.log_tail(5)}")
