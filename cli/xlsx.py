"""An .xlsx worksheet read row by row, in memory bounded by one row.

python-calamine (used for .xls and .ods) builds the whole grid of a sheet before giving its
first row: a single empty-string cell at XFD1048576 makes it allocate 512 GiB, at Z1048576
880 MB. An .xlsx is a zip of XML parts, so this reader streams the sheet's XML instead and
never holds more than a row; empty rows, however far down, cost nothing. Cells come out as
calamine gives them: text, float, bool, and date, datetime or time for a date-formatted
number (the 1900 and 1904 date systems); an error cell is its text (``#N/A``), so that a
field reading it says what it got.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

MAX_COLUMNS = 16384  # XFD, Excel's last column


class SheetError(Exception):
    """The workbook cannot be read (not a zip, a damaged part, bad XML)."""


# Errors the zip and XML layers raise on a damaged file (a corrupt deflate stream is zlib.error).
DAMAGED = (zipfile.BadZipFile, zlib.error, ParseError, EOFError, OSError, KeyError, ValueError, IndexError)

# Built-in number formats that show a date or time (ECMA-376 18.8.30, with the CJK ids 27-36, 50-58).
BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # quoted text, escaped characters, [colours]/[locales]


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def is_date_format(code: str) -> bool:
    """A custom number format shows a date or time if, outside quoted text, it has y m d h s."""
    body = _LITERALS.sub("", code.split(";")[0]).lower()
    return any(c in body for c in "ymdhs") and "general" not in body


def column_index(ref: str) -> int:
    """0-based column of a cell reference such as ``AB12``."""
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    if not 1 <= n <= MAX_COLUMNS:
        raise ValueError(f"cell reference {ref!r} is not a column of a worksheet")
    return n - 1


def _row_number(ref: str) -> int:
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return int(digits)


class Workbook:
    """The sheet names of an .xlsx and, for one sheet, its rows."""

    def __init__(self, path: str):
        try:
            self.zip = zipfile.ZipFile(path)
            self._read_workbook()
        except SheetError:
            raise
        except DAMAGED as e:
            raise SheetError(f"not a readable .xlsx workbook ({type(e).__name__}: {e})") from None
        self._shared: list[str] | None = None
        self._date_styles: list[bool] | None = None

    def close(self) -> None:
        self.zip.close()

    def _xml(self, name: str):
        return iterparse(self.zip.open(name), events=("end",))

    def _read_workbook(self) -> None:
        names = set(self.zip.namelist())
        book_part = next((n for n in ("xl/workbook.xml",) if n in names), None)
        if book_part is None:
            book_part = self._office_document(names)
        targets = {}
        rels = posixpath.join(posixpath.dirname(book_part), "_rels", posixpath.basename(book_part) + ".rels")
        if rels in names:
            for _, el in self._xml(rels):
                if _local(el.tag) == "Relationship":
                    target = el.get("Target", "")
                    targets[el.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                             else posixpath.normpath(posixpath.join(posixpath.dirname(book_part), target)))
        self.sheets: dict[str, str] = {}
        self.date1904 = False
        for _, el in self._xml(book_part):
            tag = _local(el.tag)
            if tag == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
                part = targets.get(rid)
                if part is not None and part in names:
                    self.sheets[el.get("name", "")] = part
            elif tag == "workbookPr":
                self.date1904 = el.get("date1904", "0").lower() in ("1", "true")
        self.parts = names

    def _office_document(self, names: set[str]) -> str:
        if "_rels/.rels" in names:
            for _, el in self._xml("_rels/.rels"):
                if _local(el.tag) == "Relationship" and el.get("Type", "").endswith("/officeDocument"):
                    return el.get("Target", "").lstrip("/")
        raise SheetError("not an .xlsx workbook (no xl/workbook.xml)")

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def _shared_strings(self) -> list[str]:
        out: list[str] = []
        part = "xl/sharedStrings.xml"
        if part not in self.parts:
            return out
        texts: list[str] = []
        phonetic = 0  # <rPh> runs (furigana) are not part of the text
        for event, el in iterparse(self.zip.open(part), events=("start", "end")):
            tag = _local(el.tag)
            if tag == "rPh":
                phonetic += 1 if event == "start" else -1
            elif event == "end":
                if tag == "t" and not phonetic:
                    texts.append(el.text or "")
                elif tag == "si":
                    out.append("".join(texts))
                    texts = []
                    el.clear()
        return out

    def _dates(self) -> list[bool]:
        """For each cell style (the ``s`` of a cell), whether its number format shows a date."""
        part = "xl/styles.xml"
        if part not in self.parts:
            return []
        custom: dict[int, str] = {}
        styles: list[bool] = []
        in_cell_xfs = False
        for event, el in iterparse(self.zip.open(part), events=("start", "end")):
            tag = _local(el.tag)
            if tag == "cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and tag == "numFmt":
                custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
            elif event == "end" and tag == "xf" and in_cell_xfs:
                fmt = int(el.get("numFmtId", "0"))
                styles.append(fmt in BUILTIN_DATE_FORMATS or (fmt in custom and is_date_format(custom[fmt])))
        return styles

    def rows(self, name: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number as Excel shows it, cells from column A) for each row with a cell."""
        try:
            if self._shared is None:
                self._shared = self._shared_strings()
                self._date_styles = self._dates()
            yield from self._rows(self.sheets[name])
        except DAMAGED as e:
            raise SheetError(f"the sheet cannot be read, the file is damaged ({type(e).__name__}: {e})") from None

    def _rows(self, part: str) -> Iterator[tuple[int, list[Any]]]:
        shared, dates = self._shared, self._date_styles
        epoch = datetime(1904, 1, 1) if self.date1904 else datetime(1899, 12, 30)
        context = iterparse(self.zip.open(part), events=("start", "end"))
        sheet_data = None
        row_no = 0
        cells: dict[int, Any] = {}
        col = -1
        for event, el in context:
            tag = _local(el.tag)
            if event == "start":
                if tag == "sheetData":
                    sheet_data = el
                elif tag == "row":
                    r = el.get("r")
                    row_no = int(r) if r else row_no + 1
                    cells = {}
                    col = -1
                continue
            if tag == "c":
                ref = el.get("r")
                col = column_index(ref) if ref else col + 1
                value = self._cell(el, shared, dates, epoch)
                if value is not None:
                    cells[col] = value
                el.clear()
            elif tag == "row":
                if cells:
                    width = max(cells) + 1
                    yield row_no, [cells.get(i) for i in range(width)]
                if sheet_data is not None:
                    sheet_data.clear()  # the rows read so far: memory stays one row

    @staticmethod
    def _cell(el, shared: list[str], dates: list[bool], epoch: datetime) -> Any:
        kind = el.get("t", "n")
        v = None
        inline = []
        for child in el:
            tag = _local(child.tag)
            if tag == "v":
                v = child.text
            elif tag == "is":
                inline.extend(t.text or "" for t in child.iter() if _local(t.tag) == "t")
        if kind == "inlineStr":
            return "".join(inline)
        if v is None:
            return None  # a formatted blank cell
        if kind == "s":
            return shared[int(v)]
        if kind in ("str", "e"):
            return v  # a formula's text, or an error such as #N/A
        if kind == "b":
            return v.strip() in ("1", "true")
        if kind == "d":
            return datetime.fromisoformat(v.strip())
        number = float(v)
        style = el.get("s")
        if style is not None and dates and int(style) < len(dates) and dates[int(style)]:
            return _excel_time(number, epoch)
        return number


def _excel_time(serial: float, epoch: datetime) -> date | datetime | time | float:
    """An Excel serial as calamine gives it: a date for a whole day, a time below one day."""
    if not -693594 < serial < 2958466:  # outside 0001-01-01 .. 9999-12-31: leave the number
        return serial
    t = epoch + timedelta(milliseconds=round(serial * 86_400_000))
    if 0 <= serial < 1 and epoch.year == 1899:
        return t.time()
    if t.hour == t.minute == t.second == t.microsecond == 0:
        return t.date()
    return t
