"""The domain functions a designer may call by name: vote rules and deadline helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.domain import clock, periods, roster, rules


def period_end(start: Any, days: int) -> str:
    """End of a period of ``days`` days from ``start`` (Civil Code rules), ISO datetime string."""
    return periods.period_end(start, days).isoformat()


def working_period_end(start: Any, n: int) -> str:
    """End of ``n`` working days from ``start``, ISO datetime string."""
    return periods.working_period_end(start, n).isoformat()


def end_of_day(value: Any) -> str:
    """24:00 (Asia/Shanghai) of the day of ``value``, ISO datetime string."""
    return periods.end_of_day(value).isoformat()


def add_months(value: Any, months: int) -> str:
    """The date ``months`` calendar months after ``value``, ISO date string."""
    return periods.add_months(value, months).isoformat()


def days_before(value: Any, days: int) -> str:
    """The instant ``days`` calendar days before ``value`` (same time of day), ISO string."""
    return periods.shift_days(value, -days).isoformat()


def days_after(value: Any, days: int) -> str:
    """The instant ``days`` calendar days after ``value`` (same time of day), ISO string."""
    return periods.shift_days(value, days).isoformat()


def days_between(start: Any, end: Any) -> int:
    """Calendar days between the local (Asia/Shanghai) dates of ``start`` and ``end``."""
    return periods.days_between(start, end)


def local_date(value: Any) -> str:
    """The Asia/Shanghai date of a date-time, ISO date string."""
    return periods.to_local_date(value).isoformat()


def is_working_day(value: Any) -> bool:
    """Whether ``value`` is a working day in the PRC holiday calendar."""
    return periods.is_working_day(value)


def is_timely(at: Any, deadline: Any) -> bool:
    """Whether ``at`` is no later than ``deadline``."""
    return periods.is_timely(at, deadline)


def calendar_covers(value: Any) -> bool:
    """Whether the holiday calendar knows the year of ``value`` (working-day maths is reliable)."""
    return periods.calendar_covers(value)


def now() -> str:
    """The engine clock's instant in Asia/Shanghai, ISO string (follows tests and time travel)."""
    return clock.now().astimezone(periods.TZ).isoformat()


def today() -> str:
    """The engine clock's date in Asia/Shanghai, ISO string."""
    return clock.now().astimezone(periods.TZ).date().isoformat()


def role_members(role: str) -> list[str]:
    """The user ids holding ``role`` in the case's unit now (the list a 会签/票签 step runs over)."""
    return roster.members(role)


def signs_count(signs: Any, decision: str = "approve") -> int:
    """How many of a multi-person step's collected signs (``loopDataOutputRef``) carry ``decision``."""
    if isinstance(signs, dict):
        signs = list(signs.values())
    return sum(1 for sign in signs or [] if isinstance(sign, dict) and sign.get("decision") == decision)


@dataclass(frozen=True)
class DomainFunction:
    """One function offered to designers, with the meaning shown to them in both languages."""

    name: str
    function: Callable[..., Any]
    signature: str
    zh: str
    en: str
    group: str  # "vote", "sign" or "deadline"


# The single list: the sandbox, the README and the studio's hints are all checked against it.
FUNCTIONS: tuple[DomainFunction, ...] = (
    DomainFunction("more_than_half", rules.more_than_half, "(x, n)", "过半数：x > n/2", "more than half", "vote"),
    DomainFunction("half_or_more", rules.half_or_more, "(x, n)", "半数以上(含半数)：x ≥ n/2", "half or more", "vote"),
    DomainFunction("two_thirds_or_more", rules.two_thirds_or_more, "(x, n)", "三分之二以上(含)：x ≥ 2n/3",
                   "two thirds or more", "vote"),
    DomainFunction("at_most_one_third", rules.at_most_one_third, "(x, n)", "不超过三分之一：x ≤ n/3",
                   "at most one third", "vote"),
    DomainFunction("at_most_one_fifth", rules.at_most_one_fifth, "(x, n)", "不超过五分之一：x ≤ n/5",
                   "at most one fifth", "vote"),
    DomainFunction("at_most_fraction", rules.at_most_fraction, "(x, n, num, den)", "不超过 num/den",
                   "at most num/den of n", "vote"),
    DomainFunction("at_least_fraction", rules.at_least_fraction, "(x, n, num, den)", "不少于 num/den",
                   "at least num/den of n", "vote"),
    DomainFunction("more_than_fraction", rules.more_than_fraction, "(x, n, num, den)", "超过 num/den",
                   "more than num/den of n", "vote"),
    DomainFunction("assembly_quorum_met", rules.assembly_quorum_met, "(present, eligible, profile)",
                   "居民会议到会人数达到法定人数", "residents' assembly quorum met", "vote"),
    DomainFunction("assembly_passed", rules.assembly_passed, "(yes, present, eligible, profile)",
                   "居民会议表决通过", "residents' assembly passed", "vote"),
    DomainFunction("congress_quorum_met", rules.congress_quorum_met, "(present, total)",
                   "职工代表大会到会人数达到三分之二以上", "workers' congress quorum (two thirds) met", "vote"),
    DomainFunction("congress_passed", rules.congress_passed, "(yes, total, pass_rule)",
                   "职工代表大会表决通过", "workers' congress passed", "vote"),
    DomainFunction("evaluation_satisfied", rules.evaluation_satisfied,
                   "(satisfied, basically_satisfied, respondents)", "民事民评满意(满意+基本满意过半数)",
                   "residents' evaluation satisfied", "vote"),
    DomainFunction("role_members", role_members, "(role)", "本单位担任该角色的人员(会签、票签的名单)",
                   "the members holding a role in the case's unit (the list of a multi-person step)", "sign"),
    DomainFunction("signs_count", signs_count, "(signs, decision)", "多人办理中作出某一决定的人数",
                   "how many signs of a multi-person step carry a decision", "sign"),
    DomainFunction("period_end", period_end, "(start, days)", "期间届满(民法典计算，节假日顺延)",
                   "end of a period (Civil Code counting, rolled past holidays)", "deadline"),
    DomainFunction("working_period_end", working_period_end, "(start, n)", "n 个工作日后届满",
                   "end of n working days", "deadline"),
    DomainFunction("end_of_day", end_of_day, "(value)", "当日 24 时", "24:00 of that day", "deadline"),
    DomainFunction("add_months", add_months, "(value, months)", "若干个月后的日期", "the date months later",
                   "deadline"),
    DomainFunction("days_before", days_before, "(value, days)", "若干日之前的同一时刻(如期限前3日提醒)",
                   "the same time days earlier (a reminder before a deadline)", "deadline"),
    DomainFunction("days_after", days_after, "(value, days)", "若干日之后的同一时刻", "the same time days later",
                   "deadline"),
    DomainFunction("days_between", days_between, "(start, end)", "两日期间相隔的日数", "calendar days between",
                   "deadline"),
    DomainFunction("local_date", local_date, "(value)", "北京时间的日期", "the date in Beijing time", "deadline"),
    DomainFunction("is_working_day", is_working_day, "(value)", "是否工作日", "whether a working day", "deadline"),
    DomainFunction("is_timely", is_timely, "(at, deadline)", "是否在期限内", "whether on time", "deadline"),
    DomainFunction("calendar_covers", calendar_covers, "(value)", "节假日数据是否覆盖该年",
                   "whether the holiday calendar covers that year", "deadline"),
    DomainFunction("now", now, "()", "当前时刻(北京时间)", "now, in Beijing time", "deadline"),
    DomainFunction("today", today, "()", "今天的日期(北京时间)", "today's date, in Beijing time", "deadline"),
)
DOMAIN_FUNCTIONS: dict[str, Callable[..., Any]] = {f.name: f.function for f in FUNCTIONS}
