"""The case file as it leaves the system (一事一档): one ZIP that can be checked without Yishi's database.

Layout (``FORMAT``):

- ``manifest.json``: the case, the file's head (event count, head hash, the server seal if any), whether
  personal data is included, the tool and its version, when and by whom it was made, the SHA-256 of every other
  file of the archive and the attachments;
- ``events.jsonl``: every event as stored, one JSON object per line, with ``prev_hash`` and ``hash`` (the chain of
  ``engine.store.audit``); an event whose personal data was masked carries ``"masked": true``;
- ``attachments/<sha256>``: the files the case file names;
- ``definition/``: the BPMN files and forms of the case's definition version;
- ``case.html``: a printable rendering (Chinese first, times in Beijing time).

``engine.read.export_check`` verifies such an archive offline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO

from engine.domain.periods import TZ

FORMAT = "yishi-case-export/1"
MANIFEST, EVENTS, HTML = "manifest.json", "events.jsonl", "case.html"
ATTACHMENTS_DIR, DEFINITION_DIR = "attachments/", "definition/"
TOOL = "yishi"

# what each kind of event is called in the printed case file
KIND_NAMES: dict[str, tuple[str, str]] = {
    "case_started": ("发起", "Started"), "case_completed": ("办结", "Completed"), "case_error": ("出错", "Error"),
    "case_suspended": ("暂停", "Suspended"), "case_resumed": ("恢复", "Resumed"),
    "case_cancelled": ("撤销", "Cancelled"), "case_retried": ("重试", "Retried"),
    "case_migrated": ("迁移版本", "Migrated"), "task_opened": ("待办产生", "Task opened"),
    "task_completed": ("办理", "Task completed"), "task_closed": ("待办关闭", "Task closed"),
    "task_claimed": ("认领", "Claimed"), "task_unclaimed": ("释放", "Released"),
    "task_reassigned": ("改派", "Reassigned"), "task_due_changed": ("期限变更", "Due date changed"),
    "timer_fired": ("到时", "Timer fired"), "computed": ("计算结果", "Computed"),
    "rule_broken": ("规则出错", "Rule broken"), "attachment_added": ("上传附件", "Attachment added"),
    "objection_lodged": ("提出异议", "Objection lodged"), "flag_corrected": ("更正标记", "Flag corrected"),
    "case_linked": ("关联事项", "Case linked"), "case_exported": ("导出档案", "Case file exported"),
}


def event_line(row: Mapping[str, Any]) -> dict:
    """An event as exported: exactly the fields its hash covers, ``at`` in UTC as hashed."""
    at = row["at"] if row["at"].tzinfo else row["at"].replace(tzinfo=dt.UTC)
    line = {"case_id": row["case_id"], "seq": row["seq"], "at": at.astimezone(dt.UTC).isoformat(),
            "actor": row["actor"], "kind": row["kind"], "element_id": row.get("element_id"),
            "task_id": row.get("task_id"), "data": row["data"], "prev_hash": row["prev_hash"], "hash": row["hash"]}
    if row.get("masked"):
        line["masked"] = True
        line["masked_fields"] = list(row.get("masked_fields") or [])
    return line


def beijing(value: dt.datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(out: BinaryIO, *, case: Mapping[str, Any], events: list[Mapping[str, Any]],
          labelled: list[Mapping[str, Any]], attachments: list[Mapping[str, Any]],
          open_attachment, definition: Mapping[str, Any], personal_data: bool, exported_by: str,
          exported_at: dt.datetime, tool_version: str, step_names: Mapping[str, str]) -> dict:
    """Write the archive to ``out``; returns its manifest. ``open_attachment(sha256)`` gives a file's content
    stream; ``labelled`` are the events with their values titled in Chinese (the printable rendering)."""
    files: dict[str, str] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, data: bytes) -> None:
            archive.writestr(name, data)
            files[name] = _sha(data)

        put(EVENTS, "".join(json.dumps(event_line(e), ensure_ascii=False, sort_keys=True) + "\n"
                            for e in events).encode("utf-8"))
        for name, xml in sorted((definition.get("bpmn") or {}).items()):
            put(f"{DEFINITION_DIR}{name}", xml.encode("utf-8"))
        for name, form in sorted((definition.get("forms") or {}).items()):
            put(f"{DEFINITION_DIR}forms/{name}", json.dumps(form, ensure_ascii=False, indent=2).encode("utf-8"))
        unique = {a["sha256"]: a for a in attachments}
        for sha in sorted(unique):
            with open_attachment(sha) as stream, archive.open(f"{ATTACHMENTS_DIR}{sha}", "w") as target:
                while chunk := stream.read(1 << 16):
                    target.write(chunk)
        manifest = {
            "format": FORMAT,
            "case": {"id": case["id"], "reference": case["reference"], "title": case["title"], "unit": case["unit"],
                     "definition": case["definition_key"], "version": case.get("definition_version"),
                     "status": case["status"], "started_by": case["started_by"],
                     "created_at": _iso(case["created_at"])},
            "events": len(events), "head_hash": case["head_hash"],
            "seal": {"key_id": case["seal_key_id"], "seal": case["head_seal"]} if case.get("head_seal") else None,
            "personal_data": "included" if personal_data else "masked",
            "masked_events": [e["seq"] for e in events if e.get("masked")],
            "tool": {"name": TOOL, "version": tool_version},
            "exported_at": exported_at.astimezone(TZ).isoformat(), "exported_by": exported_by,
            "attachments": [{"sha256": a["sha256"], "size": a["size"], "media_type": a["media_type"],
                             "file_name": a["file_name"], "path": f"{ATTACHMENTS_DIR}{a['sha256']}"}
                            for a in unique.values()],
        }
        put(HTML, render_html(manifest, labelled, attachments, step_names).encode("utf-8"))
        manifest["files"] = dict(sorted(files.items()))
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _iso(value: dt.datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(TZ).isoformat()


# ----- the printable rendering ----------------------------------------------------------------------------------

_STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       font-size: 12pt; line-height: 1.5; color: #000; margin: 2em; }
h1 { font-size: 18pt; margin: 0 0 .3em; } h2 { font-size: 14pt; margin: 1.2em 0 .4em; border-bottom: 1px solid #000; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #eee; } .meta td:first-child { width: 8em; font-weight: bold; }
.en { color: #444; font-size: 10pt; } .hash { font-family: monospace; font-size: 9pt; word-break: break-all; }
tr { break-inside: avoid; } @page { size: A4; margin: 15mm; } @media print { body { margin: 0; } }
"""


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "、".join(value)
    if isinstance(value, list) and all(isinstance(v, dict) and "sha256" in v for v in value):
        return "、".join(f"{v.get('name')}（{str(v['sha256'])[:12]}…）" for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return json.dumps(value, ensure_ascii=False)


def render_html(manifest: Mapping[str, Any], labelled: Iterable[Mapping[str, Any]],
                attachments: list[Mapping[str, Any]], step_names: Mapping[str, str]) -> str:
    """The case file as a page to print or keep: the case, every event with its values, the files, the chain."""
    e = html.escape
    case = manifest["case"]
    rows = []
    for event in labelled:
        kind = KIND_NAMES.get(event["kind"], (event["kind"], event["kind"]))
        step = step_names.get(event.get("element_id") or "", event.get("element_id") or "")
        fields = event.get("fields") or []
        if fields:
            content = "<br>".join(f"{e(str(f['title']))}：{e(_value(f['value']))}" for f in fields)
        elif event["kind"] == "attachment_added":
            data = event["data"]
            content = e(f"{data.get('file_name')}（{data.get('media_type')}，{data.get('size')} 字节，"
                        f"SHA-256 {data.get('sha256')}）")
        else:
            content = e(_value({k: v for k, v in (event.get("data") or {}).items() if k != "data"})) \
                if event.get("data") else ""
        if event.get("masked"):
            content += "<br><em>（个人信息已遮盖）</em>"
        rows.append(f"<tr><td>{event['seq']}</td><td>{e(beijing(event['at']))}</td><td>{e(str(event['actor']))}</td>"
                    f"<td>{e(kind[0])}<div class=en>{e(kind[1])}</div></td><td>{e(step)}</td><td>{content}</td></tr>")
    files = "".join(f"<tr><td>{e(a['file_name'])}</td><td>{e(a['media_type'])}</td><td>{a['size']}</td>"
                    f"<td class=hash>{a['sha256']}</td></tr>" for a in manifest["attachments"]) or \
        "<tr><td colspan=4>（无）</td></tr>"
    personal = "含个人信息" if manifest["personal_data"] == "included" else "个人信息已遮盖"
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(case['reference'])} {e(case['title'])} — 一事一档</title>
<style>{_STYLE}</style></head><body>
<h1>{e(case['title'])}</h1>
<div class=en>Case file (一事一档) of {e(case['reference'])}</div>
<h2>事项 <span class=en>Case</span></h2>
<table class=meta>
<tr><td>编号</td><td>{e(case['reference'])}</td></tr>
<tr><td>所属单位</td><td>{e(case['unit'])}</td></tr>
<tr><td>议事方法</td><td>{e(case['definition'])}（第 {case['version']} 版）</td></tr>
<tr><td>状态</td><td>{e(case['status'])}</td></tr>
<tr><td>发起人</td><td>{e(case['started_by'])}</td></tr>
<tr><td>发起时间</td><td>{e(beijing(case['created_at']))}（北京时间）</td></tr>
<tr><td>导出</td><td>{e(beijing(manifest['exported_at']))}（北京时间），{e(manifest['exported_by'])}，{personal}</td></tr>
</table>
<h2>办理记录 <span class=en>Events</span></h2>
<p>共 {manifest['events']} 条记录，时间均为北京时间。</p>
<table><tr><th>序号</th><th>时间</th><th>操作人</th><th>事项</th><th>步骤</th><th>内容</th></tr>
{''.join(rows)}
</table>
<h2>附件 <span class=en>Attachments</span></h2>
<table><tr><th>文件名</th><th>类型</th><th>字节</th><th>SHA-256</th></tr>{files}</table>
<h2>校验 <span class=en>Verification</span></h2>
<p>每条记录都带有上一条记录的哈希，末条记录的哈希（链头）为：</p><p class=hash>{manifest['head_hash']}</p>
<p>用 <code>yishi verify --file 本导出文件.zip</code> 可离线核对记录链、附件和清单。</p>
</body></html>
"""


def open_archive(data: bytes | BinaryIO) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
