"""Run moto's own AWS Batch tests without and with moto-batch-service; fail on a regression.

The tests are ``tests/test_batch`` of the sdist of the installed moto (downloaded with pip,
once, into ``--cache``), with the helper modules they import. They run in two pytest
processes, side by side: "without" (``-p no:moto_batch_service``, nothing of the package is
imported) and "with" (the package's pytest plugin loads it, so it extends moto as moto loads
its batch service). A probe plugin checks each mode in the process that ran the tests: not
imported "without"; extending moto "with" (``register()`` succeeds and
``DescribeServiceEnvironments`` answers under ``mock_aws``). A test that passes without the
package and does not pass with it is a regression.

    python tools/moto_batch_suite.py [--jobs N] [--cache DIR | --moto-tests DIR] [--keep]

Exit status: 0 no regression, 1 regressions, 2 the check could not be made.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

SUITE = "tests/test_batch"
PLUGIN = "moto_batch_service"  # the package's pytest11 entry point
PROBE = "_moto_batch_suite_probe"
# docker-backed tests (moto's tests/markers.py) and those that need the network
MARKERS = "not requires_docker and not network"
MODES = ("without", "with")

PYTEST_INI = """\
[pytest]
# written by tools/moto_batch_suite.py: keeps any configuration above this folder out
filterwarnings = ignore::pytest.PytestUnknownMarkWarning
"""

PROBE_SOURCE = '''\
"""Records, at the end of a pytest process, whether moto-batch-service was active in it."""

import json
import os
import sys


def pytest_sessionfinish(session):
    record = {
        "pid": os.getpid(),
        "batch_loaded": "moto.batch.urls" in sys.modules,
        "imported": "moto_batch_service" in sys.modules,
        "active": False,
        "error": None,
    }
    if record["imported"] and record["batch_loaded"]:
        try:
            import boto3
            from moto import mock_aws

            import moto_batch_service

            moto_batch_service.register()
            with mock_aws():
                boto3.client("batch", region_name="us-east-1").describe_service_environments()
            record["active"] = True
        except Exception as error:
            record["error"] = f"{type(error).__name__}: {error}"
    with open(os.environ["MOTO_BATCH_SUITE_PROBE"], "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\\n")
'''


class SuiteError(Exception):
    """The check could not be made (exit status 2)."""


# --- the tests: download, select, cache -------------------------------------------------


def _module_files(dotted: str, available: set[str]) -> list[str]:
    """The sdist files (``tests/...``) that importing ``dotted`` needs: its parent
    packages' ``__init__.py`` and the module (or package) itself; [] if not in the sdist."""
    parts = dotted.split(".")
    module = "/".join(parts)
    own = [f"{module}.py", f"{module}/__init__.py"]
    if not any(path in available for path in own):
        return []
    inits = [f"{'/'.join(parts[:i])}/__init__.py" for i in range(1, len(parts))]
    return [path for path in (*inits, *own) if path in available]


def _imported_modules(path: str, source: bytes) -> Iterable[str]:
    """The modules (and ``from X import name`` candidates) of ``tests`` a file imports."""
    package = PurePosixPath(path).parent.parts  # a module's package, or __init__'s own
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (name for name in names if name == "tests" or name.startswith("tests."))


def select(files: dict[str, bytes]) -> dict[str, bytes]:
    """Of an sdist's ``tests/...`` files: ``tests/__init__.py``, the suite, the conftest
    files pytest would load for it, and (transitively) the modules of ``tests`` they import."""
    available = set(files)
    chosen = {path for path in available if path.startswith(f"{SUITE}/")}
    chosen |= {p for p in ("tests/__init__.py", "tests/conftest.py") if p in available}
    if f"{SUITE}/__init__.py" not in chosen:
        raise SuiteError(f"the sdist has no {SUITE}/__init__.py")
    todo = [path for path in chosen if path.endswith(".py")]
    while todo:
        path = todo.pop()
        for name in _imported_modules(path, files[path]):
            for needed in _module_files(name, available):
                if needed not in chosen:
                    chosen.add(needed)
                    todo.append(needed)
    return {path: files[path] for path in sorted(chosen)}


def _write(files: dict[str, bytes], root: Path) -> None:
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _download(version: str, dest: Path) -> Path:
    """Download (only) the sdist of moto ``version`` with pip. pip prepares the sdist's
    metadata to check it, in an isolated build environment with moto's build requirements."""
    command = [
        *(sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q"),
        *("--no-deps", "--no-binary", "moto", "-d", str(dest), f"moto=={version}"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    sdists = sorted(dest.glob("moto-*.tar.gz"))
    if done.returncode or not sdists:
        raise SuiteError(f"pip could not download the moto {version} sdist:\n{done.stderr}")
    return sdists[0]


def _sdist_tests(sdist: Path) -> dict[str, bytes]:
    """The ``tests/...`` files of an sdist (paths without the ``moto-X.Y.Z/`` prefix)."""
    files = {}
    with tarfile.open(sdist) as archive:
        for member in archive:
            parts = PurePosixPath(member.name).parts[1:]
            if member.isfile() and parts[:1] == ("tests",) and ".." not in parts:
                extracted = archive.extractfile(member)
                if extracted is not None:
                    files["/".join(parts)] = extracted.read()
    return files


def cached_tests(version: str, cache: Path) -> Path:
    """The folder holding ``tests/`` for moto ``version``: ``cache/moto-<version>-tests``,
    filled from the sdist the first time (atomically: concurrent runs do not clash)."""
    folder = cache / f"moto-{version}-tests"
    if (folder / SUITE).is_dir():
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as scratch:
        print(f"downloading the moto {version} sdist (for {SUITE}) ...", flush=True)
        chosen = select(_sdist_tests(_download(version, Path(scratch))))
        staging = Path(scratch) / "tests-folder"
        _write(chosen, staging)
        try:
            staging.rename(folder)
        except OSError:  # another run filled it meanwhile
            if not (folder / SUITE).is_dir():
                raise
    return folder


def given_tests(folder: Path) -> Path:
    """``--moto-tests``: a ``tests`` folder, or a folder (an unpacked sdist) holding one."""
    for candidate in (folder, folder / "tests"):
        if (candidate / "test_batch").is_dir() and (candidate / "__init__.py").is_file():
            return candidate.parent
    raise SuiteError(f"{folder} holds neither test_batch/ nor tests/test_batch/")


def prepare(source: Path, workdir: Path) -> None:
    """Copy the needed tests of ``source`` (a folder holding ``tests/``) to ``workdir``."""
    files = {
        path.relative_to(source).as_posix(): path.read_bytes()
        for path in (source / "tests").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    _write(select(files), workdir)
    (workdir / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    (workdir / f"{PROBE}.py").write_text(PROBE_SOURCE, encoding="utf-8")


# --- the two runs -----------------------------------------------------------------------


def _environment(workdir: Path, probe: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        env.pop(name, None)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        env.pop(name, None)
    env.update(
        TEST_SERVER_MODE="false",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        MOTO_BATCH_SUITE_PROBE=str(probe),
        PYTHONPATH=os.pathsep.join(filter(None, [str(workdir), env.get("PYTHONPATH")])),
    )
    return env


def start(mode: str, workdir: Path, jobs: str) -> subprocess.Popen[bytes]:
    """Start pytest on the suite in ``mode``; its output goes to ``<mode>.log``."""
    command = [
        *(sys.executable, "-m", "pytest", SUITE, "-c", "pytest.ini", "--rootdir", "."),
        *("-p", "no:cacheprovider", "-p", PROBE, "-q", "-rfE", "-m", MARKERS),
        "--continue-on-collection-errors",
        *("-o", "junit_logging=no", f"--junitxml={mode}.xml"),
        *(("-p", f"no:{PLUGIN}") if mode == "without" else ("-p", PLUGIN)),
    ]
    if jobs not in ("0", "1"):
        command += ["-n", jobs]
    log = (workdir / f"{mode}.log").open("wb")
    with log:
        return subprocess.Popen(
            command,
            cwd=workdir,
            env=_environment(workdir, workdir / f"{mode}.probe"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def outcomes(junit: Path) -> dict[str, tuple[str, str]]:
    """Test id -> (outcome, traceback) from a junit file: passed, failed, error, skipped."""
    results: dict[str, tuple[str, str]] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        test = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome, text = "passed", ""
        for tag in ("failure", "error", "skipped"):
            child = case.find(tag)
            if child is not None:
                outcome = "failed" if tag == "failure" else tag
                text = child.text or child.get("message") or ""
                break
        if results.get(test, ("passed",))[0] == "passed":  # a teardown error may repeat it
            results[test] = (outcome, text)
    return results


def check_probe(mode: str, probe: Path) -> None:
    """Raise SuiteError unless the package was inactive "without" and active "with"."""
    lines = probe.read_text(encoding="utf-8").splitlines() if probe.is_file() else []
    records = [json.loads(line) for line in lines]
    ran = [record for record in records if record["batch_loaded"]]
    if not ran:
        raise SuiteError(f'"{mode}" run: no pytest process loaded moto\'s batch service')
    for record in ran:
        if mode == "without" and record["imported"]:
            raise SuiteError('"without" run: moto_batch_service was imported all the same')
        if mode == "with" and not record["active"]:
            why = record["error"] or "not imported"
            raise SuiteError(f'"with" run: moto_batch_service was not active ({why})')


def key_lines(traceback: str, limit: int = 12) -> list[str]:
    """A traceback's locations (``file.py:N: ...``) and ``E`` lines, the last ``limit``."""
    lines = [line.rstrip() for line in traceback.splitlines()]
    keep = [line for line in lines if line.startswith("E ") or ".py:" in line.split(" ")[0]]
    return (keep or lines)[-limit:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs",
        default="1",
        help="pytest-xdist workers per run (N or auto); 1 (default): no xdist, the two runs "
        "go side by side, which is the fastest for this small suite",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="folder for moto-<version>-tests (default: the system temp folder)",
    )
    source.add_argument(
        "--moto-tests", type=Path, help="use this extracted tests folder; download nothing"
    )
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    args = parser.parse_args(argv)

    version = importlib.metadata.version("moto")
    jobs = args.jobs
    if jobs not in ("0", "1") and importlib.util.find_spec("xdist") is None:
        print(f"pytest-xdist is not installed: --jobs {jobs} ignored, running serially")
        jobs = "1"
    workdir = Path(tempfile.mkdtemp(prefix=f"moto-{version}-batch-suite-"))
    try:
        source_dir = given_tests(args.moto_tests) if args.moto_tests else None
        prepare(source_dir or cached_tests(version, args.cache), workdir)
        started = time.monotonic()
        if jobs in ("0", "1"):
            runs = {mode: start(mode, workdir, jobs) for mode in MODES}
            codes = {mode: run.wait() for mode, run in runs.items()}
        else:  # xdist workers already fill the machine: one run after the other
            codes = {mode: start(mode, workdir, jobs).wait() for mode in MODES}
        elapsed = time.monotonic() - started
        for mode, code in codes.items():
            if code not in (0, 1) or not (workdir / f"{mode}.xml").is_file():
                log = (workdir / f"{mode}.log").read_text(encoding="utf-8", errors="replace")
                raise SuiteError(f'"{mode}" run: pytest exited {code}:\n{log[-4000:]}')
            check_probe(mode, workdir / f"{mode}.probe")
        without, with_ = (outcomes(workdir / f"{mode}.xml") for mode in MODES)
        if not any(outcome == "passed" for outcome, _ in without.values()):
            raise SuiteError(f"no test of {SUITE} passed even without the package")
        return report(version, without, with_, elapsed)
    except SuiteError as error:
        print(f"moto_batch_suite: {error}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"working folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(
    version: str,
    without: dict[str, tuple[str, str]],
    with_: dict[str, tuple[str, str]],
    elapsed: float,
) -> int:
    """Print the comparison; 1 if there are regressions, else 0."""
    passed = {test for test, (outcome, _) in without.items() if outcome == "passed"}
    passed_with = {test for test, (outcome, _) in with_.items() if outcome == "passed"}
    regressions = sorted(passed - passed_with)
    bad = ("failed", "error")
    both = sorted(t for t, (o, _) in without.items() if o in bad and with_.get(t, ("",))[0] in bad)
    fixed = sorted(t for t, (o, _) in without.items() if o in bad and t in passed_with)
    for test in regressions:
        outcome, traceback = with_.get(test, ("missing", "not run with the package"))
        for broken, (_, why) in with_.items():  # a collection error: "::<module>"
            if outcome == "missing" and broken.startswith("::"):
                if test.startswith((f"{broken[2:]}.", f"{broken[2:]}::")):
                    outcome, traceback = f"missing, {broken[2:]} not collected", why
        print(f"REGRESSION ({outcome} with the package): {test}")
        print("\n".join(f"    {line}" for line in key_lines(traceback)))
    for test in both:
        print(f"failing without and with the package (not a regression): {test}")
    for test in fixed:
        print(f"failing without the package, passing with it: {test}")
    skipped = sum(outcome == "skipped" for outcome, _ in without.values())
    print(
        f"moto {version} {SUITE}: {len(passed)} passed without the package, "
        f"{len(passed_with)} with it; regressions: {len(regressions)} "
        f"(failing in both: {len(both)}, skipped: {skipped}; {elapsed:.0f}s)"
    )
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
