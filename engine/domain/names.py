"""Names of BPMN elements and processes in a language.

BPMN names are written "中文 English" (processes/CONVENTIONS.md): ``split("决议 Record the vote")`` gives
``Text("决议", "Record the vote")``. The split is at the first run of ASCII letters that follows Chinese text
("QQ群 QQ group" → "QQ群" / "QQ group"); a name without both parts is the same in both languages.
"""

from __future__ import annotations

import re

from engine.domain.texts import Text

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_LATIN = re.compile(r"[A-Za-z]")


def split(name: str | None) -> Text:
    """A "中文 English" name as a bilingual ``Text`` (no parameters: braces in names stay as they are)."""
    name = (name or "").strip()
    first_cjk = _CJK.search(name)
    if first_cjk is None:
        return _literal(name)
    latin = _LATIN.search(name, first_cjk.end())
    if latin is None:
        return _literal(name)
    # the English part starts at the run of letters; a few non-letters just before it (quotes, digits) go with it
    start = latin.start()
    while start > first_cjk.end() and not name[start - 1].isspace() and not _CJK.match(name[start - 1]):
        start -= 1
    zh, en = name[:start].strip(), name[start:].strip()
    return _literal(zh, en) if zh and en else _literal(name)


def _literal(zh: str, en: str | None = None) -> Text:
    # Text.render formats with str.format; names are shown verbatim, so braces are escaped
    return Text(zh.replace("{", "{{").replace("}", "}}"), (en if en is not None else zh)
                .replace("{", "{{").replace("}", "}}"))


def render(name: str | None, language: str) -> str:
    return split(name).render(language)
