"""Teach from the notebooks: slide tags, offline reveal.js decks, self-contained handouts.

    python -m tools.present                      # every lecture notebook -> build/slides/, build/handouts/
    python -m tools.present --out DIR            # DIR/slides/ and DIR/handouts/ instead
    python -m tools.present notebooks/L1_overview.ipynb ...    # only these notebooks
    python3 course.py handouts [--out DIR]       # the same, through the course entry point

Slide structure (:func:`slide_tags`, also applied by ``tools/nbbuild.py`` to every
lecture notebook it builds, so JupyterLab's slideshow view shows the same deck):

=======================================================  ==============
cell                                                     slide type
=======================================================  ==============
explicit ``slideshow`` metadata in the source            kept as is
markdown whose first heading is ``#`` or ``##``          ``slide``
markdown whose first heading is ``###``                  ``subslide``
other markdown                                           ``-`` (same slide)
code tagged ``parameters`` (kernel check + parameters)   ``skip``
code before the first ``##``/``###`` section (setup)     ``skip``
markdown after such a skipped setup cell, still before   ``skip``
the first section (it describes the setup's output)
code tagged ``remove-cell``, raw cells                   ``skip``
code with more than :data:`LONG_CODE_LINES` lines        ``fragment``
other code                                               ``-``
=======================================================  ==============

So the horizontal slides are the title and the lecture's ``##`` sections, the vertical
sub-slides its ``###`` subsections; a long code cell and its chart come in on the next
key press. A cell whose input is hidden (``jupyter.source_hidden`` or tag ``hide-input`` /
``remove-input``) shows only its output in decks and handouts. Explicit metadata wins:
``# %% [markdown] slideshow={"slide_type": "slide"}`` in a jupytext source.

Offline: decks load reveal.js (and MathJax when a notebook has formulas) from copies
vendored in ``tools/vendor/`` (see its README: versions, sha256), copied next to the
decks (``_assets/``); handouts are single HTML files (images as ``data:`` URIs, CSS
and the few scripts inline). Neither refers to any network address: nbconvert's
CDN links (reveal.js, require.js, jQuery, MathJax, Mermaid, widget manager) are
replaced by templates in this module. Markdown links stay links (they load nothing).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import html
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
VENDOR = Path(__file__).resolve().parent / "vendor"
#: Vendored files a deck may load, relative to :data:`VENDOR` (see vendor/README.md).
REVEAL_FILES = ("reveal.js/dist/reveal.js", "reveal.js/dist/reveal.css",
                "reveal.js/plugin/notes/notes.js", "reveal.js/LICENSE")
MATHJAX_FILES = ("mathjax/es5/tex-svg.js", "mathjax/LICENSE")
#: Folder next to the decks that holds the copies of the vendored files.
ASSETS = "_assets"

#: A code cell longer than this (source lines) comes in as a fragment.
LONG_CODE_LINES = 12
SKIP_TAGS = frozenset({"parameters", "remove-cell"})
HIDE_INPUT_TAGS = frozenset({"hide-input", "remove-input"})
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")

#: Deck size in CSS px (16:9); the slide is scaled to the screen as a whole.
DECK_WIDTH, DECK_HEIGHT = 1440, 810
DECK_MARGIN = 0.04
#: Widest a figure is shown on a slide (CSS px): the deck width minus reveal's margin.
DECK_CONTENT_PX = int(DECK_WIDTH * (1 - 2 * DECK_MARGIN))
#: Smallest chart text, in points at the deck's size, that the course accepts.
MIN_PROJECTOR_PT = 10.0

_FENCE_RE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_MATH_RE = re.compile(r"\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\]|(?<![\\$\w])\$[^$\s][^$\n]*?(?<!\s)\$(?!\w)",
                      re.S)


# --------------------------------------------------------------------------
# Slide tags
# --------------------------------------------------------------------------
def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def first_heading(markdown: str) -> tuple[int, str] | None:
    """``(level, text)`` of the first ATX heading of ``markdown`` (fenced code ignored).

    >>> first_heading("intro\\n\\n## 一、挑战 · Challenges\\n### 1. x")
    (2, '一、挑战 · Challenges')
    >>> first_heading("```\\n# not a heading\\n```\\nplain") is None
    True
    """
    m = _HEADING_RE.search(_FENCE_RE.sub("", markdown))
    return (len(m.group(1)), m.group(2).strip()) if m else None


def _hidden_input(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags") or [])
    return bool(tags & HIDE_INPUT_TAGS) or bool(
        (cell.get("metadata", {}).get("jupyter") or {}).get("source_hidden"))


def slide_tags(nb):
    """Set ``metadata.slideshow.slide_type`` on every cell of ``nb`` (in place); ``nb``.

    The rules are in the module docstring: headings make the slides, setup is
    skipped, explicit ``slideshow`` metadata wins. Applying it twice changes nothing.

    >>> import nbformat
    >>> v4 = nbformat.v4
    >>> nb = v4.new_notebook(cells=[
    ...     v4.new_markdown_cell("# 第一讲"), v4.new_code_cell("SEED = 1", metadata={"tags": ["parameters"]}),
    ...     v4.new_code_cell("import pandas"), v4.new_markdown_cell("## 一、挑战"),
    ...     v4.new_code_cell("x = 1"), v4.new_markdown_cell("### 1. 趋势"),
    ...     v4.new_markdown_cell("讨论", metadata={"slideshow": {"slide_type": "notes"}})])
    >>> [c.metadata.slideshow.slide_type for c in slide_tags(nb).cells]
    ['slide', 'skip', 'skip', 'slide', '-', 'subslide', 'notes']
    """
    in_preamble, setup_skipped = True, False
    for cell in nb["cells"]:
        meta = cell.setdefault("metadata", {})
        explicit = (meta.get("slideshow") or {}).get("slide_type")
        kind = cell.get("cell_type")
        tags = set(meta.get("tags") or [])
        if kind == "markdown":
            head = first_heading(_source(cell))
            level = head[0] if head else None
            if level is not None and level <= 2:
                slide = "slide"
            elif level == 3:
                slide = "subslide"
            elif in_preamble and setup_skipped:
                slide = "skip"
            else:
                slide = "-"
            if level in (2, 3):
                in_preamble = False
        elif kind == "code":
            lines = [ln for ln in _source(cell).splitlines() if ln.strip()]
            if tags & SKIP_TAGS:
                slide = "skip"
            elif in_preamble:
                slide, setup_skipped = "skip", True
            elif len(lines) > LONG_CODE_LINES and not _hidden_input(cell):
                slide = "fragment"
            else:
                slide = "-"
        else:
            slide = "skip"
        if explicit not in SLIDE_TYPES:
            meta["slideshow"] = dict(meta.get("slideshow") or {}, slide_type=slide)
    return nb


def deck_outline(nb) -> list[tuple[str, str]]:
    """``[(slide_type, heading), ...]`` of the slides and sub-slides of ``nb``'s exported deck.

    >>> import nbformat
    >>> v4 = nbformat.v4
    >>> deck_outline(v4.new_notebook(cells=[v4.new_markdown_cell("# 标题"),
    ...     v4.new_markdown_cell("## 一、挑战"), v4.new_markdown_cell("### 1. 趋势")]))
    [('slide', '标题'), ('slide', '一、挑战'), ('subslide', '1. 趋势')]
    """
    nb = slide_tags(_split_sections(_load(nb)))
    out = []
    for cell in nb["cells"]:
        kind = cell["metadata"]["slideshow"]["slide_type"]
        if kind in ("slide", "subslide"):
            head = first_heading(_source(cell)) if cell["cell_type"] == "markdown" else None
            out.append((kind, head[1] if head else ""))
    return out


# --------------------------------------------------------------------------
# Projector check: chart text at the deck's size
# --------------------------------------------------------------------------
def display_pt(font_pt: float, image_px: float, dpi: float = 100.0,
               content_px: float = DECK_CONTENT_PX) -> float:
    """Size in points at which ``font_pt`` text of a ``dpi`` PNG ``image_px`` wide is shown.

    A slide shows an image at its natural size (1 image px = 1 CSS px) unless it
    is wider than ``content_px``, then scaled down to fit; 1 CSS pt = 96/72 px.

    >>> round(display_pt(11, 800), 2)          # 11 pt at 100 dpi, not scaled
    11.46
    >>> round(display_pt(11, 2 * DECK_CONTENT_PX), 2)   # twice too wide: half size
    5.73
    """
    scale = min(1.0, content_px / image_px) if image_px > 0 else 1.0
    return font_pt * dpi / 96.0 * scale


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------
#: Inline CSS shared by decks and handouts: Chinese fonts first on every system.
FONT_CSS = """
:root { --course-font: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
        "Hiragino Sans GB", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif; }
body, .jp-RenderedHTMLCommon, .reveal { font-family: var(--course-font); }
"""

DECK_CSS = """
html, body { height: 100%; margin: 0; background: #fff; }
.reveal { font-size: 24px; color: #1d3557; }
.reveal .slides { text-align: left; }
.reveal .slides > section, .reveal .slides > section > section {
  height: 100%; overflow-y: auto; padding: 0 8px; box-sizing: border-box; }
.reveal h1, .reveal h2, .reveal h3 { color: #1d3557; font-weight: 600; line-height: 1.25; margin: 0 0 .4em; }
.reveal h1 { font-size: 1.9em; } .reveal h2 { font-size: 1.5em; } .reveal h3 { font-size: 1.25em; }
.reveal img { max-width: 100%; height: auto; margin: 0; }
.reveal table { font-size: .8em; }
.reveal .progress { color: #0072B2; }
.jp-RenderedHTMLCommon { font-size: 24px; line-height: 1.5; }
:root { --jp-ui-font-size1: 20px; --jp-content-font-size1: 22px; --jp-code-font-size: 18px;
        --jp-cell-prompt-width: 0px; }
.jp-InputPrompt, .jp-OutputPrompt { display: none; }
a.anchor-link { display: none; }
"""

HANDOUT_CSS = """
body { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
.jp-InputPrompt, .jp-OutputPrompt { min-width: 0; width: 0; padding: 0; overflow: hidden; }
img { max-width: 100%; height: auto; }
@media print { .jp-Cell { break-inside: avoid; } }
"""

MATHJAX_CONFIG = """window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true},
  options: {enableMenu: false},
  svg: {fontCache: 'global'}
};"""

_DECK_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block header -%}
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{{ resources.course.title }}</title>
<link rel="stylesheet" href="{{ resources.course.assets }}/reveal.js/dist/reveal.css">
{{ resources.include_css("static/index.css") }}
{{ resources.include_css("static/theme-light.css") }}
{% for css in resources.inlining.css -%}
<style type="text/css">
{{ css }}
</style>
{% endfor %}
{{ resources.include_css("static/custom_reveal.css") }}
<style type="text/css">
{{ resources.course.css }}
</style>
{%- if resources.course.mathjax %}
<script>{{ resources.course.mathjax_config }}</script>
<script src="{{ resources.course.assets }}/mathjax/es5/tex-svg.js"></script>
{%- endif %}
</head>
{%- endblock header -%}
{% block footer %}
<script src="{{ resources.course.assets }}/reveal.js/dist/reveal.js"></script>
<script src="{{ resources.course.assets }}/reveal.js/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
  controls: true, progress: true, history: true, hash: true, center: false,
  transition: "none", slideNumber: "c/t", plugins: [RevealNotes],
  width: {{ resources.course.width }}, height: {{ resources.course.height }},
  margin: {{ resources.course.margin }}
});
</script>
</html>
{% endblock footer %}
"""

_HANDOUT_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.course.mathjax %}
<script>{{ resources.course.mathjax_config }}</script>
<script>{{ resources.course.mathjax_js }}</script>
{%- endif %}
{%- endblock html_head_js_mathjax -%}
{% block extra_css %}
<style type="text/css">
{{ resources.course.css }}
</style>
{% endblock extra_css %}
"""


def _load(nb):
    """A notebook node from a path or a node (the node is copied, never changed)."""
    import nbformat

    if isinstance(nb, (str, Path)):
        return nbformat.read(str(nb), as_version=4)
    return nbformat.from_dict(copy.deepcopy(dict(nb)))


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            head = first_heading(_source(cell))
            if head:
                return head[1]
    return fallback


def has_math(nb) -> bool:
    """True when a markdown cell holds a TeX formula (``$...$``, ``$$...$$``, ``\\(...\\)``).

    >>> import nbformat
    >>> has_math(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("$$a=1$$")]))
    True
    >>> has_math(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("价格 5 元")]))
    False
    """
    return any(c.cell_type == "markdown" and _MATH_RE.search(_source(c)) for c in nb.cells)


def section_parts(markdown: str) -> list[str]:
    r"""``markdown`` split before every ``#``-``###`` heading that follows other text.

    A heading right under another heading stays with it (``## 一`` + ``### 1.``).

    >>> section_parts("结论。\n\n## 二、数据\n### 1. 交易\n正文\n## 三、清洗")
    ['结论。\n', '## 二、数据\n### 1. 交易\n正文', '## 三、清洗']
    >>> section_parts("## 一\n正文")
    ['## 一\n正文']
    """
    parts: list[list[str]] = [[]]
    prose = fenced = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        head = None if fenced else _HEADING_RE.match(line)
        if head and len(head.group(1)) <= 3:
            if prose:
                parts.append([])
                prose = False
        elif line.strip():
            prose = True
        parts[-1].append(line)
    return ["\n".join(p) for p in parts if "\n".join(p).strip()]


def _split_sections(nb):
    """Markdown cells that start a section after other text become two or more cells.

    Only for exported decks (a notebook in Lab keeps its cells): the text before
    the heading stays on the previous slide, the section starts a new one. A cell's
    explicit slide type stays on its first part.
    """
    import nbformat

    auto = nbformat.from_dict(copy.deepcopy(dict(nb)))
    for cell in auto.cells:
        cell.metadata.pop("slideshow", None)
    slide_tags(auto)
    cells = []
    for cell, plain in zip(nb.cells, auto.cells):
        parts = section_parts(_source(cell)) if cell.cell_type == "markdown" else []
        if len(parts) <= 1:
            cells.append(cell)
            continue
        explicit = (cell.metadata.get("slideshow") or {}).get("slide_type")
        overridden = explicit is not None and explicit != plain.metadata.slideshow.slide_type
        for i, part in enumerate(parts):
            meta = {k: copy.deepcopy(v) for k, v in cell.metadata.items() if k != "slideshow"}
            if i == 0 and overridden:
                meta["slideshow"] = {"slide_type": explicit}
            cells.append(nbformat.v4.new_markdown_cell(part, metadata=meta))
    nb.cells = cells
    return nb


def _prepare(nb):
    """The copy an exporter sees: sections split, slide tags, no kernel check, hidden inputs
    removed, no widget state."""
    from tools.nbbuild import KERNEL_GUARD

    nb = slide_tags(_split_sections(nb))
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith(KERNEL_GUARD):
            cell.source = cell.source[len(KERNEL_GUARD):]  # the kernel check is for Jupyter only
        if cell.cell_type == "code" and _hidden_input(cell):
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    return nb


def _exporter(kind: str):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter, SlidesExporter

    loader = DictLoader({"course_deck.html.j2": _DECK_TEMPLATE,
                         "course_handout.html.j2": _HANDOUT_TEMPLATE})
    if kind == "deck":
        return SlidesExporter(extra_loaders=[loader], template_file="course_deck.html.j2")
    return HTMLExporter(extra_loaders=[loader], template_file="course_handout.html.j2",
                        embed_images=True)


def copy_assets(out_dir: Path, mathjax: bool = True) -> list[Path]:
    """Copy the vendored files a deck loads into ``out_dir/_assets/``; the copies.

    Only files whose bytes differ are rewritten.
    """
    out = []
    for rel in REVEAL_FILES + (MATHJAX_FILES if mathjax else ()):
        src, dst = VENDOR / rel, Path(out_dir) / ASSETS / rel
        if not (dst.is_file() and dst.read_bytes() == src.read_bytes()):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        out.append(dst)
    return out


def _stem(nb_path, nb) -> str:
    if isinstance(nb_path, (str, Path)):
        return Path(nb_path).stem
    return str(nb.metadata.get("name") or "notebook")


_NB_LINK_RE = re.compile(r"\]\(([A-Za-z0-9_.-]+\.ipynb)(#[^)\s]*)?\)")
_HREF_RE = re.compile(r'(href=")([A-Za-z0-9_.-]+\.ipynb)(#[^"\s]*)?"')


def relink(nb, targets: dict[str, str]):
    """Markdown links to sibling notebooks in ``targets`` point to their exported pages (in place).

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "见[第二讲](L2_profiling.ipynb#一)和[练习](../exercises/L2_exercises.ipynb)")])
    >>> relink(nb, {"L2_profiling.ipynb": "L2_profiling.html"}).cells[0].source
    '见[第二讲](L2_profiling.html#一)和[练习](../exercises/L2_exercises.ipynb)'
    """
    def swap(m: re.Match) -> str:
        new = targets.get(m.group(1))
        return f"]({new}{m.group(2) or ''})" if new else m.group(0)

    def swap_href(m: re.Match) -> str:
        new = targets.get(m.group(2))
        return f"{m.group(1)}{new}{m.group(3) or ''}\"" if new else m.group(0)

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _NB_LINK_RE.sub(swap, _source(cell))
        for out in cell.get("outputs", []):  # e.g. the start page's table of notebooks
            data = out.get("data") or {}
            if "text/markdown" in data:
                data["text/markdown"] = _NB_LINK_RE.sub(swap, _source({"source": data["text/markdown"]}))
            if "text/html" in data:
                data["text/html"] = _HREF_RE.sub(swap_href, _source({"source": data["text/html"]}))
    return nb


def export_deck(nb, out_dir, name: str | None = None, links: dict[str, str] | None = None) -> Path:
    """Write a reveal.js deck of ``nb`` (path or notebook) to ``out_dir/<name>.slides.html``.

    The deck loads reveal.js (and MathJax for formulas) from ``out_dir/_assets/``
    (copied from ``tools/vendor/``): it works from a USB stick, offline, by
    double-click. Keys: arrows / space to advance, ``S`` speaker view, ``Esc`` overview.
    Returns the deck's path.
    """
    node = relink(_prepare(_load(nb)), links or {})
    name = name or _stem(nb, node)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    math = has_math(node)
    copy_assets(out_dir, mathjax=math)
    resources = {"metadata": {"name": name},
                 "course": {"title": html.escape(_title(node, name)), "assets": ASSETS,
                            "css": FONT_CSS + DECK_CSS, "mathjax": math,
                            "mathjax_config": MATHJAX_CONFIG, "width": DECK_WIDTH,
                            "height": DECK_HEIGHT, "margin": DECK_MARGIN}}
    body, _ = _exporter("deck").from_notebook_node(node, resources=resources)
    path = out_dir / f"{name}.slides.html"
    path.write_text(body, encoding="utf-8")
    return path


def export_handout(nb, out_html, name: str | None = None,
                   links: dict[str, str] | None = None) -> Path:
    """Write ``nb`` (path or notebook) as one self-contained HTML file ``out_html``.

    Images are ``data:`` URIs, CSS is inline, MathJax (only when the notebook has
    formulas) is inline; nothing is loaded from anywhere. Returns the path.
    """
    node = relink(_prepare(_load(nb)), links or {})
    out_html = Path(out_html)
    name = name or _stem(nb, node)
    math = has_math(node)
    resources = {"metadata": {"name": name},
                 "course": {"css": FONT_CSS + HANDOUT_CSS, "mathjax": math,
                            "mathjax_config": MATHJAX_CONFIG,
                            "mathjax_js": (VENDOR / MATHJAX_FILES[0]).read_text(encoding="utf-8")
                            if math else ""}}
    body, _ = _exporter("handout").from_notebook_node(node, resources=resources)
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(body, encoding="utf-8")
    return out_html


def lecture_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The lecture notebooks (``notebooks/*.ipynb``, start page included), sorted."""
    return [p for p in sorted(Path(folder).glob("*.ipynb")) if not p.name.startswith(".")]


def export_all(out_dir, notebooks=None, progress=None) -> list[Path]:
    """Decks into ``out_dir/slides/`` and handouts into ``out_dir/handouts/``; written paths.

    ``notebooks``: paths (default: :func:`lecture_notebooks`). ``progress``: a
    callable given one line per notebook (e.g. ``print``), or None. Links between the
    exported notebooks lead from deck to deck and from handout to handout.
    """
    out_dir = Path(out_dir)
    written: list[Path] = []
    paths = lecture_notebooks() if notebooks is None else [Path(p) for p in notebooks]
    deck_links = {p.name: f"{p.stem}.slides.html" for p in paths}
    handout_links = {p.name: f"{p.stem}.html" for p in paths}
    for path in paths:
        deck = export_deck(path, out_dir / "slides", links=deck_links)
        handout = export_handout(path, out_dir / "handouts" / f"{path.stem}.html",
                                 links=handout_links)
        written += [deck, handout]
        if progress:
            progress(f"{path.name}: {_rel(deck)} ({deck.stat().st_size // 1024} KB), "
                     f"{_rel(handout)} ({handout.stat().st_size // 1024} KB)")
    return written


def _rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------
# Vendored files: what the README records
# --------------------------------------------------------------------------
def vendored_sha256(readme: Path = VENDOR / "README.md") -> dict[str, str]:
    """``{relative path: sha256}`` from the table in ``tools/vendor/README.md``."""
    rows = re.findall(r"^\|\s*`([^`]+)`\s*\|\s*`([0-9a-f]{64})`\s*\|", readme.read_text("utf-8"),
                      re.M)
    return dict(rows)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="python3 course.py handouts",
        description="Offline slide decks (reveal.js) and self-contained HTML handouts of the "
                    "lecture notebooks / 离线幻灯片和讲义")
    ap.add_argument("notebooks", nargs="*", type=Path,
                    help="notebooks to export (default: every notebooks/*.ipynb)")
    ap.add_argument("--out", type=Path, default=BUILD, metavar="DIR",
                    help="output folder; decks go to DIR/slides/, handouts to DIR/handouts/ "
                         "(default: build/)")
    args = ap.parse_args(argv)
    missing = [p for p in args.notebooks if not p.is_file()]
    if missing:
        print(f"[handouts] 找不到笔记本 / notebook not found: {', '.join(map(str, missing))}",
              file=sys.stderr)
        return 2
    todo = args.notebooks or lecture_notebooks()
    if not todo:
        print("[handouts] notebooks/ 里没有笔记本 / no notebooks in notebooks/", file=sys.stderr)
        return 1
    written = export_all(args.out, todo, progress=lambda s: print(f"[handouts] {s}", flush=True))
    print(f"[handouts] {len(written) // 2} 份幻灯片 + {len(written) // 2} 份讲义 / decks + handouts:"
          f" {_rel(args.out / 'slides')}/, {_rel(args.out / 'handouts')}/")
    print("[handouts] 放映：用浏览器打开 *.slides.html（离线可用），方向键翻页，S 键演讲者视图 / "
          "open a *.slides.html in a browser (offline), arrow keys, S = speaker view")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
