"""``kaohe`` run in the test's own process: the command line goes through :func:`kaohe.cli.main.run`,
the same error handling and exit codes as the ``kaohe`` executable, with click's
:class:`~click.testing.CliRunner` isolating stdin, stdout, stderr and the environment. The result is a
:class:`subprocess.CompletedProcess`, read as a test reads a subprocess's.

A test keeps a real process only where the process is the point: the exit code of the executable
itself, signals, a pipe closed early, several commands at once, a crash."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner

from kaohe.cli.main import run


def kaohe(*args: str, cwd: str | Path | None = None, env: Mapping[str, str] | None = None, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``kaohe args`` in directory ``cwd`` with the environment ``env`` (the whole of it, as
    :func:`subprocess.run` takes it; the test's own when None)."""
    changes: dict[str, str | None] | None = None
    if env is not None:
        changes = {k: v for k, v in env.items() if os.environ.get(k) != v}
        changes.update({k: None for k in os.environ if k not in env})
    here = os.getcwd()
    with CliRunner().isolation(input=input, env=changes) as (stdout, stderr, _):
        try:
            if cwd is not None:
                os.chdir(cwd)
            code = run([str(a) for a in args])
        except SystemExit as exc:  # a command that ends with its own code (ingest's 3, verify's 1)
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        finally:
            os.chdir(here)
        out, err = stdout.getvalue().decode("utf-8"), stderr.getvalue().decode("utf-8")
    return subprocess.CompletedProcess(["kaohe", *args], code, out, err)
