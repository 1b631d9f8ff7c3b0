"""The bureau's scheme (考核办法): categories, series, normalisation, aggregation and the year."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from ..rules.base import dec, dec_by_key, dec_or_none


@attrs.frozen
class Category:
    """A block of the score (考核内容/板块) with its full score and weight."""

    id: str
    name: str
    weight: Decimal = attrs.field(converter=dec)
    """Weight in the period total (the 100 of 基础工作建设 in 800)."""
    full: Decimal = attrs.field(default=None, converter=dec_or_none)
    """Full score of the category (defaults to the weight)."""
    base: Decimal = attrs.field(default=Decimal(0), converter=dec)
    """Starting value to which item points are added (0 where the scheme says 不设基本分)."""
    floor: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    """Lowest raw score (0 for 扣完为止,不出现负分)."""
    cap: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    """Highest raw score."""
    per_capita: bool = False
    """Item points are divided by the unit's headcount (人均分) before the base is added."""
    normalise: bool = True
    """Score = raw ÷ top of group × weight (seed 000 l.686); False: the raw score counts as is."""
    weights: Mapping[str, Decimal] = attrs.field(factory=dict, converter=dec_by_key)
    """Weight by series, where series weigh categories differently (下城 2011)."""
    scope: str = attrs.field(default="period", validator=attrs.validators.in_(("period", "year")))
    """``period``: part of every base period's score; ``year``: scored once over the year and added
    to the year's total (年度加考, 专项工作: seed 000 l.422)."""
    series: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """The series whose units are assessed on this category; empty: every series (seed 001: the
    stations' seven blocks are not the offices')."""

    def __attrs_post_init__(self) -> None:
        if self.full is None:
            object.__setattr__(self, "full", self.weight)

    def weight_for(self, series: str) -> Decimal:
        return self.weights.get(series, self.weight)

    def applies_to(self, series: str) -> bool:
        return not self.series or series in self.series


@attrs.frozen
class Series:
    id: str
    name: str
    pass_mark: Decimal | None = attrs.field(default=None, converter=dec_or_none)
    """达标分值 (seed 000 l.390): last in the series and below it → 整改单位."""


@attrs.frozen
class Scheme:
    name: str
    categories: tuple[Category, ...]
    series: tuple[Series, ...]
    base_period: str = "month"
    """The period each score is computed for: month or quarter."""
    normalise_within: str = "series"
    """The group whose top score is the full score: series, class or all."""
    decimals: int = 2
    """Normalised category scores are rounded half-up to this many places (docs/readings.md)."""
    aggregate: str = "sum"
    """How a quarter or half-year is formed from base periods: sum or mean."""
    year_method: str = "mean"
    """How the year is formed from base periods: sum, mean, or scaled (mean ÷ full × year_scale)."""
    year_scale: Decimal = attrs.field(default=Decimal(100), converter=dec)
    per_capita_direct: str = "plain"
    """Reading of 直接扣人均分 in a category that is not per-capita: plain or times_headcount."""
    last_place_months: int = 3
    """Flag a unit last in its series this many periods running (seed 000 l.426)."""
    class_coefficients: Mapping[str, Decimal] = attrs.field(factory=dict, converter=dec_by_key)
    """难度系数 by class (seed 002): a base period's total is the sum of its categories × the
    coefficient of the unit's class (1 for a class not listed), before the veto and the ranking."""

    def coefficient(self, klass: str | None) -> Decimal:
        return self.class_coefficients.get(klass or "", Decimal(1))

    def category(self, cid: str) -> Category:
        for c in self.categories:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def series_by_id(self, sid: str) -> Series | None:
        for s in self.series:
            if s.id == sid:
                return s
        return None

    @property
    def period_categories(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.scope == "period")

    @property
    def year_categories(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.scope == "year")

    def full_total(self, series: str) -> Decimal:
        """The full score of a base period (the 800 of the 2015 scheme)."""
        return sum((c.weight_for(series) for c in self.period_categories if c.applies_to(series)), Decimal(0))
