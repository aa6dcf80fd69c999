"""docs/AUTHORING.md is code: every python snippet in it runs here.

Snippets start with ``# file: <path>``. The guide's lecture package
(``course_utils/exercises/lecture9/...``) is written to a temporary folder and
imported as ``course_utils.exercises.lecture9``; its test files are executed
with a small ``bank``; its exercise source is built by ``tools.nbbuild`` into
the exercise and solution notebooks, whose cells are run like a kernel would:
every check of the exercise build must say "not attempted", every check of the
solution build "correct". The build commands it shows must exist.
"""
from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import sys
from pathlib import Path

import pytest

import course_utils.exercises as engine
from course_utils.exercises import CheckResult
from tools import nbbuild

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "AUTHORING.md"
PACKAGE = "course_utils.exercises.lecture9"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def snippets(lang: str) -> list[str]:
    return [body for kind, body in FENCE.findall(GUIDE.read_text(encoding="utf-8")) if kind == lang]


def by_file() -> dict[str, str]:
    out = {}
    for body in snippets("python"):
        first, _, rest = body.partition("\n")
        assert first.startswith("# file: "), f"a python snippet without '# file: <path>':\n{body[:200]}"
        out[first[len("# file: "):].strip()] = body
    return out


@pytest.fixture(scope="module")
def bank():
    from course_utils.data import get_bank

    return get_bank(seed=7, n_customers=800)


@pytest.fixture(scope="module")
def lecture9(tmp_path_factory):
    """The guide's lecture package, importable as course_utils.exercises.lecture9."""
    root = tmp_path_factory.mktemp("guide") / "lecture9"
    root.mkdir()
    for path, code in by_file().items():
        if path.startswith("course_utils/exercises/lecture9/"):
            (root / Path(path).name).write_text(code, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(PACKAGE, root / "__init__.py",
                                                  submodule_search_locations=[str(root)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    engine.lecture9 = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        delattr(engine, "lecture9")


def test_every_python_snippet_has_a_known_home():
    files = by_file()
    assert len(files) == len(snippets("python")), "two snippets claim the same file"
    prefixes = ("course_utils/exercises/lecture9/", "tests/exercises/lecture9/", "src/exercises/")
    assert all(p.startswith(prefixes) for p in files), sorted(files)
    assert {"course_utils/exercises/lecture9/__init__.py", "src/exercises/L9_exercises.py"} <= set(files)


def test_the_guide_shows_one_path_only():
    text = GUIDE.read_text(encoding="utf-8")
    for gone in ("close_to", "values_close", "checks = [", "check_answer", "exercises.core",
                 "_is_nan", "hasattr(answer", "✅", "❌"):
        assert gone not in text, gone


def test_the_lecture_package_imports_and_binds(lecture9, bank):
    q1, q2 = lecture9.setup(bank)
    assert (q1.id, q2.id) == ("L9.total_clv", "L9.top_share")
    assert engine.registry()["L9.total_clv"] is q1
    assert "____" in lecture9.__all__


def test_the_guides_tests_pass(lecture9, bank):
    ran = 0
    for path, code in by_file().items():
        if not path.startswith("tests/"):
            continue
        namespace: dict = {"__name__": Path(path).stem}
        exec(compile(code, path, "exec"), namespace)  # noqa: S102 - the guide's own test code
        for name, fn in namespace.items():
            if name.startswith("test_") and callable(fn):
                params = inspect.signature(fn).parameters
                assert set(params) <= {"bank"}, f"{path}::{name} needs fixtures {list(params)}"
                fn(**({"bank": bank} if "bank" in params else {}))
                ran += 1
    assert ran >= 3


def run_cells(nb) -> list:
    """Execute code cells in one namespace like a kernel; the value of each cell's last expression."""
    namespace: dict = {}
    shown = []
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        code = cell.source
        if "parameters" in cell.metadata.get("tags", []):
            code += "\nSEED = 7\nN_CUSTOMERS = 800\n"  # what papermill injects
        tree = ast.parse(code)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, f"<cell {i}>", "exec"), namespace)  # noqa: S102
        if last is not None:
            shown.append(eval(compile(ast.Expression(last.value), f"<cell {i}>", "eval"), namespace))
    return shown


@pytest.mark.parametrize("kind, status", [("exercise", "not_attempted"), ("solution", "correct")])
def test_the_exercise_source_builds_and_runs(lecture9, tmp_path, kind, status):
    source = tmp_path / "src" / "exercises" / "L9_exercises.py"
    source.parent.mkdir(parents=True)
    source.write_text(by_file()["src/exercises/L9_exercises.py"], encoding="utf-8")
    nb = nbbuild.generate(nbbuild.Target(source, tmp_path / "out.ipynb", kind))
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN" not in text and "END SOLUTION" not in text
    results = [r for r in run_cells(nb) if isinstance(r, CheckResult)]
    assert len(results) == 2 and all(r.status == status for r in results), results


def test_the_build_commands_exist():
    commands = "\n".join(snippets("bash"))
    help_text = nbbuild._parser().format_help()
    flags = set(re.findall(r"python -m tools\.nbbuild[^\n#]*?(--[a-z-]+)", commands))
    assert flags >= {"--only", "--check", "--no-execute"}
    for flag in flags:
        assert flag in help_text, flag
    for path in re.findall(r"\b((?:benchmarks|tests)/[\w/]+\.py)", GUIDE.read_text(encoding="utf-8")):
        if "lecture9" not in path:
            assert (GUIDE.parents[1] / path).exists(), path
