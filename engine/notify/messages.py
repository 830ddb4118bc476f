"""What each kind of notification says, in Chinese and English, rendered from the facts stored with it.

A notification keeps facts (case reference and title, step name as "中文 English", role, due date), not
sentences, so the bell shows it in the reader's language; the outbox stores the message rendered once in the
recipient's language, because a text message or an e-mail cannot change language after it is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import quote

from engine.domain import names, roles
from engine.domain.periods import TZ
from engine.domain.texts import DEFAULT_LANGUAGE, Text


class NoticeKind(StrEnum):
    """Kinds of notification (the rules in ``engine.notify.rules`` map case events to them)."""

    TASK_OPENED = "task_opened"  # a step waits for my role
    TASK_ASSIGNED = "task_assigned"  # a step was given to me (reassigned by an administrator)
    DUE_SOON = "due_soon"  # a step of mine is due within the process's reminder lead (default one day)
    OVERDUE = "overdue"  # a step of mine is past its due date
    ESCALATED = "escalated"  # a step was escalated to me or my role
    OBJECTION_LODGED = "objection_lodged"  # someone objected (to a published result, a vote)
    PROPOSAL_MOVED = "proposal_moved"  # a step of a case I started was done by someone
    CASE_FINISHED = "case_finished"  # a case I started is completed or cancelled
    TEST = "test"  # an administrator's test message to a group webhook
    VOTE_OPENED = "vote_opened"  # I am on the roll of a vote that opened
    FIX_REQUESTED = "fix_requested"  # a resident is not satisfied: fix and call back (the implementers)
    CALLED_BACK = "called_back"  # the fix of my rating is done: rate again
    STILL_DISSATISFIED = "still_dissatisfied"  # a resident is still not satisfied after the fix (the committee)
    MENTIONED = "mentioned"  # someone @-mentioned me in a case's discussion
    URGED = "urged"  # someone urged a step I hold (催办)
    COPIED = "copied"  # a case was copied to me for my information (抄送)
    REQUESTED = "requested"  # the holder of a step asked me to work on it (委派) or for my opinion (加签)
    ANSWERED = "answered"  # the person I asked answered (the delegate's work, the opinion)
    TAKEN_BACK = "taken_back"  # a step was withdrawn (撤回), returned to me (退回) or a proposal withdrawn (撤销)


TITLES: dict[str, Text] = {
    NoticeKind.TASK_OPENED: Text("新待办：{step}", "New task: {step}"),
    NoticeKind.TASK_ASSIGNED: Text("交给您办理：{step}", "Assigned to you: {step}"),
    NoticeKind.DUE_SOON: Text("即将到期：{step}", "Due soon: {step}"),
    NoticeKind.OVERDUE: Text("已超期：{step}", "Overdue: {step}"),
    NoticeKind.ESCALATED: Text("已上报给您：{step}", "Escalated to you: {step}"),
    NoticeKind.OBJECTION_LODGED: Text("有人提出异议：{title}", "Objection lodged: {title}"),
    NoticeKind.PROPOSAL_MOVED: Text("您的提议有进展：{title}", "Your proposal moved on: {title}"),
    NoticeKind.CASE_FINISHED: Text("事项已办结：{title}", "Case finished: {title}"),
    NoticeKind.TEST: Text("议事通知测试", "Yishi test message"),
    NoticeKind.VOTE_OPENED: Text("请您投票：{title}", "Please vote: {title}"),
    NoticeKind.FIX_REQUESTED: Text("居民不满意，请整改并回访：{title}", "A resident is not satisfied: fix and call "
                                   "back: {title}"),
    NoticeKind.CALLED_BACK: Text("整改已完成，请再次评价：{title}", "The fix is done; please rate again: {title}"),
    NoticeKind.STILL_DISSATISFIED: Text("整改后居民仍不满意：{title}", "Still not satisfied after the fix: {title}"),
    NoticeKind.MENTIONED: Text("有人在讨论中提到您：{title}", "You were mentioned in a discussion: {title}"),
    NoticeKind.URGED: Text("催办：{step}", "Please act: {step}"),
    NoticeKind.COPIED: Text("抄送给您：{title}", "Copied to you: {title}"),
    NoticeKind.REQUESTED: Text("请您协助：{step}", "Your help is asked: {step}"),
    NoticeKind.ANSWERED: Text("已答复：{step}", "Answered: {step}"),
    NoticeKind.TAKEN_BACK: Text("事项退回或撤回：{title}", "Sent back or withdrawn: {title}"),
}

OUTCOMES: dict[str, Text] = {
    "completed": Text("已办结", "completed"),
    "cancelled": Text("已取消", "cancelled"),
}


@dataclass
class Message:
    """A notification as a person reads it: a title, a few summary lines, and a link back to the web app."""

    title: str
    lines: list[str] = field(default_factory=list)
    link: str | None = None

    def text(self) -> str:
        return "\n".join([self.title, *self.lines, *([self.link] if self.link else [])])

    def markdown(self) -> str:
        """The message as the markdown both group robots accept (headings, bold, links, no tables)."""
        parts = [f"### {self.title}", *[f"> {line}" for line in self.lines]]
        if self.link:
            parts.append(f"[查看 / Open]({self.link})")
        return "\n\n".join(parts)

    def as_payload(self) -> dict:
        return {"title": self.title, "lines": self.lines, "link": self.link}


def local_time(value: str | None) -> str | None:
    """An ISO instant as Beijing time, minutes precision ("2026-03-09 23:59")."""
    if not value:
        return None
    return dt.datetime.fromisoformat(value).astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def render(kind: str, facts: dict, language: str = DEFAULT_LANGUAGE, base_url: str | None = None) -> Message:
    """The message for a notification of ``kind`` with these ``facts`` in ``language``."""
    step = names.render(facts.get("step"), language) if facts.get("step") else ""
    title_text = facts.get("title") or facts.get("reference") or ""
    template = TITLES.get(kind) or Text("{title}", "{title}")
    title = Text(template.zh, template.en, step=step, title=title_text).render(language)
    lines = []
    if facts.get("reference"):
        lines.append(Text("事项：{ref} {title}", "Case: {ref} {title}", ref=facts["reference"],
                          title=title_text).render(language))
    for item in facts.get("summary") or []:  # the method's summary fields: decide without opening the case
        if isinstance(item, dict):
            lines.append(f"{pick(item.get('title'), language)}：{pick(item.get('value'), language)}")
    if step and kind in (NoticeKind.PROPOSAL_MOVED,):
        lines.append(Text("已完成：{step}", "Done: {step}", step=step).render(language))
    if facts.get("role"):
        lines.append(Text("办理角色：{role}", "Role: {role}", role=roles.name_of(facts["role"])).render(language))
    if facts.get("due_at"):
        lines.append(Text("办理期限：{due}", "Due: {due}", due=local_time(facts["due_at"])).render(language))
    if facts.get("outcome"):
        outcome = OUTCOMES.get(facts["outcome"]) or Text(facts["outcome"], facts["outcome"])
        lines.append(Text("结果：{outcome}", "Outcome: {outcome}", outcome=outcome).render(language))
    if facts.get("by"):
        lines.append(Text("操作人：{by}", "By: {by}", by=facts["by"]).render(language))
    if facts.get("note"):
        lines.append(str(facts["note"]))
    return Message(title, lines, link(facts, base_url))


def pick(value, language: str) -> str:
    """A ``{"zh-CN": …, "en": …}`` value in ``language`` (a plain value as it is)."""
    if isinstance(value, dict):
        return str(value.get(language) or value.get(DEFAULT_LANGUAGE) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def link(facts: dict, base_url: str | None) -> str | None:
    """The page of the web app the message points to: the open task, else the case."""
    if base_url is None:
        return None
    base = base_url.rstrip("/")
    if facts.get("task_id") and facts.get("task_open", True):
        return f"{base}/task/{quote(str(facts['task_id']))}"
    if facts.get("reference"):
        return f"{base}/case/{quote(str(facts['reference']))}"
    return base + "/"
