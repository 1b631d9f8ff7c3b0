"""Direct adjustments by the office (通知单, 机动加分) and the changes decided on appeal (复查改分).

Seed 000 l.92: "分局考核办 … 遇到认为有必要对民警考核直接加减分情况,经考核领导小组审核同意,以通知单形式
通知各单位,在当季考核中,对相关民警加减分"; l.396: "… 对相关单位、民警加减分"; l.256-274 (机动加分).

An adjustment is data, like a record: it is entered by the office (``kaohe adjust``), stored with its
reason and the approving body, never deleted (a revoked one stays, marked), and read by the pipeline
from its data source. It applies to the one period it names:

- without an item, it is added to the unit's total for that period, after the categories (and any
  difficulty coefficient) and before a veto; it shows in the explanation as its own line;
- with an item (a points change decided on appeal), it is a line of that item's result, so the
  item's cap and floor and the category's normalisation apply to it as to any other line.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from .decimals import fmt_points
from .model import Line

KINDS = ("通知单", "机动加分", "复查改分", "其他")


@attrs.frozen
class Adjustment:
    id: int
    period: str
    """Label of the period it applies to (``2015-04``, ``2015-Q2``, ``2015``)."""
    unit: str
    points: Decimal
    reason: str
    approver: str
    """The approving body (考核领导小组 …) or, for a decision on appeal, who decided."""
    kind: str = "通知单"
    item: str | None = None
    """The item whose result it changes (a points change on appeal), or None for the unit's total."""
    appeal: int | None = None
    number: int = 0
    """Its number among the adjustments of its kind (通知单第1号, 机动加分第1号), each kind numbered on
    its own and apart from the appeals' decisions; 0: not known, the id stands for it."""

    @property
    def label(self) -> str:
        """How the office names it: ``通知单第1号``."""
        return f"{self.kind}第{self.number or self.id}号"

    @property
    def key(self) -> str:
        return f"adjustment:{self.id}"

    def line(self) -> Line:
        """The line it adds to the explanation."""
        if self.appeal is not None:
            return Line(self.points, f"复查复核第{self.appeal}号改分:{self.reason}(决定:{self.approver})", record=self.key)
        return Line(self.points, f"{self.label}:{self.reason}(批准:{self.approver})", record=self.key)

    def text(self, name: str | None = None) -> str:
        """One line for lists; ``name`` is the unit's name (its id when not given)."""
        where = f"项目 {self.item}" if self.item else "总分"
        if self.appeal is not None:
            head = f"复查复核第{self.appeal}号改分(调整第{self.id}号)"
        else:  # the adjustment's id is what `kaohe adjust revoke` takes: said where it differs
            head = self.label + (f"(调整第{self.id}号)" if self.number and self.number != self.id else "")
        who = "决定" if self.appeal is not None else "批准"
        return f"{head} {self.period} {name or self.unit} {where} {fmt_points(self.points)}:{self.reason}({who}:{self.approver})"


def for_unit(adjustments: list[Adjustment] | tuple[Adjustment, ...], unit: str, item: str | None = None) -> list[Adjustment]:
    """The adjustments of ``unit`` on ``item`` (None: those on the unit's total), in entry order."""
    return sorted((a for a in adjustments if a.unit == unit and a.item == item), key=lambda a: a.id)
