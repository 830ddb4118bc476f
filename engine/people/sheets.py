"""Reading a sheet of people as a street office keeps it (CSV or XLSX): 姓名, 手机号, 单位, 角色 (and optionally
邮箱), one person per row, several roles separated by 、 or commas.

Only reading lives here: each data row comes back with its row number as the spreadsheet shows it, so a
refusal can say "第 5 行". What the rows mean is decided in ``imports``.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import zipfile

from engine.domain.texts import Text
from engine.errors import InvalidSheet

MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an XLSX is a zip: refuse one that would unpack to more than this
HEADERS = {  # column title → field; titles compared without spaces, case-insensitively
    "姓名": "name", "名字": "name", "name": "name", "displayname": "name",
    "手机号": "phone", "手机": "phone", "手机号码": "phone", "电话": "phone", "联系电话": "phone", "phone": "phone",
    "单位": "unit", "所属单位": "unit", "社区": "unit", "unit": "unit",
    "角色": "roles", "职务": "roles", "role": "roles", "roles": "roles",
    "邮箱": "email", "电子邮箱": "email", "email": "email", "e-mail": "email",
}
REQUIRED = ("name", "phone", "unit", "roles")


def decode(text: str) -> bytes:
    """The file sent base64-encoded (JSON carries no bytes); ``InvalidSheet`` when it is not base64."""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidSheet(Text("文件内容不是 base64 编码", "the file is not base64-encoded")) from None


def read(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """``[(row number, {name, phone, unit, roles, email})]`` of a CSV (UTF-8, with or without BOM, or GB18030 as
    Excel saves it in China) or an XLSX (its first sheet); ``InvalidInput`` when the columns are missing."""
    if not content:
        raise InvalidSheet(Text("表格是空的", "the sheet is empty"))
    rows = _xlsx_rows(content) if content[:4] == b"PK\x03\x04" else _csv_rows(content)
    header_at, fields = None, {}
    for number, cells in rows:
        if any(cell.strip() for cell in cells):
            header_at = number
            fields = {i: HEADERS.get(cell.replace(" ", "").strip().lower()) for i, cell in enumerate(cells)}
            break
    missing = [f for f in REQUIRED if f not in fields.values()]
    if header_at is None or missing:
        raise InvalidSheet(Text("表格第一行须有这些列：姓名、手机号、单位、角色（缺少：{missing}）",
                                "the first row must name the columns 姓名, 手机号, 单位, 角色 (missing: {missing})",
                                missing=", ".join(missing) or "all"))
    found = []
    for number, cells in rows:
        if number <= header_at or not any(cell.strip() for cell in cells):
            continue
        row = {field: "" for field in (*REQUIRED, "email")}
        for i, cell in enumerate(cells):
            if fields.get(i):
                row[fields[i]] = cell.strip()
        found.append((number, row))
        if len(found) > MAX_ROWS:
            raise InvalidSheet(Text("一次最多导入 {n} 行", "at most {n} rows per import", n=MAX_ROWS))
    return found


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidSheet(Text("无法识别表格的编码", "the sheet's encoding is not UTF-8 or GB18030"))
    if "\x00" in text:
        raise InvalidSheet(Text("表格不是 CSV 或 XLSX 文件", "the sheet is neither CSV nor XLSX"))
    return [(number, cells) for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1)]


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl  # loaded only for an XLSX: it takes a while to import

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise InvalidSheet(Text("表格解压后太大", "the sheet unpacks to more than 50 MB"))
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except InvalidSheet:
        raise
    except Exception:  # a broken zip or workbook: the library raises many kinds
        raise InvalidSheet(Text("无法读取这个 XLSX 文件", "this XLSX file cannot be read")) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell(value) for value in values]))
            if number > MAX_ROWS + 50:
                break
        return rows
    finally:
        book.close()


def _cell(value) -> str:
    """A cell as text: a phone typed as a number (13800000001.0 in some sheets) keeps its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
