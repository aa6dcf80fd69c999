"""``# INSERT <module>:<name>`` in exercise sources (tools/nbbuild.py): one text for a solution
cell and the exercise's ``solution_code``."""
from __future__ import annotations

import pytest

from tools import nbbuild
from tools.nbbuild import BuildError, Target

HEAD = "# %% tags=[\"parameters\"]\nSEED = 1\nN_CUSTOMERS = 10\n\n# %%\n"


def build(tmp_path, body, kind="solution", folder="exercises"):
    src = tmp_path / "src" / folder / "T9_exercises.py"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(HEAD + body, encoding="utf-8")
    nb = nbbuild.generate(Target(src, tmp_path / "out.ipynb", kind))
    return [c.source for c in nb.cells if c.cell_type == "code"][1:]


SOLUTION_CELL = ("# BEGIN PLACEHOLDER\nanswer = ____\n# END PLACEHOLDER\n# BEGIN SOLUTION\n"
                 "# INSERT course_utils.exercises.lecture3.q5_automation:Automation.solution_code\n"
                 "# END SOLUTION\n")


def test_the_solution_build_inserts_the_text_the_exercise_shows(tmp_path):
    from course_utils.exercises.lecture3.q5_automation import Automation

    assert build(tmp_path, SOLUTION_CELL, "solution") == [Automation.solution_code.strip("\n")]
    assert build(tmp_path, SOLUTION_CELL, "exercise") == ["answer = ____"]


def test_insert_keeps_the_indentation_of_its_line(tmp_path):
    body = "if True:\n    # BEGIN SOLUTION\n    # INSERT tools.nbbuild:BACKUP_DIR\n    # END SOLUTION\n"
    assert build(tmp_path, body) == ["if True:\n    backups"]


@pytest.mark.parametrize("spec, fragment", [
    ("no_such_module_x:TEXT", "cannot insert no_such_module_x:TEXT (ModuleNotFoundError"),
    ("tools.nbbuild:NO_SUCH_NAME", "cannot insert tools.nbbuild:NO_SUCH_NAME (AttributeError"),
    ("tools.nbbuild:CELL_TIMEOUT", "tools.nbbuild:CELL_TIMEOUT is not a text (int)"),
])
def test_a_bad_insert_stops_the_build_naming_the_file(tmp_path, spec, fragment):
    with pytest.raises(BuildError) as err:
        build(tmp_path, f"# BEGIN SOLUTION\n# INSERT {spec}\n# END SOLUTION\n")
    assert "T9_exercises.py" in str(err.value) and fragment in str(err.value)


@pytest.mark.parametrize("body", ["# INSERT tools.nbbuild:BACKUP_DIR\n",
                                  "# BEGIN PLACEHOLDER\n# INSERT tools.nbbuild:BACKUP_DIR\n# END PLACEHOLDER\n"])
def test_insert_only_inside_a_solution_region(tmp_path, body):
    # exercise notebooks are cached without the course code (tools/cohort.py): they must not depend on it
    with pytest.raises(BuildError, match=r"T9_exercises.py:\d+: '# INSERT' must stand inside a SOLUTION region"):
        build(tmp_path, body, kind="exercise")


def test_insert_is_refused_in_lecture_sources(tmp_path):
    with pytest.raises(BuildError, match=r"T9_exercises.py:6: '# INSERT' is only allowed in src/exercises"):
        build(tmp_path, "# INSERT tools.nbbuild:BACKUP_DIR\n", kind="lecture", folder="lectures")
