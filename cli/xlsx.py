"""An .xlsx worksheet measured, and read row by row when it is too big to hold.

python-calamine builds the whole grid of a sheet before giving its first row: one
empty-string cell at XFD1048576 makes it allocate 512 GiB, at Z1048576 880 MB. An .xlsx is a
zip of XML parts, so :meth:`Workbook.grid_size` measures the grid from the cell references
(a scan of the XML text, a fraction of reading it), and :meth:`Workbook.rows` streams the
sheet's XML through expat, holding a block and a row whatever the sheet's size; empty rows,
however far down, cost nothing. Streaming is about three times slower than calamine, so the
reader (:func:`policy.cli.inputs.read_sheet`) uses calamine when the grid fits.

Cells come out as calamine gives them: text, float, bool, and date, datetime or time for a
date-formatted number (the 1900 and 1904 date systems); an error cell (``#N/A``) and empty
text are empty, so both readers give the same rows.
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
from xml.parsers.expat import ExpatError, ParserCreate

MAX_COLUMNS = 16384  # XFD, Excel's last column


class SheetError(Exception):
    """The workbook cannot be read (not a zip, a damaged part, bad XML)."""


# Errors the zip and XML layers raise on a damaged file (a corrupt deflate stream is zlib.error).
DAMAGED = (zipfile.BadZipFile, zlib.error, ParseError, ExpatError, EOFError, OSError, KeyError, ValueError, IndexError,
           NotImplementedError, RuntimeError)  # the last two: an unknown compression, an encrypted member

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


# What Excel, LibreOffice, xlsxwriter and openpyxl write: the reference first. A sheet written
# otherwise (another attribute first, a namespace prefix, a cell with no reference) is streamed.
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,7})"')
_WITHOUT_REFERENCE = re.compile(rb"<c[>/]|<row[>/]")


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

    def grid_size(self, name: str) -> int | None:
        """Rows x columns of the rectangle from A1 to the sheet's farthest cell, which is what
        calamine allocates; None when the references are not where writers put them (the size
        is then unknown). A scan of the XML text, no parse: a fraction of reading the sheet."""
        columns: set[bytes] = set()
        last_row = 0
        try:
            with self.zip.open(self.sheets[name]) as f:
                rest = b""
                while block := f.read(1 << 20):
                    block = rest + block
                    cut = block.rfind(b">") + 1
                    block, rest = block[:cut], block[cut:]
                    cells, rows = _CELL_COLUMN.findall(block), _ROW_NUMBER.findall(block)
                    if (len(cells) != block.count(b"<c ") or len(rows) != block.count(b"<row ")
                            or _WITHOUT_REFERENCE.search(block)):
                        return None
                    columns.update(cells)
                    if rows:
                        last_row = max(last_row, *map(int, rows))
        except DAMAGED as e:
            raise SheetError(f"the sheet cannot be read, the file is damaged ({type(e).__name__}: {e})") from None
        width = max((column_index(c.decode()) + 1 for c in columns), default=0)
        return last_row * width

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
        """The sheet's XML through expat, a block at a time; the rows of each block are handed
        on before the next is read, so memory is a block and a row, whatever the sheet's size."""
        shared, dates = self._shared, self._date_styles
        epoch = datetime(1904, 1, 1) if self.date1904 else datetime(1899, 12, 30)
        done: list[tuple[int, list[Any]]] = []
        state = {"row": 0, "col": -1, "in_rph": 0}
        cells: dict[int, Any] = {}
        text: list[str] = []
        cell: dict[str, Any] = {}
        collecting = False
        local_names: dict[str, str] = {}

        def local(name: str) -> str:
            short = local_names.get(name)
            if short is None:
                short = local_names[name] = name.rpartition(":")[2]
            return short

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal collecting, cells, text
            tag = local(name)
            if tag == "c":
                ref = attrs.get("r")
                state["col"] = column_index(ref) if ref else state["col"] + 1
                cell.clear()
                cell.update(attrs)
                text = []
            elif tag == "v" or (tag == "t" and not state["in_rph"]):
                collecting = True
            elif tag == "row":
                r = attrs.get("r")
                state["row"] = int(r) if r else state["row"] + 1
                state["col"] = -1
                cells = {}
            elif tag == "rPh":
                state["in_rph"] += 1

        def end(name: str) -> None:
            nonlocal collecting
            tag = local(name)
            if tag == "c":
                value = _value(cell, text, shared, dates, epoch)
                if value is not None and value != "":  # empty text is an empty cell: no row grows for it
                    cells[state["col"]] = value
            elif tag == "v" or tag == "t":
                collecting = False
                if tag == "v":
                    cell["<v>"] = True
            elif tag == "row":
                if cells:
                    done.append((state["row"], [cells.get(i) for i in range(max(cells) + 1)]))
            elif tag == "rPh":
                state["in_rph"] -= 1

        def data(chunk: str) -> None:
            if collecting:
                text.append(chunk)

        parser = ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
        with self.zip.open(part) as f:
            while block := f.read(1 << 16):
                parser.Parse(block, False)
                yield from done
                done.clear()
            parser.Parse(b"", True)
            yield from done


def _value(cell: dict[str, Any], text: list[str], shared: list[str], dates: list[bool], epoch: datetime) -> Any:
    """One cell's value from its attributes and text, as calamine gives it."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(text)
    if "<v>" not in cell:
        return None  # a formatted blank cell
    v = "".join(text)
    if kind == "s":
        return shared[int(v)]
    if kind == "str":
        return v  # a formula's text
    if kind == "e":
        return ""  # an error such as #N/A: empty, as calamine gives it, so both readers agree
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind == "d":
        return datetime.fromisoformat(v.strip())
    number = float(v)
    style = cell.get("s")
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
