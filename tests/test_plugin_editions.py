"""A plugin's own editions (kaohe.office.plugin_editions): numbered per kind, period and unit, their payload's digest
the SHA-256 of its canonical JSON, their files written and recorded; kaohe.store.integrity's verify checks the
payload against its digest, the numbers in sequence and the files. A real SQLite store; no plugin involved."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

from kaohe.core.canonical import canonical
from kaohe.office.plugin_editions import PAYLOAD_FILE, editions, publish_edition
from kaohe.store.integrity import Verification, _audit, _check_plugin_editions, verify
from kaohe.store.store import Store


def test_numbered_frozen_and_checked(tmp_path: Path) -> None:
    with Store(str(tmp_path / "k.sqlite")) as store:
        first = publish_edition(store, tmp_path, kind="demo", title="示例结果", period="2015-Q1", unit="u1", unit_name="甲所",
                                stage="公布", payload={"score": "90.5"}, files={"a.txt": b"A"}, actor="t")
        second = publish_edition(store, tmp_path, kind="demo", title="示例结果", period="2015-Q1", unit="u1", unit_name="甲所",
                                 stage="更正", payload={"score": "91"}, changes=["得分 90.5 → 91"], actor="t")
        other = publish_edition(store, tmp_path, kind="demo", title="示例结果", period="2015-Q1", unit="u2", unit_name="乙所",
                                stage="公布", payload={"score": "80"}, actor="t")
        assert (first.number, second.number, other.number) == (1, 2, 1) and first.label == "示例结果 2015-Q1 甲所 第1版"
        assert first.digest == hashlib.sha256(b'{"score":"90.5"}').hexdigest() == first.files[PAYLOAD_FILE]
        assert first.files["a.txt"] == hashlib.sha256(b"A").hexdigest() and first.directory == "published/2015-Q1/demo/u1-第1版"
        assert (tmp_path / first.directory / PAYLOAD_FILE).read_bytes() == b'{"score":"90.5"}'
        assert [e.number for e in editions(store, "demo", "2015-Q1", "u1")] == [1, 2] and second.changes == ("得分 90.5 → 91",)
        clean = verify(store, root=tmp_path)
        assert clean.clean and clean.editions == 3 and clean.files == 4, clean.findings
        # the trail as it would read with an entry's payload altered, or a number skipped (the chain flags the row too)
        audit = _audit(store.db.conn, {"audit"})
        altered = copy.deepcopy(audit)
        entry = next(a for a in altered if isinstance(a["detail"], dict) and a["detail"].get("number") == 2)
        entry["detail"]["payload"]["score"] = "99"
        out = Verification()
        _check_plugin_editions(tmp_path, altered, out)
        assert [f.message for f in out.findings] == ["示例结果 2015-Q1 甲所 第2版的内容与其校验码不符(版本内容被改动)"]
        skipped = [a for a in copy.deepcopy(audit) if not (isinstance(a["detail"], dict) and a["detail"].get("number") == 1
                                                           and a["detail"].get("unit") == "u1")]
        out = Verification()
        _check_plugin_editions(tmp_path, skipped, out)
        assert [f.message for f in out.findings] == ["示例结果 2015-Q1 甲所 第2版:版本号应为第1版(版本号不连续或重复)"]
        assert hashlib.sha256(canonical(entry["detail"]["payload"])).hexdigest() != second.digest
