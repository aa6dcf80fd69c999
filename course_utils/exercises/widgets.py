"""Widget exercises: ipywidgets controls drive a redraw by a plain render function.

``WidgetExercise(controls, render, exercise=q, answer=fn)`` (docs/AUTHORING.md 5.2):

* ``render(values)`` is a pure function (dict -> Figure / DataFrame / HTML str /
  list), unit-tested: a headless run does not fail when a widget callback raises.
* Every control change redraws. If ``render`` raises, the output shows an error
  box (class :data:`feedback.ERROR_MARKER`, which the notebook and browser tests
  look for) above the last good drawing; the traceback goes to ``app.errors``. A
  trainee's change never raises; a change from code (``set_values``, ``hold``)
  and the first render (at construction) do, so tests and nbval see it.
* ``app.values``: the control values; ``app.answer()``: what the exercise checks
  (``answer(values)``, default the values); ``q.check(app)`` checks it.
* With ``exercise=`` a "检查答案" button shows the feedback inside the widget
  (works in Voila); it never raises.
* ``app.last_render_ms``: the last redraw (render + PNG), for
  benchmarks/bench_widgets.py; goal <= 150 ms at the default size.

Outputs are written to ``app.output.outputs`` directly (no capture context), so
they work outside a kernel and tests can inspect them.
"""
from __future__ import annotations

import base64
import html
import io
import logging
import time
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping

from .exercise import Exercise
from .feedback import error_box_html

log = logging.getLogger("course_utils.exercises")

_APPS: dict[str, "WidgetExercise"] = {}


def registered() -> dict[str, "WidgetExercise"]:
    """Widget exercises created so far, by name (benchmarks iterate over it)."""
    return dict(_APPS)


def to_mimebundle(obj: Any, dpi: int = 100) -> list[dict]:
    """Turn a render result into Jupyter display outputs (list of dicts).

    Supported: a matplotlib Figure (PNG, then the figure is closed), a pandas
    DataFrame / Series / Styler (HTML table), an object with ``_repr_html_``,
    a ``str`` (taken as an HTML fragment), a list/tuple of these, or None.

    >>> to_mimebundle("<b>好</b>")[0]["data"]["text/html"]
    '<b>好</b>'
    """
    if obj is None:
        return []
    if isinstance(obj, (list, tuple)):
        out: list[dict] = []
        for item in obj:
            out.extend(to_mimebundle(item, dpi=dpi))
        return out
    data: dict[str, Any]
    if hasattr(obj, "savefig") and hasattr(obj, "axes"):  # matplotlib Figure
        buf = io.BytesIO()
        obj.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        try:
            import matplotlib.pyplot as plt
            plt.close(obj)
        except Exception:  # noqa: BLE001
            pass
        data = {"image/png": base64.b64encode(buf.getvalue()).decode("ascii"),
                "text/plain": "<图表>"}
    elif isinstance(obj, str):
        data = {"text/html": obj, "text/plain": html.unescape(obj)[:200]}
    elif hasattr(obj, "to_html"):  # DataFrame, Styler
        try:
            data = {"text/html": obj.to_html(), "text/plain": str(obj)[:2000]}
        except TypeError:
            data = {"text/html": obj.to_html(), "text/plain": "<表格>"}
    elif hasattr(obj, "to_frame"):  # Series
        return to_mimebundle(obj.to_frame(), dpi=dpi)
    elif hasattr(obj, "_repr_html_"):
        data = {"text/html": obj._repr_html_(), "text/plain": str(obj)}
    else:
        data = {"text/plain": str(obj)}
    return [{"output_type": "display_data", "data": data, "metadata": {}}]


def _html_output(fragment: str) -> dict:
    return {"output_type": "display_data",
            "data": {"text/html": fragment, "text/plain": html.unescape(fragment)[:200]},
            "metadata": {}}


class WidgetExercise:
    """Controls + an output redrawn by ``render(values)`` + optional check button.

    Parameters
    ----------
    controls : mapping name -> ipywidgets value widget (slider, dropdown, text ...)
    render : function ``dict -> Figure | DataFrame | HTML str | list`` (pure)
    title : Chinese title shown above the controls
    exercise : an :class:`~course_utils.exercises.exercise.Exercise`; adds a
        "检查答案" button whose feedback is shown inside the widget
    answer : function ``values -> answer`` passed to ``exercise.check``
        (default: the values dict itself)
    name : registry key (``"L1.churn_trend"``); defaults to the exercise id
    instructions : Chinese HTML shown under the title

    Example (outside a notebook)::

        >>> import ipywidgets as W
        >>> app = WidgetExercise({"n": W.IntSlider(value=2)}, lambda v: f"<b>{v['n']}</b>")
        >>> app.set_values(n=5); app.output.outputs[0]["data"]["text/html"]
        '<b>5</b>'
    """

    #: Marks a widget app for the engine: ``Exercise.check(app)`` checks ``app.answer()``.
    is_widget_app = True

    def __init__(self, controls: Mapping[str, Any], render: Callable[[dict], Any], *,
                 title: str = "", exercise: Exercise | None = None,
                 answer: Callable[[dict], Any] | None = None, name: str | None = None,
                 instructions: str = "", continuous_update: bool = False,
                 dpi: int = 100) -> None:
        import ipywidgets as W

        self.controls: dict[str, Any] = dict(controls)
        self.render = render
        self.title = title
        self.exercise = exercise
        self.answer_fn = answer
        self.dpi = dpi
        self.name = name or (exercise.id if exercise is not None else
                             getattr(render, "__name__", "widget"))
        self.errors: list[str] = []
        self.last_error: str | None = None
        self.last_render_ms: float | None = None
        self.last_good_values: dict | None = None
        self._last_good_outputs: tuple = ()
        self._hold = False

        self.output = W.Output(layout=W.Layout(min_height="120px"))
        self.feedback = W.HTML(value="")
        for w in self.controls.values():
            if hasattr(w, "continuous_update"):
                w.continuous_update = continuous_update
            w.observe(self._on_change, names="value")
        parts: list[Any] = []
        if title:
            parts.append(W.HTML(value=f"<h4 style='margin:4px 0'>{html.escape(title)}</h4>"))
        if instructions:
            parts.append(W.HTML(value=instructions))
        parts.append(W.VBox(list(self.controls.values())))
        if exercise is not None:
            self.check_button = W.Button(description="检查答案", button_style="primary",
                                         icon="check")
            self.check_button.on_click(lambda _b: self.check())
            parts.append(W.HBox([self.check_button]))
            parts.append(self.feedback)
        else:
            self.check_button = None
        parts.append(self.output)
        self.widget = W.VBox(parts)
        self.widget.add_class("course-widget-exercise")
        _APPS[self.name] = self
        self.redraw(raise_errors=True)

    # -- values -----------------------------------------------------------
    @property
    def values(self) -> dict:
        """Current control values, ``{name: value}`` (a fresh dict)."""
        return {k: w.value for k, w in self.controls.items()}

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls with one redraw at the end."""
        self._hold = True
        try:
            yield
        finally:
            self._hold = False
        self.redraw(raise_errors=True)

    def set_values(self, **values: Any) -> None:
        """Set controls by name and redraw once (raises if ``render`` fails).

        Unknown names raise ``KeyError`` (a developer mistake, not a trainee's).
        """
        for k in values:
            if k not in self.controls:
                raise KeyError(f"no control named {k!r}; have {sorted(self.controls)}")
        with self.hold():
            for k, v in values.items():
                self.controls[k].value = v

    # -- drawing ----------------------------------------------------------
    def _on_change(self, change: dict) -> None:
        """Observer of every control: redraw, never raise (a trainee moved a control)."""
        if self._hold:
            return
        try:
            self.redraw(raise_errors=False)
        except Exception:  # noqa: BLE001 - redraw already shows and keeps its own errors
            self.errors.append(traceback.format_exc())

    def redraw(self, raise_errors: bool = False) -> bool:
        """Call ``render(values)`` and show the result; True on success.

        On failure: an error box plus the last good drawing, the traceback
        appended to ``errors``; re-raises when ``raise_errors``.
        """
        values = self.values
        self.feedback.value = ""  # feedback was about the previous values
        t0 = time.perf_counter()
        try:
            outputs = tuple(to_mimebundle(self.render(values), dpi=self.dpi))
        except Exception as exc:  # noqa: BLE001 - shown, logged, re-raised
            detail = traceback.format_exc()
            self.errors.append(detail)
            self.last_error = detail
            log.error("widget %s: render failed for %r:\n%s", self.name, values, detail)
            msg = ("图表没能更新：这组取值让绘图程序出错了。请换一组取值再试；"
                   "如果一直出错，请告诉讲师。\n"
                   f"（{type(exc).__name__}: {str(exc)[:150]}）")
            self.output.outputs = (_html_output(error_box_html(msg, self.title)),
                                   *self._last_good_outputs)
            if raise_errors:
                raise
            return False
        self.last_render_ms = (time.perf_counter() - t0) * 1000.0
        self.last_error = None
        self.last_good_values = values
        self._last_good_outputs = outputs
        self.output.outputs = outputs
        return True

    # -- checking ---------------------------------------------------------
    def answer(self) -> Any:
        """The answer handed to ``exercise.check`` (``answer(values)`` or values)."""
        return self.answer_fn(self.values) if self.answer_fn else self.values

    def check(self):
        """Run the exercise's check on this app; show the feedback and return it (never raises)."""
        if self.exercise is None:
            return None
        try:
            result = self.exercise.check(self)
            self.feedback.value = result._repr_html_()
            return result
        except Exception:  # noqa: BLE001 - check() does not raise; rendering might
            detail = traceback.format_exc()
            self.errors.append(detail)
            log.error("widget %s: check failed:\n%s", self.name, detail)
            self.feedback.value = error_box_html("检查答案时出错（不是你的错），请告诉讲师。",
                                                 self.title)
            return None

    # -- display ----------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        """The widget view plus a static preview (last drawing as PNG).

        Live front-ends show the widget; a saved notebook (whose widget state
        the build drops) shows the preview instead of an empty output.
        """
        data: dict = {}
        view = getattr(self.widget, "_repr_mimebundle_", None)
        if callable(view):
            data.update(view(**kwargs) or {})
        data["text/plain"] = f"（交互控件 (widget)「{self.title or self.name}」：运行这个单元格即可操作）"
        for out in self._last_good_outputs:
            png = out.get("data", {}).get("image/png")
            if png:
                data["image/png"] = png
                break
        return data

    def __repr__(self) -> str:
        return f"<控件练习 {self.name}>"


def time_render(render: Callable[[dict], Any], values: dict, repeat: int = 5,
                dpi: int = 100) -> list[float]:
    """Wall time (ms) of ``render(values)`` + PNG/HTML encoding, ``repeat`` runs.

    What a trainee waits for after moving a control (minus the browser's
    round trip). Used by benchmarks.

    >>> len(time_render(lambda v: "<b>x</b>", {}, repeat=2))
    2
    """
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        to_mimebundle(render(values), dpi=dpi)
        times.append((time.perf_counter() - t0) * 1000.0)
    return times
