"""The escape hatch: a plugin's own pure function, where no shape fits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from ..core.errors import RuleError
from ..core.model import Record
from .base import Lines, RuleContext, Shape, dec


@attrs.frozen
class Formula(Shape):
    """``function(ctx, params) -> {unit id: [Line, …]}``, pure. ``params`` are the parameters a
    bureau may override (``[items."x.y".params]`` replaces keys of this table)."""

    shape: ClassVar[str] = "formula"

    function: Callable[[RuleContext, dict[str, Any]], Lines]
    params_: dict[str, Any] = attrs.field(factory=dict, alias="params")
    text: str = ""

    def with_params(self, overrides: Mapping[str, Any]) -> Formula:
        unknown = sorted(set(overrides) - set(self.params_))
        if unknown:
            raise RuleError(f"没有参数 {', '.join(unknown)};可用参数:{', '.join(sorted(self.params_)) or '无'}")
        for name, value in overrides.items():
            _numbers(name, value)  # the plugin's function gets the bureau's numbers within bounds, like every shape's
        return attrs.evolve(self, params={**self.params_, **overrides})

    def params(self) -> dict[str, Any]:
        return dict(self.params_)

    def check(self, record: Record) -> str | None:
        return None

    def checks_records(self) -> bool:
        return type(self).check is not Formula.check  # a formula checks nothing, unless a subclass does

    def evaluate(self, ctx: RuleContext) -> Lines:
        return self.function(ctx, dict(self.params_))

    def describe(self) -> str:
        return self.text or "自定义计算(见插件说明)"


def _numbers(name: str, value: Any) -> None:
    """Every number in a parameter's value finite and within the parameters' bounds (RuleError naming it)."""
    if isinstance(value, dict):
        for k, v in value.items():
            _numbers(f"{name}.{k}", v)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _numbers(f"{name}[{i}]", v)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            dec(value)
        except RuleError as exc:
            raise RuleError(f"参数 {name}:{exc}") from None
