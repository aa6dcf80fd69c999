"""Wheelhouse: install the course where there is no internet.

While online, an instructor runs::

    python3 course.py wheelhouse                       # all four platforms, Python 3.11-3.13
    python3 course.py wheelhouse --platform win_amd64  # only Windows x86-64
    python3 course.py wheelhouse --lock                # re-resolve requirements/lock-<platform>.txt

and copies the folder (default ``wheelhouse/`` next to course.py) to the
training room. There ``python3 course.py lab`` finds it (next to course.py, or
``COURSE_WHEELHOUSE=path``) and installs with pip's ``--no-index --find-links``:
no network at all.

Per-platform locks. pip evaluates environment markers (``os_name == "nt"``...)
for the *running* interpreter even with ``pip download --platform`` (checked:
``pip download --platform win_amd64 terminado`` on Linux fetches ptyprocess,
not pywinpty). So each platform is resolved by uv (``uv pip compile
--python-platform ... --python-version ...``, uv pinned in :data:`UV_PIN` and
installed into a cache venv only when ``--lock`` is asked) with
requirements/lock.txt as constraints: every package both share keeps the
version of lock.txt. One file per platform covers all :data:`PYTHONS`; lines
needed on some Python versions only carry a ``python_version`` marker, which
pip evaluates correctly at install time (on the trainee's interpreter).

Downloads. ``pip download --no-deps --only-binary=:all: --platform ...
--python-version ...`` of the marker-filtered pins, per platform and Python.
A pin with no wheel for a target is reported by name; if it has an sdist that
builds to a pure-Python wheel (``py3-none-any``: jieba), that wheel is built
once and used on every platform, and the report says so. ``MANIFEST.json``
(file, sha256, platform) is written last, atomically: a folder without it is an
unfinished wheelhouse and is never used.

Standard library only: this runs with the system Python before .venv exists.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform as _platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQ_DIR = ROOT / "requirements"
LOCK = REQ_DIR / "lock.txt"
REQ_IN = REQ_DIR / "requirements.in"
DEFAULT_OUT = ROOT / "wheelhouse"
MANIFEST = "MANIFEST.json"
ENV_VAR = "COURSE_WHEELHOUSE"
#: Values of COURSE_WHEELHOUSE that mean "ignore any wheelhouse, install online".
ENV_OFF = ("0", "off", "none", "no")
#: uv resolves the per-platform locks (instructor's machine, ``--lock`` only).
UV_PIN = "uv==0.13.8"
#: Python versions the wheelhouse serves. soupsieve 4.1.3 (a pin) needs >= 3.11.5.
PYTHONS = ("3.11", "3.12", "3.13")
#: The patch release given to uv and pip for a minor version (soupsieve needs 3.11.5+).
_FULL_PYTHON = {"3.11": "3.11.7"}


@dataclass(frozen=True)
class Target:
    """One platform a wheelhouse folder serves."""

    key: str            # folder and lock name: wheelhouse/<key>/, requirements/lock-<key>.txt
    title: str
    uv_platform: str    # uv pip compile --python-platform
    pip_platforms: tuple[str, ...]  # pip download --platform (pip expands macosx_* downwards)
    sys_platform: str
    machines: tuple[str, ...]  # platform.machine() values, lower case


#: Windows first: most trainees' laptops.
TARGETS: dict[str, Target] = {t.key: t for t in (
    Target("win_amd64", "Windows x86-64", "x86_64-pc-windows-msvc", ("win_amd64",),
           "win32", ("amd64", "x86_64")),
    Target("macosx_arm64", "macOS arm64 (Apple silicon, macOS 12+)", "aarch64-apple-darwin",
           ("macosx_12_0_arm64",), "darwin", ("arm64", "aarch64")),
    Target("macosx_x86_64", "macOS x86-64 (Intel, macOS 12+)", "x86_64-apple-darwin",
           ("macosx_12_0_x86_64",), "darwin", ("x86_64",)),
    Target("linux_x86_64", "Linux x86-64 (glibc 2.28+)", "x86_64-manylinux_2_28",
           tuple(f"manylinux_2_{m}_x86_64" for m in range(28, 16, -1)) + ("manylinux2014_x86_64",),
           "linux", ("x86_64", "amd64")),
)}


#: Pins of lock.txt replaced on one platform because PyPI has no wheel of that version for it:
#: {platform: {package: (version, reason)}}. Checked by tests/test_wheelhouse.py.
OVERRIDES: dict[str, dict[str, tuple[str, str]]] = {
    "macosx_x86_64": {"argon2-cffi-bindings": (
        "25.1.0", "26.2.0 has macOS wheels for arm64 only; 25.1.0 has cp39-abi3 macosx_10_9_x86_64")},
}


class WheelhouseError(RuntimeError):
    """A wheelhouse that cannot serve this machine; the message says what to do."""


def say(msg: str) -> None:
    print(f"[wheelhouse] {msg}", flush=True)


# ---------------------------------------------------------------- lock files

def normalize(name: str) -> str:
    """PEP 503 normalized project name.

    >>> normalize("Jinja2"), normalize("jupyter_server.terminals")
    ('jinja2', 'jupyter-server-terminals')
    """
    return re.sub(r"[-_.]+", "-", name).lower()


_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)\s*(?:;\s*(.*?))?\s*$")
_PYVER = re.compile(r'python_version\s*==\s*["\'](\d+\.\d+)["\']')


@dataclass(frozen=True)
class Pin:
    name: str       # as written
    version: str
    pythons: tuple[str, ...] | None = None  # None = every Python version

    @property
    def key(self) -> str:
        return normalize(self.name)

    def applies(self, python: str) -> bool:
        return self.pythons is None or python in self.pythons

    def line(self) -> str:
        if self.pythons is None:
            return f"{self.name}=={self.version}"
        marker = " or ".join(f'python_version == "{v}"' for v in self.pythons)
        return f"{self.name}=={self.version} ; {marker}"


def parse_lock(text: str) -> list[Pin]:
    """Pins of a lock file (``name==version`` with an optional python_version marker).

    >>> parse_lock('# c\\npandas==3.1.1\\naiohttp==3.14.5 ; python_version == "3.12"\\n')
    [Pin(name='pandas', version='3.1.1', pythons=None), Pin(name='aiohttp', version='3.14.5', pythons=('3.12',))]
    """
    pins = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        m = _PIN.match(line)
        if not m:
            raise ValueError(f"not a pinned requirement: {raw!r}")
        marker = m.group(3)
        pythons = None
        if marker:
            pythons = tuple(_PYVER.findall(marker))
            if not pythons or re.sub(r'python_version\s*==\s*["\'][\d.]+["\']|\bor\b|\s', "", marker):
                raise ValueError(f"only `python_version == \"X.Y\"` markers are supported: {raw!r}")
        pins.append(Pin(m.group(1), m.group(2), pythons))
    return pins


def read_lock(path: Path) -> list[Pin]:
    return parse_lock(Path(path).read_text(encoding="utf-8"))


def lock_path(key: str, req_dir: Path = REQ_DIR) -> Path:
    return Path(req_dir) / f"lock-{key}.txt"


def merge_resolutions(per_python: dict[str, dict[str, tuple[str, str]]]) -> list[Pin]:
    """One pin list from per-Python resolutions ``{python: {key: (name, version)}}``.

    A package with the same version on every Python gets no marker.

    >>> r = {"3.11": {"a": ("a", "1")}, "3.12": {"a": ("a", "1"), "b": ("b", "2")}}
    >>> [p.line() for p in merge_resolutions(r)]
    ['a==1', 'b==2 ; python_version == "3.12"']
    """
    pythons = sorted(per_python, key=lambda v: tuple(map(int, v.split("."))))
    keys = sorted({k for res in per_python.values() for k in res})
    pins = []
    for key in keys:
        versions: dict[str, list[str]] = {}
        name = key
        for py in pythons:
            if key in per_python[py]:
                name, ver = per_python[py][key]
                versions.setdefault(ver, []).append(py)
        for ver, pys in versions.items():
            pins.append(Pin(name, ver, None if pys == pythons else tuple(pys)))
    return pins


def render_lock(target: Target, pins: list[Pin], pythons: tuple[str, ...]) -> str:
    head = [
        f"# Pinned packages for {target.title}, Python {', '.join(pythons)}.",
        "# Generated by `python3 course.py wheelhouse --lock` (uv pip compile --python-platform",
        f"# {target.uv_platform}) from requirements.in with lock.txt as constraints. Do not edit.",
    ]
    head += [f"# Not lock.txt's version here: {name}=={ver} ({why})."
             for name, (ver, why) in sorted(OVERRIDES.get(target.key, {}).items())]
    return "\n".join(head + [p.line() for p in pins]) + "\n"


def shared_pin_mismatches(base: list[Pin], platform_pins: list[Pin],
                          overrides: dict[str, tuple[str, str]] | None = None) -> list[str]:
    """Packages pinned in both files at different versions (none but ``overrides``).

    >>> shared_pin_mismatches(parse_lock("a==1\\nb==2"), parse_lock("a==1\\nb==3\\nc==1"))
    ['b: lock.txt 2, platform lock 3']
    >>> shared_pin_mismatches(parse_lock("b==2"), parse_lock("b==3"), {"b": ("3", "why")})
    []
    """
    want = {p.key: p.version for p in base}
    want.update({k: v for k, (v, _why) in (overrides or {}).items() if k in want})
    return [f"{p.name}: lock.txt {want[p.key]}, platform lock {p.version}"
            for p in platform_pins if p.key in want and want[p.key] != p.version]


def constraints_text(base: list[Pin], overrides: dict[str, tuple[str, str]] | None = None) -> str:
    """lock.txt's pins with a platform's overrides applied (uv's ``-c`` file).

    >>> constraints_text(parse_lock("a==1\\nb==2"), {"b": ("1.5", "no wheel")})
    'a==1\\nb==1.5\\n'
    """
    over = overrides or {}
    return "".join(f"{p.name}=={over[p.key][0] if p.key in over else p.version}\n" for p in base)


# ---------------------------------------------------------------- where am I

def current_target(sys_platform: str | None = None, machine: str | None = None) -> str | None:
    """Key of :data:`TARGETS` for this interpreter, or None (unsupported machine).

    >>> current_target("win32", "AMD64"), current_target("darwin", "arm64"), current_target("linux", "aarch64")
    ('win_amd64', 'macosx_arm64', None)
    """
    sp = sys.platform if sys_platform is None else sys_platform
    mach = (_platform.machine() if machine is None else machine).lower()
    for t in TARGETS.values():
        if sp.startswith(t.sys_platform) and mach in t.machines:
            return t.key
    return None


def python_minor(version: tuple[int, ...] | None = None) -> str:
    v = sys.version_info if version is None else version
    return f"{v[0]}.{v[1]}"


def find_wheelhouse(root: Path = ROOT, environ: dict | None = None) -> Path | None:
    """The wheelhouse to install from, or None (install from the index as usual).

    ``COURSE_WHEELHOUSE=path`` wins (``off`` disables); otherwise ``wheelhouse/``
    next to course.py when it holds a ``MANIFEST.json``. An explicitly named
    folder without a manifest raises :class:`WheelhouseError`.
    """
    env = os.environ if environ is None else environ
    value = env.get(ENV_VAR, "").strip()
    if value.lower() in ENV_OFF:
        return None
    if value:
        path = Path(value).expanduser().resolve()
        if not (path / MANIFEST).is_file():
            raise WheelhouseError(
                f"{ENV_VAR}={value}: 这里没有完整的离线安装包目录 (no {MANIFEST} in that folder: "
                "not a finished wheelhouse). Build one with `python3 course.py wheelhouse` while "
                f"online, or unset {ENV_VAR}.")
        return path
    default = Path(root) / "wheelhouse"
    return default if (default / MANIFEST).is_file() else None


def read_manifest(wheelhouse: Path) -> dict:
    return json.loads((Path(wheelhouse) / MANIFEST).read_text(encoding="utf-8"))


def offline_install_args(wheelhouse: Path, target: str | None = None,
                         python: str | None = None) -> list[str]:
    """``pip install`` arguments that install the course from ``wheelhouse`` only.

    Raises :class:`WheelhouseError` (bilingual, says what to do) when the
    wheelhouse has no folder for this platform or this Python version.
    """
    target = current_target() if target is None else target
    python = python_minor() if python is None else python
    manifest = read_manifest(wheelhouse)
    served = manifest.get("targets", {})
    if target is None or target not in served:
        have = ", ".join(served) or "none"
        raise WheelhouseError(
            f"离线安装包目录 {wheelhouse} 不含本机平台 (this wheelhouse has no folder for this "
            f"machine: {target or sys.platform + '/' + _platform.machine()}; it serves: {have}). "
            "Build it with "
            f"`python3 course.py wheelhouse --platform <key>`, or set {ENV_VAR}=off to install "
            "from the internet.")
    pythons = served[target].get("pythons", [])
    if python not in pythons:
        raise WheelhouseError(
            f"离线安装包目录只支持 Python {', '.join(pythons)}，本机是 Python {python} "
            f"(the wheelhouse serves Python {', '.join(pythons)} on {target}; this is {python}). "
            "Install one of those Python versions (python.org), or rebuild the wheelhouse with "
            f"`--python {python}` while online.")
    folder = Path(wheelhouse) / target
    return ["--no-index", "--find-links", str(folder), "-r", str(folder / "lock.txt")]


def online_lock(root: Path = ROOT, target: str | None = None) -> Path:
    """The lock to install from with an index: this platform's, else lock.txt."""
    target = current_target() if target is None else target
    if target is not None:
        p = lock_path(target, Path(root) / "requirements")
        if p.is_file():
            return p
    return Path(root) / "requirements" / "lock.txt"


def install_args(root: Path = ROOT, environ: dict | None = None) -> tuple[list[str], str]:
    """(``pip install`` arguments, one-line description) for ``course.py``'s set-up."""
    wh = find_wheelhouse(root, environ)
    if wh is not None:
        return offline_install_args(wh), f"from the wheelhouse {wh} (offline, no index)"
    lock = online_lock(root)
    return ["-r", str(lock)], f"from the package index, pinned by {lock.relative_to(root)}"


# ---------------------------------------------------------------- locking (uv)

def tool_cache(environ: dict | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("COURSE_WHEELHOUSE_CACHE") or env.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "course-wheelhouse"


def _venv_exe(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


def ensure_uv(cache: Path) -> Path:
    """uv (:data:`UV_PIN`) in a venv under ``cache``; never needed by trainees."""
    venv = cache / ("uv-" + UV_PIN.split("==")[1])
    uv = _venv_exe(venv, "uv")
    if not uv.exists():
        say(f"installing {UV_PIN} into {venv} (instructor's machine only) ...")
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        subprocess.check_call([str(_venv_exe(venv, "python")), "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", UV_PIN])
    return uv


def resolve(uv: Path, target: Target, python: str, previous: Path | None, cache: Path,
            req_dir: Path = REQ_DIR) -> dict[str, tuple[str, str]]:
    """``{key: (name, version)}`` for ``target`` on ``python`` (uv, lock.txt as constraints)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.txt"
        constraints = Path(tmp) / "constraints.txt"
        constraints.write_text(constraints_text(read_lock(req_dir / "lock.txt"),
                                                OVERRIDES.get(target.key)))
        if previous is not None and previous.is_file():
            # uv takes an existing output file's pins as preferences: unchanged pins stay.
            pins = [p for p in read_lock(previous) if p.applies(python)]
            out.write_text("\n".join(f"{p.name}=={p.version}" for p in pins) + "\n")
        cmd = [str(uv), "pip", "compile", "--quiet", "--no-header", "--no-annotate",
               "--python-platform", target.uv_platform,
               "--python-version", _FULL_PYTHON.get(python, python),
               "-c", str(constraints), str(req_dir / "requirements.in"),
               "--cache-dir", str(cache / "uv-cache"), "-o", str(out)]
        subprocess.run(cmd, check=True)
        return {p.key: (p.name, p.version) for p in read_lock(out)}


def lock_platforms(keys: list[str], pythons: tuple[str, ...], cache: Path,
                   req_dir: Path = REQ_DIR) -> list[Path]:
    """Write ``requirements/lock-<key>.txt`` for each platform; the paths."""
    uv = ensure_uv(cache)
    base = read_lock(req_dir / "lock.txt")
    written = []
    for key in keys:
        target = TARGETS[key]
        path = lock_path(key, req_dir)
        per_python = {py: resolve(uv, target, py, path, cache, req_dir) for py in pythons}
        pins = merge_resolutions(per_python)
        bad = shared_pin_mismatches(base, pins, OVERRIDES.get(key))
        if bad:
            raise WheelhouseError(f"{key}: resolution differs from lock.txt: {'; '.join(bad)}")
        path.write_text(render_lock(target, pins, pythons), encoding="utf-8")
        extra = sorted({p.key for p in pins} - {p.key for p in base})
        missing = sorted({p.key for p in base} - {p.key for p in pins})
        say(f"{path.relative_to(req_dir.parent)}: {len(pins)} pins; not in lock.txt: "
            f"{', '.join(extra) or '-'}; lock.txt pins not needed here: {', '.join(missing) or '-'}")
        written.append(path)
    return written


# ---------------------------------------------------------------- downloading

_WHEEL = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")
_NO_DIST = re.compile(r"No matching distribution found for ([A-Za-z0-9._-]+)==")


def wheel_key(filename: str) -> tuple[str, str] | None:
    """(normalized name, version) of a wheel file name, or None.

    >>> wheel_key("jupyter_server-2.21.1-py3-none-any.whl")
    ('jupyter-server', '2.21.1')
    """
    m = _WHEEL.match(filename)
    return (normalize(m["name"]), m["version"]) if m else None


def is_pure(filename: str) -> bool:
    """True for a wheel that runs on every platform and Python 3 (``py3-none-any``).

    >>> is_pure("jieba-0.42.1-py3-none-any.whl"), is_pure("numpy-2.4.6-cp311-cp311-win_amd64.whl")
    (True, False)
    """
    m = _WHEEL.match(filename)
    return bool(m) and m["abi"] == "none" and m["plat"] == "any" and m["py"] in ("py3", "py2.py3")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _pip(cache: Path) -> list[str]:
    """pip of the tool venv (the system Python may have no pip module)."""
    venv = cache / "pip-venv"
    py = _venv_exe(venv, "python")
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
    return [str(py), "-m", "pip", "--disable-pip-version-check"]


_SAVED = re.compile(r"^\s*(?:Saved|File was already downloaded)\s+(\S+\.whl)\s*$", re.M)


def _download(pip: list[str], target: Target, python: str, pins: list[Pin], dest: Path,
              log: Path, saved: dict[str, str]) -> list[Pin]:
    """pip-download binary wheels of ``pins``; the pins that have no wheel here.

    ``saved`` gets ``{normalized name: wheel file name}`` of what pip saved.
    """
    left, no_wheel = list(pins), []
    while left:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(f"{p.name}=={p.version}" for p in left) + "\n")
            req = f.name
        cmd = [*pip, "download", "--no-deps", "--only-binary=:all:", "--implementation", "cp",
               "--python-version", _FULL_PYTHON.get(python, python), "--dest", str(dest), "-r", req]
        for plat in target.pip_platforms:
            cmd += ["--platform", plat]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        os.unlink(req)
        with open(log, "a", encoding="utf-8") as lf:
            lf.write(f"$ {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}\n")
        if proc.returncode == 0:
            for path in _SAVED.findall(proc.stdout):
                k = wheel_key(Path(path).name)
                if k is not None:
                    saved[k[0]] = Path(path).name
            return no_wheel
        m = _NO_DIST.search(proc.stderr)
        if not m:
            raise WheelhouseError(f"pip download failed for {target.key} / Python {python}; "
                                  f"see {log}:\n{proc.stderr[-1500:]}")
        bad = normalize(m.group(1))
        no_wheel += [p for p in left if p.key == bad]
        left = [p for p in left if p.key != bad]
    return no_wheel


def _built_name(cache: Path, pin: Pin) -> str | None:
    """File name of the wheel built earlier from ``pin``'s sdist, if any."""
    for w in (cache / "built-wheels").glob("*.whl"):
        if wheel_key(w.name) == (pin.key, pin.version):
            return w.name
    return None


def _pure_wheel_from_sdist(pip: list[str], pin: Pin, cache: Path, log: Path) -> Path | None:
    """Build ``pin`` from its sdist once (cached); the wheel if it is pure Python."""
    built = cache / "built-wheels"
    built.mkdir(parents=True, exist_ok=True)
    for w in built.glob("*.whl"):
        if wheel_key(w.name) == (pin.key, pin.version):
            return w if is_pure(w.name) else None
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [*pip, "wheel", "--no-deps", "--no-binary=:all:", "--wheel-dir", tmp,
               f"{pin.name}=={pin.version}"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        with open(log, "a", encoding="utf-8") as lf:
            lf.write(f"$ {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}\n")
        wheels = list(Path(tmp).glob("*.whl"))
        if proc.returncode != 0 or len(wheels) != 1:
            return None
        dest = built / wheels[0].name
        shutil.copy2(wheels[0], dest)
    return dest if is_pure(dest.name) else None


@dataclass
class Report:
    targets: dict[str, dict] = field(default_factory=dict)
    built_from_sdist: dict[str, str] = field(default_factory=dict)  # key -> wheel file
    missing: list[str] = field(default_factory=list)


def build(out: Path, keys: list[str], pythons: tuple[str, ...], cache: Path,
          req_dir: Path = REQ_DIR) -> Report:
    """Download the wheelhouse into ``out``; MANIFEST.json is written last."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # unfinished until the manifest is back
    base = read_lock(req_dir / "lock.txt")
    pip = _pip(cache)
    log = out / "download.log"
    log.write_text("", encoding="utf-8")
    report = Report()
    files = []
    for key in keys:
        target = TARGETS[key]
        lock = lock_path(key, req_dir)
        if not lock.is_file():
            raise WheelhouseError(f"{lock} is missing: run `python3 course.py wheelhouse --lock`.")
        pins = read_lock(lock)
        bad = shared_pin_mismatches(base, pins, OVERRIDES.get(key))
        if bad:
            raise WheelhouseError(f"{lock.name} is stale ({'; '.join(bad)}): run "
                                  "`python3 course.py wheelhouse --lock` first.")
        dest = out / key
        dest.mkdir(exist_ok=True)
        t0 = time.monotonic()
        # What earlier runs fetched for each Python ({py: {pin line: file}}): not asked again.
        state_file = dest / ".downloaded.json"
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        for py in pythons:
            done = state.setdefault(py, {})
            todo = [p for p in pins if p.applies(py)
                    and not (p.line() in done and (dest / done[p.line()]).is_file())]
            say(f"{target.title}, Python {py}: {len(todo)} packages to fetch "
                f"({sum(p.applies(py) for p in pins) - len(todo)} already here) ...")
            saved: dict[str, str] = {}
            for pin in _download(pip, target, py, todo, dest, log, saved):
                wheel = _pure_wheel_from_sdist(pip, pin, cache, log)
                if wheel is None:
                    report.missing.append(f"{pin.name}=={pin.version} ({key}, Python {py})")
                    continue
                shutil.copy2(wheel, dest / wheel.name)
                saved[pin.key] = wheel.name
            for pin in todo:
                if pin.key in saved:
                    done[pin.line()] = saved[pin.key]
            state_file.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        for pin in pins:
            for py_done in state.values():
                fname = py_done.get(pin.line())
                if fname and fname == _built_name(cache, pin):
                    report.built_from_sdist[pin.key] = fname
        wanted = {(p.key, p.version) for p in pins if any(p.applies(py) for py in pythons)}
        for f in sorted(dest.iterdir()):  # drop wheels of older pins
            if f.suffix == ".whl" and wheel_key(f.name) not in wanted:
                f.unlink()
        have = {wheel_key(f.name) for f in dest.glob("*.whl")}
        absent = sorted(f"{k}=={v}" for k, v in wanted - have)
        if absent and not report.missing:
            report.missing += [f"{a} ({key})" for a in absent]
        shutil.copy2(lock, dest / "lock.txt")
        size = 0
        for f in sorted(dest.glob("*.whl")):
            size += f.stat().st_size
            files.append({"file": f"{key}/{f.name}", "sha256": sha256(f), "platform": key,
                          "size": f.stat().st_size})
        report.targets[key] = {"title": target.title, "pythons": list(pythons),
                               "lock": lock.name, "lock_sha256": sha256(lock),
                               "wheels": len(list(dest.glob("*.whl"))), "bytes": size,
                               "seconds": round(time.monotonic() - t0, 1)}
        say(f"{key}: {report.targets[key]['wheels']} wheels, {size / 1e6:.0f} MB, "
            f"{report.targets[key]['seconds']} s")
    if report.missing:
        raise WheelhouseError(
            "no wheel (and no pure-Python sdist build) for: " + "; ".join(report.missing)
            + f". The wheelhouse is incomplete, {MANIFEST} not written; see {log}.")
    manifest = {"format": 1, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "lock_sha256": sha256(req_dir / "lock.txt"), "targets": report.targets,
                "built_from_sdist": report.built_from_sdist, "files": files}
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
    return report


def verify(wheelhouse: Path) -> list[str]:
    """Problems of a finished wheelhouse (missing or changed files); [] when sound."""
    wheelhouse = Path(wheelhouse)
    problems = []
    for entry in read_manifest(wheelhouse)["files"]:
        f = wheelhouse / entry["file"]
        if not f.is_file():
            problems.append(f"missing: {entry['file']}")
        elif sha256(f) != entry["sha256"]:
            problems.append(f"changed: {entry['file']}")
    return problems


# ---------------------------------------------------------------- command line

def _split(value: str | None, allowed, what: str) -> list[str]:
    if not value:
        return list(allowed)
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad:
        raise SystemExit(f"[wheelhouse] unknown {what}: {', '.join(bad)} (choose from "
                         f"{', '.join(allowed)})")
    return items


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python3 course.py wheelhouse", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="folder to fill (default: wheelhouse/)")
    ap.add_argument("--platform", help="comma-separated: " + ", ".join(TARGETS) + " (default: all)")
    ap.add_argument("--python", help="comma-separated Python versions (default: "
                    + ",".join(PYTHONS) + ")")
    ap.add_argument("--lock", action="store_true",
                    help="re-resolve requirements/lock-<platform>.txt with uv, then stop")
    ap.add_argument("--verify", action="store_true", help="check the files against MANIFEST.json")
    args = ap.parse_args(argv)
    keys = _split(args.platform, TARGETS, "platform")
    pythons = tuple(_split(args.python, ("3.11", "3.12", "3.13", "3.14"), "Python version")) \
        if args.python else PYTHONS
    cache = tool_cache()
    try:
        if args.verify:
            problems = verify(Path(args.out))
            for p in problems:
                say(p)
            say("ok" if not problems else f"{len(problems)} problems")
            return 1 if problems else 0
        if args.lock:
            lock_platforms(keys, pythons, cache)
            return 0
        t0 = time.monotonic()
        report = build(Path(args.out), keys, pythons, cache)
    except WheelhouseError as e:
        say(str(e))
        return 1
    except subprocess.CalledProcessError as e:
        say(f"command failed ({e.returncode}): {' '.join(map(str, e.cmd))}")
        return 1
    for key, pkg in report.built_from_sdist.items():
        say(f"note: {key} has no wheel on PyPI (sdist only): built {pkg} from its sdist "
            "(pure Python: one file serves every platform)")
    say(f"done in {time.monotonic() - t0:.0f} s: {args.out} ({', '.join(report.targets)}). "
        "Copy the folder next to course.py (or set COURSE_WHEELHOUSE) in the training room.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
