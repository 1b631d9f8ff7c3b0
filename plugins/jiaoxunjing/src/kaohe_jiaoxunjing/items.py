"""The items of 交巡警大队 (seed 000 l.642-646, 第十一条(六) 交巡警大队考核派出所基础工作)."""

from __future__ import annotations

from kaohe import Item, ItemSet, rules

DEPARTMENT = "交巡警大队"
ITEM = ItemSet("jiaoxunjing", DEPARTMENT, category="jichu")
ASSIST = ITEM.id("assist")

# Values of the record's ``type`` attribute (协助类别), in the seed's words.
FATAL_HIT_RUN = "协助侦破死亡逃逸交通事故"
OTHER_HIT_RUN = "协助侦破其他逃逸交通事故"
MAJOR_INCIDENT = "协助做好重大事件稳控工作"
OTHER_INCIDENT = "协助做好其他事件稳控工作"
TYPES = (FATAL_HIT_RUN, OTHER_HIT_RUN, MAJOR_INCIDENT, OTHER_INCIDENT)

T644 = "1、协助侦破死亡逃逸交通事故的,每起加10分;协助侦破其他逃逸交通事故的,每起加5分。"
T646 = (
    "2、辖区内发生交通事故引发当事人上访、堵路等,积极协助做好重大事件稳控工作的,每起加10分;"
    "积极协助做好其他事件稳控工作的,每起加5分。"
)


def _assist(name: str, title: str, line: int, type_: str, points: int, text: str) -> Item:
    return ITEM.item(name, title, line, ASSIST, rules.PerOccurrence(points=points, match={"type": [type_]}), text)


ITEMS: list[Item] = [
    _assist("fatal_hit_run", "协助侦破死亡逃逸交通事故", 644, FATAL_HIT_RUN, 10, T644),
    _assist("other_hit_run", "协助侦破其他逃逸交通事故", 644, OTHER_HIT_RUN, 5, T644),
    _assist("major_stabilise", "积极协助做好重大事件稳控工作", 646, MAJOR_INCIDENT, 10, T646),
    _assist("other_stabilise", "积极协助做好其他事件稳控工作", 646, OTHER_INCIDENT, 5, T646),
]
