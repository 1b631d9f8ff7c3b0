"""Attacks on the platform (issue 22) as an outsider would, against a real server on 127.0.0.1 serving bureaus 甲
(alpha) and 乙 (beta) and the province (tests/platform_support.py): the province's pass into a bureau replayed,
expired, forged, made for another bureau; Host headers written otherwise (uppercase, trailing dot, port, unknown);
a pass made before the province's account was disabled."""

from __future__ import annotations

import time
import urllib.parse
from typing import Any

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from kaohe.office.accounts import add_platform_users, disable_user
from kaohe.scheme.bureau import SiteSettings
from kaohe.store.store import Store
from kaohe.web.base import secret_key
from platform_support import DOMAIN, P_PASSWORD, HostClient, make_platform, serving, signed

A, B, P = f"alpha.{DOMAIN}", f"beta.{DOMAIN}", DOMAIN


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("platform-attacks")
    p, bureaus, dbs = make_platform(tmp)
    with serving(p, bureaus) as port:
        yield port, p, dbs


def a_pass(port: int, to: str = "alpha", account: str = "sheng") -> str:
    """The path and query of a pass into bureau ``to`` the province's ``account`` is given."""
    _, headers, _ = signed(port, P, account, P_PASSWORD).get(f"/enter/{to}")
    url = urllib.parse.urlsplit(headers["location"])
    return f"{url.path}?{url.query}"


def entries(db: Any) -> int:
    with Store(db, readonly=True) as store:
        return sum(1 for e in store.audit() if e["action"] == "登录" and str(e["actor"]).startswith("省厅:"))


def test_a_pass_enters_once(platform: Any) -> None:
    """The pass is in the address (history, a proxy's log, a Referer): once used, it opens no second session."""
    port, _, dbs = platform
    path = a_pass(port)
    first = HostClient(port, A)
    assert first.get(path)[0] == 303 and first.json("/periods.json")[0] == 200
    before = entries(dbs["alpha"])
    again = HostClient(port, A)
    status, _, body = again.get(path)
    assert status == 403 and "省厅的进入链接无效或已过期" in body
    assert again.json("/periods.json")[0] == 401 and entries(dbs["alpha"]) == before
    assert first.json("/periods.json")[0] == 200  # the session it opened stays


def test_expired_forged_and_foreign_passes_are_refused(platform: Any) -> None:
    port, plat, dbs = platform

    class Old(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 61

    old = URLSafeTimedSerializer(secret_key(plat.key_file), salt="kaohe-province-pass", signer=Old)
    right = URLSafeTimedSerializer(secret_key(plat.key_file), salt="kaohe-province-pass")
    other_key = URLSafeTimedSerializer(secret_key(str(dbs["alpha"])), salt="kaohe-province-pass")
    before = entries(dbs["alpha"])
    for token in (old.dumps({"a": "sheng", "s": 0, "b": "alpha"}), other_key.dumps({"a": "sheng", "s": 0, "b": "alpha"}),
                  right.dumps({"a": "nobody", "s": 0, "b": "alpha"}), right.dumps({"a": "office", "s": 0, "b": "alpha"}),
                  right.dumps(["sheng", 0, "alpha"]), "", "x" * 5000):
        c = HostClient(port, A)
        assert c.get("/province/enter?" + urllib.parse.urlencode({"t": token}))[0] == 403, token[:40]
        assert c.json("/periods.json")[0] == 401
    assert HostClient(port, B).get(a_pass(port, "alpha"))[0] == 403  # 甲's pass on 乙
    assert entries(dbs["alpha"]) == before


def test_a_pass_made_before_the_account_was_disabled_opens_nothing(platform: Any) -> None:
    port, plat, _ = platform
    with Store(plat.database) as store:
        add_platform_users(store, SiteSettings(), [("sheng3", "省厅壬", "省厅", "", P_PASSWORD)], "test")
    path = a_pass(port, "beta", "sheng3")
    with Store(plat.database) as store:
        disable_user(store, "sheng3", "test")
    assert HostClient(port, B).get(path)[0] == 403


@pytest.mark.parametrize("host", [A.upper(), A + ".", f"Alpha.{DOMAIN.upper()}."])
def test_a_host_name_written_otherwise_is_the_same_bureau(platform: Any, host: str) -> None:
    port, _, _ = platform
    c = HostClient(port, host)
    assert c.login("office") == 303 and c.json("/periods.json")[0] == 200  # 甲's own account, signed in on 甲
    assert c.on(B).json("/periods.json")[0] == 401


@pytest.mark.parametrize("host", ["", "alpha", f"alpha.{DOMAIN}.", f"alpha..{DOMAIN}", f"{DOMAIN}.evil.example", f"x.alpha.{DOMAIN}",
                                  f"alpha.{DOMAIN}@evil.example", "[::1]", f"alpha.{DOMAIN}:99999:1"])
def test_host_names_that_are_no_site_of_the_platform(platform: Any, host: str) -> None:
    port, _, _ = platform
    c = HostClient(port, host)
    c.host = host  # sent as it is, without the port
    status, _, body = super(HostClient, c).request("/login", None, {"Host": host})
    if host == f"alpha.{DOMAIN}.":
        assert status == 200
    else:
        assert status == 404 and "不是本平台的网站" in body, host
