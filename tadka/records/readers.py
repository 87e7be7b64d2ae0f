"""Read Records from the files people have: JSONL, JSON, CSV, Parquet and saved HF datasets.

Every problem becomes one InputError naming the file, the line (the row, for columnar files) and the
field. Files are read as bytes and decoded per line, so a bad byte is reported where it is; a line
longer than the limit is refused before it is held in memory whole.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Iterator

from tadka.errors import InputError
from tadka.records.formats import converter, detect_format
from tadka.records.schema import Record, validate_record

DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024
SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def file_kind(path: Path) -> str:
    """jsonl / json / csv / parquet / hf (a saved datasets folder), or an InputError."""
    if not path.exists():
        raise InputError("no such file", file=path)
    if path.is_dir():
        if (
            (path / "dataset_info.json").exists()
            or (path / "dataset_dict.json").exists()
            or (path / "state.json").exists()
        ):
            return "hf"
        raise InputError(
            "is a directory, not a file or a saved HF dataset",
            file=path,
            field="<path>",
            hint="pass a .jsonl, .json, .csv or .parquet file, or a folder written by save_to_disk",
        )
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"unknown file type {path.suffix or '(none)'}",
            file=path,
            field="<path>",
            hint="use .jsonl, .json, .csv, .parquet or a saved HF dataset folder",
        )
    return kind


def _decode(raw: bytes, path: Path, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1})",
            file=path,
            line=line,
            field="<encoding>",
            hint="re-save the file as UTF-8",
        ) from None


def _jsonl_rows(path: Path, max_line_bytes: int) -> Iterator[tuple[int, dict]]:
    with open(path, "rb") as f:
        line_no = 0
        seen_any = False
        while True:
            raw = f.readline(max_line_bytes + 1)
            if not raw:
                break
            line_no += 1
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                size = len(raw)
                while chunk := f.readline(1 << 20):  # measure the rest without holding it
                    size += len(chunk)
                    if chunk.endswith(b"\n"):
                        break
                raise InputError(
                    f"line is {size / 2**20:.1f} MiB, over the {max_line_bytes / 2**20:.0f} MiB limit per record",
                    file=path,
                    line=line_no,
                    field="<line>",
                    hint="split it, or raise import.max_line_mb",
                )
            text = _decode(raw, path, line_no).strip()
            if not text:
                continue
            seen_any = True
            if text.startswith("\ufeff"):
                text = text[1:]
            try:
                row = json.loads(text)
            except json.JSONDecodeError as e:
                raise InputError(
                    f"invalid JSON: {e.msg} (column {e.colno})", file=path, line=line_no, field="<json>"
                ) from None
            if not isinstance(row, dict):
                raise InputError(
                    f"expected a JSON object, got {type(row).__name__}", file=path, line=line_no, field="<json>"
                )
            yield line_no, row
        if not seen_any:
            raise InputError("the file is empty (no records)", file=path, line=1, field="<file>")


def _json_rows(path: Path) -> Iterator[tuple[int, dict]]:
    raw = path.read_bytes()
    text = _decode_whole(raw, path)
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise InputError("the file is empty (no records)", file=path, line=1, field="<file>")
    offset = len(text) - len(stripped)
    decoder = json.JSONDecoder()

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    if stripped.startswith("{"):
        try:
            obj, _ = decoder.raw_decode(text, offset)
        except json.JSONDecodeError as e:
            raise InputError(f"invalid JSON: {e.msg}", file=path, line=e.lineno, field="<json>") from None
        for key in ("data", "records", "rows", "examples"):
            if isinstance(obj.get(key), list):
                # Re-scan that list for element positions.
                start = text.find("[", text.find(f'"{key}"'))
                yield from _json_array(text, start, path, decoder, line_of)
                return
        yield line_of(offset), obj
        return
    if not stripped.startswith("["):
        raise InputError(
            "expected a JSON array of records",
            file=path,
            line=line_of(offset),
            field="<json>",
            hint="JSON Lines files should end in .jsonl",
        )
    yield from _json_array(text, offset, path, decoder, line_of)


def _json_array(text, start, path, decoder, line_of) -> Iterator[tuple[int, dict]]:
    """Walk a JSON array element by element so each record's line number is known."""
    pos = start + 1
    n = len(text)
    count = 0
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            raise InputError("unterminated JSON array", file=path, line=line_of(n), field="<json>")
        if text[pos] == "]":
            break
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise InputError(
                f"invalid JSON: {e.msg} (column {e.colno})", file=path, line=e.lineno, field="<json>"
            ) from None
        if not isinstance(obj, dict):
            raise InputError(
                f"expected a JSON object, got {type(obj).__name__}", file=path, line=line_of(pos), field="<json>"
            )
        count += 1
        yield line_of(pos), obj
        pos = end
    if count == 0:
        raise InputError("the file is empty (no records)", file=path, line=line_of(start), field="<file>")


def _decode_whole(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at column {col})",
            file=path,
            line=line,
            field="<encoding>",
            hint="re-save the file as UTF-8",
        ) from None


def _csv_rows(path: Path, max_line_bytes: int) -> Iterator[tuple[int, dict]]:
    text = _decode_whole(path.read_bytes(), path)
    if not text.strip():
        raise InputError("the file is empty (no records)", file=path, line=1, field="<file>")
    csv.field_size_limit(max_line_bytes)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    try:
        columns = [c.strip() for c in (reader.fieldnames or [])]
        detect_format(columns)  # a missing column is reported before any row
    except InputError as e:
        raise e.located(file=path, line=1) from None
    reader.fieldnames = columns
    count = 0
    try:
        for row in reader:
            if None in row:
                raise InputError(
                    f"{len(row[None])} more cell(s) than header columns", file=path, line=reader.line_num, field="<row>"
                )
            count += 1
            yield reader.line_num, {k: (v if v != "" else None) for k, v in row.items()}
    except csv.Error as e:
        raise InputError(f"malformed CSV: {e}", file=path, line=reader.line_num, field="<csv>") from None
    if count == 0:
        raise InputError("no rows under the header", file=path, line=2, field="<file>")


# Columns that must be text in columnar files (Parquet, HF datasets), by name.
_TEXT_COLUMNS = ("prompt", "response", "completion", "instruction", "input", "output", "system", "lang", "status")


def _check_arrow_schema(schema, path: Path) -> None:
    import pyarrow as pa

    for name in _TEXT_COLUMNS:
        if name in schema.names:
            t = schema.field(name).type
            if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t)):
                raise InputError(f"expected a string column, got {t}", file=path, line=1, field=name)
    for name in ("messages", "conversations"):
        if name in schema.names:
            t = schema.field(name).type
            ok = pa.types.is_string(t) or pa.types.is_large_string(t)
            if pa.types.is_list(t) or pa.types.is_large_list(t):
                ok = pa.types.is_struct(t.value_type)
            if not ok:
                raise InputError(f"expected a list of turns, got {t}", file=path, line=1, field=name)


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict]]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises several types for a damaged file
        raise InputError(f"not a readable Parquet file ({type(e).__name__}: {e})", file=path, field="<file>") from None
    _check_arrow_schema(pf.schema_arrow, path)
    detect_format_located(pf.schema_arrow.names, path)
    if pf.metadata.num_rows == 0:
        raise InputError("the file is empty (no records)", file=path, line=1, field="<file>")
    row_no = 0
    for batch in pf.iter_batches(batch_size=4096):
        for row in batch.to_pylist():
            row_no += 1
            yield row_no, row


def _hf_rows(path: Path) -> Iterator[tuple[int, dict]]:
    import datasets

    try:
        ds = datasets.load_from_disk(str(path))
    except Exception as e:  # datasets raises FileNotFoundError/ValueError/ArrowInvalid for damaged folders
        raise InputError(f"not a readable saved dataset ({type(e).__name__}: {e})", file=path, field="<file>") from None
    parts = list(ds.values()) if isinstance(ds, datasets.DatasetDict) else [ds]
    row_no = 0
    for part in parts:
        _check_arrow_schema(part.data.schema, path)
        detect_format_located(part.column_names, path)
        for batch in part.data.to_batches(max_chunksize=4096):
            for row in batch.to_pylist():
                row_no += 1
                yield row_no, row
    if row_no == 0:
        raise InputError("the dataset is empty (no records)", file=path, line=1, field="<file>")


def detect_format_located(columns, path: Path) -> str:
    try:
        return detect_format(columns)
    except InputError as e:
        raise e.located(file=path, line=1) from None


def iter_rows(
    path: str | os.PathLike, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or row number, raw dict) pairs from any supported file."""
    path = Path(path)
    kind = file_kind(path)
    if kind == "jsonl":
        return _jsonl_rows(path, max_line_bytes)
    if kind == "json":
        return _json_rows(path)
    if kind == "csv":
        return _csv_rows(path, max_line_bytes)
    if kind == "parquet":
        return _parquet_rows(path)
    return _hf_rows(path)


def read_records(
    path: str | os.PathLike,
    *,
    fmt: str = "auto",
    lang: str | None = None,
    media_root: str | os.PathLike | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> Iterator[Record]:
    """Validated Records from ``path``; the first problem raises an InputError with file, line, field.

    ``lang`` fills in the language tag for rows that do not carry one. ``media_root`` is where
    relative media paths point (defaults to the input file's folder).
    """
    path = Path(path)
    root = Path(media_root) if media_root is not None else (path if path.is_dir() else path.parent)
    convert = None
    for line, row in iter_rows(path, max_line_bytes=max_line_bytes):
        try:
            if convert is None:
                convert = converter(detect_format(row.keys()) if fmt == "auto" else fmt)
            data = convert(row)
            if lang and not data.get("lang"):
                data["lang"] = lang
            if not data.get("source"):
                data["source"] = {"kind": "import"}
            yield validate_record(data, media_root=root if data.get("media") else None)
        except InputError as e:
            raise e.located(file=path, line=line) from None
