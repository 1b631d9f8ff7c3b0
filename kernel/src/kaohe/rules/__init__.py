"""The kernel's library of rule shapes (DOMAIN.md, "Shapes of rules found in the seeds").

A plugin builds an item's rule from one of these with the seed's values as parameters; a bureau
overrides parameters in its configuration; the office declares its own items with the same shapes
by name (``shape = "per_occurrence"``).
"""

from __future__ import annotations

from typing import Any

from ..core.errors import RuleError
from .base import Lines, Rule, RuleContext, dec, dec_table, match_table, matches, target_for
from .campaigns import Campaigns
from .custom import Formula
from .measures import Disqualify, Measure, WeightedScores
from .occurrence import Flag, Modifier, PerOccurrence, Tiered, Veto
from .ranking import MidRank, Rank, competition_ranks
from .targets import PerCapita, Quota, RateTarget, YearOverYear

SHAPES: dict[str, type] = {
    cls.shape: cls
    for cls in (
        PerOccurrence, Tiered, Flag, Veto, RateTarget, Quota, PerCapita, YearOverYear, Rank, MidRank, Campaigns,
        Measure, WeightedScores, Disqualify,
    )
}


def build(shape: str, params: dict[str, Any]) -> Rule:
    """A rule from its shape name and parameters (as written in a bureau's TOML)."""
    if shape not in SHAPES:
        raise RuleError(f"未知的规则类型 {shape!r};可用:{', '.join(sorted(SHAPES))}")
    for name, value in params.items():  # every number, also those a rule keeps as int (last_running = 1e300)
        if _out_of_bounds(value):
            raise RuleError(_named(params, _why(value)))
    try:
        return SHAPES[shape](**params)  # type: ignore[no-any-return]
    except RuleError as exc:
        raise RuleError(_named(params, str(exc))) from None
    except TypeError as exc:
        raise RuleError(f"规则类型 {shape} 的参数有误:{exc}") from None
    except ValueError as exc:
        raise RuleError(_named(params, str(exc))) from None


def _named(params: dict[str, Any], message: str) -> str:
    """``message`` naming the parameter that holds a number out of bounds, where one does."""
    for name, value in params.items():
        if _out_of_bounds(value):
            return f"参数 {name}:{message}"
    return message


def _why(value: Any) -> str:
    """Why a parameter's value (or the first number within it) is out of bounds."""
    if isinstance(value, dict):
        value = next(v for v in value.values() if _out_of_bounds(v))
        return _why(value)
    if isinstance(value, list | tuple):
        return _why(next(v for v in value if _out_of_bounds(v)))
    try:
        dec(value)
    except RuleError as exc:
        return str(exc)
    return f"得到 {value!r}"


def _out_of_bounds(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_out_of_bounds(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_out_of_bounds(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            dec(value)
        except RuleError:
            return True
    return False


__all__ = [
    "SHAPES", "Campaigns", "Disqualify", "Flag", "Formula", "Measure", "WeightedScores", "Lines", "MidRank", "Modifier", "PerCapita", "PerOccurrence", "Quota",
    "Rank", "RateTarget", "Rule", "RuleContext", "Tiered", "Veto", "YearOverYear", "build",
    "competition_ranks", "dec_table", "match_table", "matches", "target_for",
]
