"""The items of 出入境大队 (seed 000 = seeds/000_0ea5a5751aadf050.txt, the 金坛 2015 scheme):
"(四)出入境大队考核派出所基础工作", l.618-624, category ``jichu`` (基础工作建设).

Every item quotes the seed's sentence in ``text``; every value that a bureau may change is a rule
parameter with the seed's value as default.
"""

from __future__ import annotations

from kaohe import Item, ItemSet, rules

DEPARTMENT = "出入境大队"
SEED = "seed 000"
ITEM = ItemSet("churujing", DEPARTMENT, category="jichu", seed=SEED)

LODGING = "churujing.lodging"
"""境外人员临时住宿登记: one registration (申报) of a foreigner's stay."""
MONTHLY = "churujing.monthly"
"""月度数据: a station's figures for one month (常驻境外人员, 保证书, 不批准出境报备)."""

YES = "是"
NO = "否"

T620A = "对辖区内境外人员未及时进行住宿登记申报的,每人次扣1分;"
T620B = "对辖区内境外人员进行住宿申报项目不全、信息错误的,每人次扣0.5分;"
T620C = "及时准确申报住宿登记的,每人次加1分。"
T622A = ("将常驻境外人员纳入实有人口管理,对辖区内常驻境外人员底数清,境外人员购租房情况明,"
         "漏登每人次扣0.5 分;")
T622B = "非法居留未发现的每人次扣2分;"
T622C = "非法居留30日以上未发现的,每人次扣5分。"
T622D = "对境外人员租赁房屋的,与房主签订治安责任保证书的比例达100%,未建档的扣1分,"
T622E = "对境外人员租赁房屋的,与房主签订治安责任保证书的比例达100%,……少一个百分点扣1分。"
T624 = ("有法定不批准出境情形的重点人口或监管对象应及时办理不批准出境通报备案手续,"
        "及时通报备案一人加1分。")


def _count(name: str, title: str, line: int, points: str, field: str, label: str, unit: str, text: str) -> Item:
    """``points`` per 人次 (户, 人) of a monthly figure; a month with 0 gives no line."""
    rule = rules.PerOccurrence(points=points, quantity=field, when_field=field, when_op=">", limit=0,
                               when_label=label, when_unit=unit)
    return ITEM.item(name, title, line, MONTHLY, rule, text)


def _lodging(name: str, title: str, points: str, match: dict[str, str], text: str) -> Item:
    return ITEM.item(name, title, 620, LODGING, rules.PerOccurrence(points=points, quantity="count", match=match), text)


ITEMS: list[Item] = [
    _lodging("lodging_late", "境外人员未及时进行住宿登记申报", "-1", {"timely": NO}, T620A),
    _lodging("lodging_incomplete", "境外人员住宿申报项目不全、信息错误", "-0.5", {"accurate": NO}, T620B),
    _lodging("lodging_correct", "及时准确申报境外人员住宿登记", "1", {"timely": YES, "accurate": YES}, T620C),
    _count("resident_missed", "常驻境外人员漏登", 622, "-0.5", "missed", "漏登", "人次", T622A),
    _count("illegal_stay_undetected", "境外人员非法居留未发现", 622, "-2", "illegal", "非法居留未发现", "人次", T622B),
    _count("illegal_stay_30_days", "境外人员非法居留30日以上未发现", 622, "-5", "illegal_30", "非法居留30日以上未发现",
           "人次", T622C),
    _count("guarantee_unfiled", "境外人员租赁房屋治安责任保证书未建档", 622, "-1", "unfiled", "未建档", "户", T622D),
    ITEM.item("guarantee_rate", "境外人员租赁房屋签订治安责任保证书比例", 622, MONTHLY,
          rules.RateTarget(target=100, per_point_below=-1, numerator="signed", denominator="rentals"), T622E),
    _count("exit_ban_filing", "法定不批准出境人员及时通报备案", 624, "1", "exit_ban", "及时通报备案", "人", T624),
]
