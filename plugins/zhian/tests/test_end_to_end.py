"""Demo export → kaohe.intake.reader.read_export → score 2015-04 → two stations checked by hand.

Assessment month 2015-04 runs 2015-03-21 .. 2015-04-20 (seed 000 l.696). The rows quoted below are
those of the files the demo writes with seed 2015 (the demo bureau's seed).
"""

from __future__ import annotations

from decimal import Decimal

import kaohe_zhian
import pytest
from kaohe import Period
from kaohe.demo import DEMO_SEED
from kaohe.testing import read_export
from kaohe.testing import MemorySource, score

D = Decimal


@pytest.fixture(scope="module")
def april(tmp_path_factory, kaohe_bureau, kaohe_registry):
    bureau, registry = kaohe_bureau, kaohe_registry
    directory = tmp_path_factory.mktemp("demo")
    files = kaohe_zhian.kaohe_demo_data(bureau=bureau, directory=directory, seed=DEMO_SEED)
    records, rejected = [], []
    for f in files:
        export = read_export(f, bureau, registry)
        assert export.adapter.plugin == "zhian"
        records += export.records
        rejected += export.rejected
    return files, rejected, score(bureau, Period.parse("2015-04"), MemorySource(records))


def items_of(result, unit):
    return {i.item: i.points for c in result.unit(unit).categories for i in c.items}


def test_demo_files_and_bad_rows(april):
    files, rejected, _ = april
    assert len(files) == 7  # 月报表 2014 and 2015, 事项, 旅馆业, 刑事案件, 治安案件, 涉案人员
    # the four rows bad on purpose: 传输率 “九十五”, 开发区派出所, 破案日期 2015-02-30, 是否治安拘留 “可能”
    assert sorted(r.column for r in rejected) == sorted(["单位", "是否治安拘留", "旅客登记传输率", "破案日期"])


def test_zhixi_april(april):
    # 直溪派出所 (B), rows of the demo files in 2015-03-21 .. 2015-04-20:
    #   事项: ZA2015-0106 2015-03-29 不能快速取枪 (人数/次数 blank)        → −10 (l.572 一次扣10分)
    #         ZA2015-0107 2015-03-31 安保违反纪律着装装备 (blank)          → −5 (l.570 发现一次扣5分)
    #         ZA2015-0127 (04-21) and ZA2015-0128 (04-23) belong to 2015-05: not counted
    #   月报 2015-04: 传输率 95.2%, 传输旅客信息数量 3078, 枪柜畅通率 98.8%, 信息员利用率 12.8%,
    #         次项差错率 0.7%, 入室盗窃和三车 13, 警务室得分 89.3; 月报 2014-04: 数量 2959, 入室盗窃和三车 12
    #   传输率: (100 − 95.2) × −5 = −24;  枪柜: (100 − 98.8) × −2 = −2.4
    #   数量同比: (3078 − 2959) / 2959 = 4.0216 % → 4.02 (two places) × 2 = 8.04
    #   入室盗窃同比: (13 − 12) / 12 = +8.33 %; target −5 %: 13.33 points short × −5 = −66.65
    #   信息员 12.8 ≥ 10 → 0; 次项差错 0.7 ≤ 1 → 0
    #   警务室排名 (2015-04 scores of the 15 stations: 城东95.4 华城94.2 水北93.5 城西93.3 儒林93.3 薛埠93.2
    #     指前93.0 西岗92.9 金城90.1 直溪89.3 茅麓88.9 朱林87.8 建昌86.0 尧塘85.1 社头82.8): 直溪 10th of 15,
    #     neither top 5 nor bottom 5 (11th-15th) → 0
    #   打处: X201500133 is dated 04-23 (2015-05): nothing this month
    items = items_of(april[2], "zhixi")
    assert items["zhian.danger_gun_retrieval"] == D(-10)
    assert items["zhian.venue_security_discipline"] == D(-5)
    assert items["zhian.pop_main_item_missing"] == 0
    assert items["zhian.econ_market_room"] == 0
    assert items["zhian.venue_guest_transmission_rate"] == D("-24")
    assert items["zhian.danger_gun_cabinet_rate"] == D("-2.4")
    assert items["zhian.venue_guest_volume_yoy"] == D("8.04")
    assert items["zhian.pop_burglary_yoy"] == D("-66.65")
    assert items["zhian.mass_informant_rate"] == 0
    assert items["zhian.pop_resident_minor_error"] == 0
    assert items["zhian.pop_room_rank"] == 0
    assert "zhian.venue_hotel_fugitive_quota" not in items  # yearly: scored in December only
    # 基础工作建设 raw: 100 − 10 − 5 − 24 − 2.4 + 8.04 − 66.65 = −0.01
    jichu = next(c for c in april[2].unit("zhixi").categories if c.category == "jichu")
    assert jichu.raw == D("-0.01")
    assert sum(v for k, v in items.items() if k.startswith("zhian.dachu_")) == 0


def test_xigang_april(april):
    # 西岗派出所 (C), rows in 2015-03-21 .. 2015-04-20:
    #   事项: ZA2015-0116 03-27 新增企事业单位信息 ×3 → 3 × 5 = 15; ZA2015-0118 04-10 新增企事业单位信息 ×1 → 5
    #         ZA2015-0117 04-02 群体性事件成功预警处置 → +20
    #   月报 2015-04: 传输率 100%, 数量 1055, 枪柜 100%, 信息员 12.5%, 次项 0.6%, 入室盗窃和三车 2, 得分 92.9;
    #   月报 2014-04: 数量 966, 入室盗窃和三车 2
    #   数量同比: (1055 − 966) / 966 = 9.2133 % → 9.21 × 2 = 18.42
    #   入室盗窃同比: (2 − 2) / 2 = 0 %; target −5 %: 5 points short × −5 = −25
    #   警务室得分 92.9: 8th of 15 → 0
    #   刑事案件: A32048215201500030 03-23 年内在帐 → 20
    #             A32048215201500029 04-16 年内在帐, 本辖区, 本市年内盗窃摩托车 → 20 + 10 + 20
    #   治安案件: X201500111, X201500114 (03-25), X201500113 (04-04), X201500115 (04-06, 涉危 → +20),
    #             X201500112 (04-12); X201500089 (03-18) and X201500148 (04-23, 查处场所) are outside the month
    #   涉案人员: R201500104 04-01 其他 → 0; R201500102 04-04 赌博 → 15; R201500103 04-20 赌博 治安拘留 → 15 + 5;
    #             R201500086 (03-19) and R201500134 (04-21) are outside the month
    items = items_of(april[2], "xigang")
    assert items["zhian.econ_enterprise_info"] == D(20)
    assert items["zhian.intel_early_warning"] == D(20)
    assert items["zhian.venue_guest_transmission_rate"] == 0
    assert items["zhian.venue_guest_volume_yoy"] == D("18.42")
    assert items["zhian.pop_burglary_yoy"] == D(-25)
    assert items["zhian.pop_room_rank"] == 0
    # 基础工作建设 raw: 100 + 20 + 20 + 18.42 − 25 = 133.42
    jichu = next(c for c in april[2].unit("xigang").categories if c.category == "jichu")
    assert jichu.raw == D("133.42")

    assert items["zhian.dachu_case_in_year"] == D(40)  # 2 × 20
    assert items["zhian.dachu_case_local"] == D(10)
    assert items["zhian.dachu_case_motorbike"] == D(20)
    assert items["zhian.dachu_case_eight_kinds"] == 0
    assert items["zhian.dachu_ps_dangerous"] == D(20)
    assert items["zhian.dachu_ps_venue_ruling"] == 0  # X201500148 is in May
    assert items["zhian.dachu_vice_person"] == D(30)  # 2 × 15
    assert items["zhian.dachu_vice_detained"] == D(5)
    assert items["zhian.dachu_ps_case_quota"] == 0  # no task numbers in the seed (bureau sets them)
    # 打处绩效 raw: 300 + 40 + 10 + 20 + 20 + 30 + 5 = 425
    dachu = next(c for c in april[2].unit("xigang").categories if c.category == "dachu")
    assert dachu.raw == D(425)


def test_room_rank_top_of_april(april):
    # from the 15 scores listed above: 城东 95.4 is first (+25), 社头 82.8 last (−10)
    assert items_of(april[2], "chengdong")["zhian.pop_room_rank"] == D(25)
    assert items_of(april[2], "shetou")["zhian.pop_room_rank"] == D(-10)
