"""The PostgreSQL half of the tests (issue 22, point 4): ``KAOHE_TEST_POSTGRES`` is the URL of a
database the tests may write (``.ci/postgres`` starts a throwaway server and prints it; .ci/run
does). Each test gets a schema of its own in it, dropped afterwards. Without the URL the
PostgreSQL half is skipped, and says why."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

URL = os.environ.get("KAOHE_TEST_POSTGRES", "")
SKIP = "KAOHE_TEST_POSTGRES 未设置:PostgreSQL 的一半没有运行(.ci/postgres 可启动一个临时服务器,见 README)"
BACKENDS = ("sqlite", "postgresql")


def schema_url(schema: str) -> str:
    return f"{URL}{'&' if '?' in URL else '?'}options={quote(f'-csearch_path={schema}')}"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of an empty schema of its own (skipped without KAOHE_TEST_POSTGRES)."""
    yield from fresh_schema()


def fresh_schema() -> Iterator[str]:
    """An empty schema's URL while the generator runs, dropped after it."""
    if not URL:
        pytest.skip(SKIP)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _admin(f"CREATE SCHEMA {schema}")
    try:
        yield schema_url(schema)
    finally:
        _admin(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def backend(name: str, sqlite: str = "kaohe.sqlite") -> Iterator[str]:
    """A bureau's ``database`` setting on the backend ``name``: ``sqlite`` (the file's name,
    relative to the bureau's folder), or a fresh PostgreSQL schema's URL, dropped afterwards (the
    test is skipped, saying why, without KAOHE_TEST_POSTGRES). For fixtures of any scope
    parametrised over :data:`BACKENDS` (``request.param``)."""
    if name == "sqlite":
        yield sqlite
    else:
        yield from fresh_schema()


def sqlite_only(request: pytest.FixtureRequest, why: str) -> None:
    """Skip a test of a module parametrised over :data:`BACKENDS` on PostgreSQL, saying ``why``: the
    check is SQLite's by nature (it opens the file with sqlite3, reads file modes, WAL...)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "postgresql" in callspec.params.values():
        pytest.skip(f"只在 SQLite 上:{why}")


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A bureau's database on each backend: SQLite's file in the test's folder, or a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "kaohe.sqlite")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="module", params=BACKENDS)
def module_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A module's bureau's ``database`` setting on each backend (:func:`backend`): the modules whose
    site or bureau is built once (``scope="module"``) import it, and all their tests run twice."""
    with backend(request.param) as database:
        yield database
