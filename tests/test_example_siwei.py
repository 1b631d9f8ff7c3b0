"""examples/siwei-2025: the 2025 four-dimension scheme (seed 002) on its synthetic monthly
self-check figures, ingested into a real store; the first quarter worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from example_helpers import Example


def test_first_quarter_by_hand(tmp_path: Path) -> None:
    ex = Example("siwei-2025", tmp_path)
    q1 = ex.score("2025-Q1")
    ht = q1.unit("huating")
    cats = {c.category: c.score for c in ht.categories}
    # 华亭派出所 (一类), January–March 2025; an indicator earns its points × the quarter's mean ÷ 100:
    #   执法质量: 案件规范率 (96 + 98 + 100) / 3 = 98 → 10 × 0.98 = 9.8; 执法记录仪使用率 100 → 10;
    #             回访满意度 98.5 → 9.85; 9.8 + 10 + 9.85 = 29.65
    #   基础管控: 重点人员动态管控率 95 → 12.5 × 0.95 = 11.875 → 11.88;
    #             风险隐患排查整改率 (90 + 92 + 94) / 3 = 92 → 12.5 × 0.92 = 11.5; 23.38
    #   群众服务: 窗口办结效率 100 → 10; 调解成功率 90 → 9; 19
    #   队伍管理: 纪律作风 100 → 10; 培训参与率 100 → 10; 内务规范化 96 → 5 × 0.96 = 4.8; 24.8
    assert cats == {"zhifa": Decimal("29.65"), "jichu": Decimal("23.38"), "fuwu": 19, "duiwu": Decimal("24.8")}
    # 29.65 + 23.38 + 19 + 24.8 = 96.83; 一类 difficulty coefficient 1.1 → 106.513 → 106.51
    assert ht.total == Decimal("106.51")
    assert "难度系数1.1" in ht.explanation
    # 石桥派出所 (二类, coefficient 1): every figure 97, but 窗口办结效率 reported only in January (97)
    # and February (93): (97 + 93) / 2 = 95 → 9.5. 执法质量 3 × 9.7 = 29.1; 基础管控 2 × 12.125 →
    # 2 × 12.13 = 24.26; 群众服务 9.5 + 9.7 = 19.2; 队伍管理 9.7 + 9.7 + 4.85 = 24.25 → 96.81
    sq = q1.unit("shiqiao")
    assert sq.total == Decimal("96.81") and sq.explanation == ""
    window = next(i for c in sq.categories for i in c.items if i.item == "office.window")
    assert window.points == Decimal("9.5") and "2次平均" in window.lines[0].reason
    # 城南 (一类, every figure 95): 28.5 + 23.76 + 19 + 23.75 = 95.01 × 1.1 = 104.511 → 104.51
    assert q1.unit("chengnan").total == Decimal("104.51")
    assert [u.unit for u in q1.series()["pcs"]] == ["huating", "chengnan", "liuhe", "shiqiao"]
