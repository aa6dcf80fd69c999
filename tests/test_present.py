"""Slides and handouts (tools/present.py): slide tags, offline decks, self-contained handouts.

The browser half (a real Chromium opens a deck and a handout, no request leaves the
machine) is tests/browser/test_browser_slides.py.
"""
from __future__ import annotations

import base64
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tools import nbbuild, present
from tools.nbbuild import Target

ROOT = Path(__file__).resolve().parent.parent
LECTURE_SOURCES = sorted((ROOT / "src" / "lectures").glob("*.py"))
LECTURE_NOTEBOOKS = present.lecture_notebooks()

pytestmark = pytest.mark.slides


def _slide_types(nb) -> list[str]:
    return [c.metadata["slideshow"]["slide_type"] for c in nb.cells]


def _source_sections(src: Path) -> list[str]:
    """Every ``#``/``##`` heading of a jupytext source, read from the text itself."""
    return [m.group(2).strip() for m in re.finditer(r"^# (#{1,2}) (.+)$", src.read_text("utf-8"),
                                                    re.M)]


# --------------------------------------------------------------------------
# Slide tags
# --------------------------------------------------------------------------
@pytest.mark.parametrize("src", LECTURE_SOURCES, ids=lambda p: p.stem)
def test_built_lecture_gets_slide_tags_from_its_headings(src):
    nb = nbbuild.generate(Target(src, ROOT / "notebooks" / f"{src.stem}.ipynb", "lecture"))
    types = _slide_types(nb)  # every cell has one (KeyError otherwise)
    assert types[0] == "slide", "the title opens the deck"
    first_section = None
    for i, cell in enumerate(nb.cells):
        head = present.first_heading(cell.source) if cell.cell_type == "markdown" else None
        if head and head[0] <= 2:
            assert types[i] == "slide", (i, head)
        elif head and head[0] == 3:
            assert types[i] == "subslide", (i, head)
        if head and head[0] in (2, 3) and first_section is None:
            first_section = i
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            assert types[i] == "skip", "the kernel check + parameters cell is not a slide"
            assert nbbuild.KERNEL_GUARD in cell.source
    assert first_section is not None
    code_before = [i for i, c in enumerate(nb.cells[:first_section]) if c.cell_type == "code"]
    assert code_before and all(types[i] == "skip" for i in code_before), "setup cells are skipped"
    after = [types[i] for i, c in enumerate(nb.cells) if i > first_section and c.cell_type == "code"]
    assert after and "skip" not in after, "no lecture code after the setup is hidden"
    assert set(after) <= {"-", "fragment"}


@pytest.mark.parametrize("src", LECTURE_SOURCES, ids=lambda p: p.stem)
def test_deck_follows_the_lecture_sections(src):
    """The deck's horizontal slides are the title + every ``##`` section, in order."""
    nb = nbbuild.generate(Target(src, ROOT / "notebooks" / f"{src.stem}.ipynb", "lecture"))
    outline = present.deck_outline(nb)
    slides = [title for kind, title in outline if kind == "slide"]
    assert slides == _source_sections(src)
    subs = [title for kind, title in outline if kind == "subslide"]
    want_subs = re.findall(r"^# ### (.+)$", src.read_text("utf-8"), re.M)
    # a ### right under its ## shares the section's slide; every other one is a sub-slide
    assert set(subs) <= {s.strip() for s in want_subs}
    assert len(subs) >= len(want_subs) - len(slides)


def test_slide_tags_is_idempotent_and_explicit_metadata_wins(tmp_path):
    src = ROOT / "src" / "lectures" / "L1_overview.py"
    text = src.read_text("utf-8")
    # speaker notes on a markdown cell, a sub-slide on a code cell, both in jupytext syntax
    marker = "# %% [markdown]\n# ## 二、"
    assert marker in text
    text = text.replace(marker, '# %% [markdown] slideshow={"slide_type": "notes"}\n# ## 二、', 1)
    lines = text.splitlines()
    code_line = next(i for i, ln in enumerate(lines) if ln == "# %%" and i > 80)
    lines[code_line] = '# %% slideshow={"slide_type": "subslide"}'
    (tmp_path / "src" / "lectures").mkdir(parents=True)
    t_src = tmp_path / "src" / "lectures" / "T9_override.py"
    t_src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    nb = nbbuild.generate(Target(t_src, tmp_path / "notebooks" / "T9_override.ipynb", "lecture"))
    plain = nbbuild.generate(Target(src, ROOT / "notebooks" / "L1_overview.ipynb", "lecture"))
    types, plain_types = _slide_types(nb), _slide_types(plain)
    assert len(types) == len(plain_types)
    summary = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## 二、"))
    assert plain_types[summary] == "slide" and types[summary] == "notes"
    code = next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and c.metadata.get("slideshow") == {"slide_type": "subslide"})
    assert plain_types[code] != "subslide"
    changed = {i for i, (a, b) in enumerate(zip(types, plain_types)) if a != b}
    assert changed == {summary, code}
    # applying the rules again changes nothing
    again = present.slide_tags(nbformat.from_dict(nb))
    assert _slide_types(again) == types
    # the exported deck keeps the notes as speaker notes, not as a slide
    html = present.export_deck(nb, tmp_path / "deck", name="T9")
    assert '<aside class="notes">' in html.read_text("utf-8")


def test_section_started_mid_cell_gets_its_own_slide_in_the_deck():
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# 标题"), v4.new_code_cell("SEED = 1", metadata={"tags": ["parameters"]}),
        v4.new_markdown_cell("## 一、甲\n正文"), v4.new_code_cell("x = 1"),
        v4.new_markdown_cell("甲的结论。\n\n## 二、乙\n### 1. 乙一\n正文\n### 2. 乙二")])
    assert present.deck_outline(nb) == [("slide", "标题"), ("slide", "一、甲"), ("slide", "二、乙"),
                                         ("subslide", "2. 乙二")]


def test_long_code_is_a_fragment_and_hidden_input_is_not_shown(tmp_path):
    v4 = nbformat.v4
    long_code = "\n".join(f"x{i} = {i}" for i in range(present.LONG_CODE_LINES + 1))
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# 标题"), v4.new_markdown_cell("## 一、甲"),
        v4.new_code_cell(long_code), v4.new_code_cell("secret_source_marker = 1",
                                                      metadata={"jupyter": {"source_hidden": True}})])
    assert _slide_types(present.slide_tags(nb)) == ["slide", "slide", "fragment", "-"]
    deck = present.export_deck(nb, tmp_path, name="t").read_text("utf-8")
    handout = present.export_handout(nb, tmp_path / "t.html").read_text("utf-8")
    assert 'class="fragment"' in deck
    for page in (deck, handout):
        assert "x12" in page and "secret_source_marker" not in page


# --------------------------------------------------------------------------
# Exported decks and handouts: nothing from the network
# --------------------------------------------------------------------------
class _Refs(HTMLParser):
    """Every URL a page would load: script/img/iframe/source src, link href, CSS url()/@import."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []
        self.imgs: list[str] = []
        self._style = False
        self.css: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "video", "audio", "embed") and a.get("src"):
            self.loads.append((tag, a["src"]))
        if tag == "img":
            self.imgs.append(a.get("src") or "")
        if tag == "link" and a.get("href"):
            self.loads.append((tag, a["href"]))
        if tag == "object" and a.get("data"):
            self.loads.append((tag, a["data"]))
        if a.get("style"):
            self.css.append(a["style"])
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.css.append(data)


def _refs(html: str) -> _Refs:
    p = _Refs()
    p.feed(html)
    for css in p.css:
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            p.loads.append(("css", url))
        for url in re.findall(r"@import\s+(?:url\()?['\"]?([^'\");]+)", css):
            p.loads.append(("css-import", url))
    return p


EXTERNAL = re.compile(r"^(https?:)?//|^(ftp|ws|wss):", re.I)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("present")
    written = present.export_all(out, LECTURE_NOTEBOOKS)
    return out, written


def test_export_all_writes_a_deck_and_a_handout_per_lecture(exported):
    out, written = exported
    assert len(LECTURE_NOTEBOOKS) >= 6
    want = {out / "slides" / f"{p.stem}.slides.html" for p in LECTURE_NOTEBOOKS} | \
           {out / "handouts" / f"{p.stem}.html" for p in LECTURE_NOTEBOOKS}
    assert set(written) == want and all(p.stat().st_size > 10_000 for p in written)
    # links between lecture notebooks lead from handout to handout, deck to deck
    for folder, suffix in (("handouts", ".html"), ("slides", ".slides.html")):
        hrefs = set()
        for page in (out / folder).glob("*.html"):
            hrefs |= {h for h in re.findall(r'href="([^"#]+)', page.read_text("utf-8"))
                      if not h.startswith(("http", "data:", present.ASSETS))}
        lecture_links = {h for h in hrefs if "/" not in h}
        assert lecture_links, folder
        assert all(h.endswith(suffix) and (out / folder / h).is_file() for h in lecture_links), \
            lecture_links


@pytest.mark.parametrize("nb_path", LECTURE_NOTEBOOKS, ids=lambda p: p.stem)
def test_handout_is_self_contained(exported, nb_path):
    out, _ = exported
    html = (out / "handouts" / f"{nb_path.stem}.html").read_text("utf-8")
    refs = _refs(html)
    loads = [(tag, url) for tag, url in refs.loads if not url.startswith(("data:", "#"))]
    assert loads == [], f"a handout loads nothing from anywhere: {loads[:5]}"
    assert "CourseKernelError" not in html, "the kernel check is left out of handouts"
    n_png = sum("image/png" in o.get("data", {}) for c in nbformat.read(nb_path, 4).cells
                for o in c.get("outputs", []))
    assert len(refs.imgs) >= n_png and all(s.startswith("data:image/") for s in refs.imgs)


@pytest.mark.parametrize("nb_path", LECTURE_NOTEBOOKS, ids=lambda p: p.stem)
def test_deck_loads_only_vendored_files_that_exist(exported, nb_path):
    out, _ = exported
    deck = out / "slides" / f"{nb_path.stem}.slides.html"
    html = deck.read_text("utf-8")
    loads = [(tag, url) for tag, url in _refs(html).loads if not url.startswith(("data:", "#"))]
    assert any(url.endswith("reveal.js/dist/reveal.js") for _, url in loads)
    vendored = {rel: present.VENDOR / rel for rel in present.REVEAL_FILES + present.MATHJAX_FILES}
    for tag, url in loads:
        assert not EXTERNAL.match(url), (tag, url)
        rel = url.split("?")[0]
        assert rel.startswith(present.ASSETS + "/"), (tag, url)
        copy = deck.parent / rel
        assert copy.is_file(), f"{deck.name} loads {url}, which is not there"
        src = vendored[rel[len(present.ASSETS) + 1:]]
        assert copy.read_bytes() == src.read_bytes()
    nb = nbformat.read(nb_path, 4)
    assert ("mathjax" in html) == present.has_math(nb)
    # one horizontal <section> per slide of the outline
    slides = [k for k, _ in present.deck_outline(nb)].count("slide")
    assert len(re.findall(r'<div class="slides">\s*<section', html)) == 1
    assert len(re.findall(r"<section\s*>\s*<section", html)) == slides


def test_vendored_files_match_the_readme():
    recorded = present.vendored_sha256()
    on_disk = {p.relative_to(present.VENDOR).as_posix() for p in present.VENDOR.rglob("*")
               if p.is_file() and p.name != "README.md"}
    assert set(recorded) == on_disk
    for rel, digest in recorded.items():
        assert present.sha256_file(present.VENDOR / rel) == digest, rel
    assert set(present.REVEAL_FILES + present.MATHJAX_FILES) <= on_disk
    assert "MIT" in (present.VENDOR / "reveal.js" / "LICENSE").read_text()


def test_command_line(tmp_path, capsys):
    start = ROOT / "notebooks" / "00_start.ipynb"
    assert present.main(["--out", str(tmp_path), str(start)]) == 0
    assert (tmp_path / "slides" / "00_start.slides.html").is_file()
    assert (tmp_path / "handouts" / "00_start.html").is_file()
    assert (tmp_path / "slides" / present.ASSETS / "reveal.js" / "dist" / "reveal.js").is_file()
    assert present.main(["--out", str(tmp_path), str(tmp_path / "nope.ipynb")]) == 2
    assert "notebook not found" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Charts readable on a projector
# --------------------------------------------------------------------------
def _png_widths(nb_path: Path) -> list[int]:
    widths = []
    for cell in nbformat.read(nb_path, 4).cells:
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                raw = base64.b64decode(png)
                assert raw[:8] == b"\x89PNG\r\n\x1a\n"
                widths.append(struct.unpack(">I", raw[16:20])[0])
    return widths


def _chart_modules(nb_path: Path | None) -> list[Path]:
    """viz modules a lecture draws with: theme.py, its own lectureN.py, any lectureK it imports."""
    viz = ROOT / "course_utils" / "viz"
    if nb_path is None:
        return sorted(viz.glob("*.py"))
    numbers = set(re.findall(r"^L(\d)_", nb_path.name))
    src = ROOT / "src" / "lectures" / f"{nb_path.stem}.py"
    if src.is_file():
        numbers |= set(re.findall(r"viz(?:\.| import )lecture(\d)", src.read_text("utf-8")))
    return [viz / "theme.py"] + [viz / f"lecture{n}.py" for n in sorted(numbers)
                                 if (viz / f"lecture{n}.py").is_file()]


def _smallest_chart_font_pt(nb_path: Path | None = None) -> float:
    """The smallest text size of a lecture's charts (all charts: None).

    The theme's rcParams after ``plotting.setup()`` plus every ``fontsize=`` /
    ``labelsize=`` / ``size=`` in the viz modules the lecture uses.
    """
    import ast

    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    from course_utils.plotting import setup
    from course_utils.viz import theme

    with mpl.rc_context():
        setup()
        keys = ["font.size", "axes.labelsize", "axes.titlesize", "xtick.labelsize",
                "ytick.labelsize", "legend.fontsize", "legend.title_fontsize"]
        sizes = [FontProperties(size=mpl.rcParams[k]).get_size_in_points() for k in keys]
    names = {"TEXT_PT": theme.TEXT_PT, "TITLE_PT": theme.TITLE_PT}

    def values(node) -> list[float]:
        """Every size an expression can give: 9, TEXT_PT, TEXT_PT - 1, a if c else b."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return [float(node.value)]
        if isinstance(node, ast.Name):
            return [names[node.id]] if node.id in names else []
        if isinstance(node, ast.IfExp):
            return values(node.body) + values(node.orelse)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            ops = {ast.Add: float.__add__, ast.Sub: float.__sub__, ast.Mult: float.__mul__}
            f = ops[type(node.op)]
            return [f(float(a), float(b)) for a in values(node.left) for b in values(node.right)]
        return []

    for path in _chart_modules(nb_path):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.keyword) and node.arg in ("fontsize", "labelsize", "size"):
                sizes.extend(values(node.value))
    return min(sizes)


def test_smallest_chart_font_is_found():
    """The scan sees the theme's sizes and the smaller ones some charts use (TEXT_PT - 1)."""
    from course_utils.viz import theme

    assert _smallest_chart_font_pt() == theme.TEXT_PT - 1


@pytest.mark.parametrize("nb_path", [p for p in LECTURE_NOTEBOOKS if _png_widths(p)],
                         ids=lambda p: p.stem)
def test_chart_text_readable_on_a_projector(nb_path):
    """Smallest chart text, in the widest figure of the lecture, at the deck's size: >= 10 pt."""
    smallest = _smallest_chart_font_pt(nb_path)
    widest = max(_png_widths(nb_path))
    shown = present.display_pt(smallest, widest)
    print(f"{nb_path.stem}: widest figure {widest} px, smallest text {smallest} pt "
          f"-> {shown:.1f} pt on a {present.DECK_WIDTH}-px deck")
    assert shown >= present.MIN_PROJECTOR_PT


def test_doctests():
    import doctest

    result = doctest.testmod(present)
    assert result.failed == 0 and result.attempted >= 10, result
