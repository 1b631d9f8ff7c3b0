"""examples/xiacheng-2011: 下城区公安分局 2011 (seed 000 l.278-410) on its synthetic register,
ingested into a real store; the year of the 第三序列 worked out by hand, and the appeal deadline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from example_helpers import Example
from kaohe.core.workdays import deadline


def test_third_series_year_by_hand(tmp_path: Path) -> None:
    ex = Example("xiacheng-2011", tmp_path)
    cal = ex.bureau.calendar
    from kaohe.core.periods import Period

    # the year runs from 2010-12-21 to 2011-12-20 (l.406)
    assert cal.range_text(Period.parse("2011")) == "2010-12-21 至 2011-12-20"
    year = ex.score("2011")
    ts, wl, cq = (year.unit(u) for u in ("tianshui", "wulin", "changqing"))
    # 第三序列 months: 打防控 35 + 专项 10 + 执法规范化 25 + 队伍建设 20 = 90, each block base 100
    # normalised on the series' top (武林 100 every month).
    # 天水: April 打防控 100 − 10 = 90 → 90 / 100 × 35 = 31.5 → 86.5; September 数据迟报 −0.5 → 89.5;
    #       ten months at 90 → (900 + 86.5 + 89.5) / 12 = 1076 / 12 = 89.666… → 89.67
    assert dict(ts.parts)["2011-04"] == Decimal("86.5") and dict(ts.parts)["2011-09"] == Decimal("89.5")
    # 满意度测评 (30/20/20/30): 派出所民警 90 × 30% = 27; 辖区群众 (84 + 86) / 2 = 85 × 20% = 17;
    #       业务部门 80 × 20% = 16; 党委成员 95 × 30% = 28.5 → 88.5; 武林 all 90 → 90, the top
    #       → 88.5 / 90 × 10 = 9.833… → 9.83
    cats = {c.category: c for c in ts.categories}
    assert cats["manyi"].raw == Decimal("88.5") and cats["manyi"].score == Decimal("9.83")
    # 创新创优: 创新工作 1 + 0.8 = 1.8 → 累计加分不超过1.5分 → 1.5; 各类先进 0.6 → 2.1 (not normalised)
    assert cats["chuangxin"].score == Decimal("2.1")
    # total 89.67 + 9.83 + 2.1 = 101.6 (百分制,上不封顶)
    assert ts.total == Decimal("101.6") and ts.rank == 1
    # 武林: 90 every month + 10 + 0 = 100, second; a 五条禁令 case takes it out of the awards, not its points
    assert wl.total == 100 and wl.rank == 2 and "取消评优资格" in wl.flags
    # 长庆: 打防控 70 → 24.5 and 队伍建设 50 → 10 every month → 24.5 + 10 + 25 + 10 = 69.5;
    #       满意度 all 80 → 80 / 90 × 10 = 8.89 → 78.39 < 80, last of the series → 整改单位 (l.390)
    assert cq.total == Decimal("78.39") and "整改单位" in cq.flags
    assert "取消评优资格" not in ts.flags + cq.flags
    # 第一序列 weighs 满意度 30 (70/30): 法制科 95 × 70% + 90 × 30% = 93.5, the top → 30;
    # 政治处 90 → 90 / 93.5 × 30 = 28.877… → 28.88
    zz = {c.category: c.score for c in year.unit("zhengzhichu").categories}
    assert zz["manyi"] == Decimal("28.88")


def test_appeal_deadline_two_working_days() -> None:
    # published on Friday 2011-12-23: Monday 26 and Tuesday 27 are the two working days
    assert deadline(dt.date(2011, 12, 23), 2) == dt.date(2011, 12, 27)
    # a listed holiday does not count; a listed working weekend day (调休) does
    assert deadline(dt.date(2011, 12, 28), 2, holidays={dt.date(2011, 12, 30)}) == dt.date(2012, 1, 2)
    assert deadline(dt.date(2011, 12, 23), 2, workdays={dt.date(2011, 12, 24)}) == dt.date(2011, 12, 26)
