"""The statistics report as CSV for a spreadsheet: one file, four tables (units, methods, steps, end events), each
under a title line and separated by a blank line, headed in the reader's language. The route encodes it as UTF-8
with a byte-order mark, which is what makes Excel read Chinese correctly."""

from __future__ import annotations

import csv
import io

from engine.domain.texts import Text

FIGURES = (("started", Text("发起", "started")), ("finished", Text("办结", "finished")),
           ("cancelled", Text("撤销", "cancelled")), ("tasks_completed", Text("完成任务", "tasks completed")),
           ("tasks_with_due", Text("有期限的任务", "tasks with a due date")),
           ("tasks_late", Text("逾期完成", "completed late")), ("overdue_rate", Text("逾期率", "overdue rate")),
           ("open_tasks_with_due", Text("在办有期限", "open with a due date")),
           ("open_overdue", Text("在办已逾期", "open and overdue")))
UNIT, CODE, PARENT = Text("单位", "unit"), Text("单位代码", "unit code"), Text("上级单位", "parent unit")
METHOD = Text("议事方法", "method")
STEP, COMPLETED, MEDIAN = Text("环节", "step"), Text("完成数", "completed"), Text("中位天数", "median days")
TO_FINISH, END_EVENT, COUNT = Text("办结中位天数", "median days to finish"), Text("结束方式", "end event"), \
    Text("件数", "cases")
TITLES = (Text("按单位（含下级）", "by unit (including the units below)"), Text("按议事方法", "by method"),
          Text("各环节用时", "time per step"), Text("办结方式", "how cases ended"))


def _value(value) -> object:
    return "" if value is None else value


def to_csv(report: dict, language: str) -> str:
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\r\n")

    def t(text: Text) -> str:
        return text.render(language)

    figure_heads = [t(head) for _, head in FIGURES]
    rows.writerow([t(Text("统计期间 {start} 至 {end}（北京时间）", "period {start} to {end} (Beijing time)",
                          start=report["from_date"].isoformat(), end=report["to_date"].isoformat()))])
    rows.writerow([])
    rows.writerow([t(TITLES[0])])
    rows.writerow([t(UNIT), t(CODE), t(PARENT), *figure_heads])
    for unit in report["units"]:
        figures = unit["figures"]
        rows.writerow([unit["name"], unit["code"], _value(unit["parent"]), *(_value(figures[k]) for k, _ in FIGURES)])
    rows.writerow([])
    rows.writerow([t(TITLES[1])])
    rows.writerow([t(METHOD), *figure_heads, t(TO_FINISH)])
    for method in report["methods"]:
        rows.writerow([method["name"], *(_value(method["figures"][k]) for k, _ in FIGURES),
                       _value(method["median_days_to_finish"])])
    rows.writerow([])
    rows.writerow([t(TITLES[2])])
    rows.writerow([t(METHOD), t(STEP), t(COMPLETED), t(MEDIAN), figure_heads[4], figure_heads[5], figure_heads[6]])
    for method in report["methods"]:
        for stage in method["stages"]:
            rows.writerow([method["name"], stage["name"], stage["completed"], _value(stage["median_days"]),
                           stage["tasks_with_due"], stage["tasks_late"], _value(stage["overdue_rate"])])
    rows.writerow([])
    rows.writerow([t(TITLES[3])])
    rows.writerow([t(METHOD), t(END_EVENT), t(COUNT)])
    for method in report["methods"]:
        for end in method["figures"]["by_end_event"]:
            rows.writerow([method["name"], end["name"], end["count"]])
    return out.getvalue()
