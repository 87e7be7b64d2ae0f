"""A project folder on disk: config, one HF dataset per stage, review DB, caches, runs.

A stage ``data/<stage>`` is a symlink to an immutable version folder in ``data/.versions/``. A write
builds a new version folder and swaps the link with one ``os.replace`` — atomic on POSIX — so a
reader (or a process killed mid-write) only ever sees a whole old or a whole new stage, and
``datasets.load_from_disk("data/<stage>")`` works as users expect. Writers of one stage are kept apart
by a byte-range lock on ``data/.lock`` (one byte per stage name), which the kernel releases when a
process dies, so there is never a stale lock to clean up and no lock file to create per stage.

Large stages stream: :meth:`Workspace.stage_batches` reads a stage a record batch at a time (no
memory map, no ``datasets`` import), and :meth:`Workspace.stage_writer` (:mod:`tadka.stage_writer`)
writes one batch by batch into a new version folder laid out as ``datasets.save_to_disk`` lays it out
(an Arrow stream file, ``state.json``, ``dataset_info.json``), swapped in atomically on commit — so
memory stays a batch, whatever the stage's size.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import time
import uuid
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

import pyarrow as pa

from tadka.atomic import write_text
from tadka.config import Config, load_config, render_template
from tadka.errors import WorkspaceBusy, WorkspaceError
from tadka.progress import quiet_datasets
from tadka.records import ARROW_SCHEMA, Record, from_table, to_table

if TYPE_CHECKING:
    from tadka.stage_writer import StageWriter

CONFIG_NAME = "tadka.yaml"
PIPELINE_ORDER = ("curated", "augmented", "generated", "imported", "seeds")
_STAGE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FOLDERS = ("data", "data/.versions", "cache", "runs", "exports")


def check_stage_name(name: str) -> str:
    if not _STAGE_RE.match(name or ""):
        raise WorkspaceError(
            f"invalid stage name {name!r}", field="stage", hint="lowercase letters, digits, '-' and '_'"
        )
    return name


class Workspace:
    """One tadka project folder. Every command reads and writes only inside it."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root).resolve()
        self._config: Config | None = None

    # -- finding and creating --------------------------------------------------------------
    @classmethod
    def find(cls, start: str | os.PathLike | None = None) -> "Workspace":
        """The workspace containing ``start`` (default: the current folder), like git finds a repo."""
        here = Path(start or os.getcwd()).resolve()
        if here.is_file():
            here = here.parent
        for folder in (here, *here.parents):
            if (folder / CONFIG_NAME).is_file():
                return cls(folder)
        raise WorkspaceError(
            f"no {CONFIG_NAME} in {here} or any parent folder",
            field="workspace",
            hint="run `tadka init DIR` first, or pass --workspace DIR",
        )

    @classmethod
    def init(cls, root: str | os.PathLike, *, name: str | None = None, lang: str | None = None) -> "Workspace":
        """Create the workspace folders, a commented tadka.yaml and the SQLite files; ``lang`` sets
        ``project.lang`` (checked against the language packs: ``ta-Latn+en``)."""
        from tadka.review.db import open_review_db
        from tadka.teachercache import open_teacher_cache

        root = Path(root)
        if lang:
            from tadka.lang.pack import check_lang_tag

            try:
                lang = check_lang_tag(lang)
            except ValueError as e:
                raise WorkspaceError(str(e), field="project.lang") from None
        if (root / CONFIG_NAME).exists():
            raise WorkspaceError(
                f"already a workspace ({CONFIG_NAME} exists)",
                file=root / CONFIG_NAME,
                hint="use another folder, or edit tadka.yaml",
            )
        if root.exists() and not root.is_dir():
            raise WorkspaceError("exists and is not a folder", file=root)
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "data" / ".lock").touch()
        text = render_template()
        project = name or root.resolve().name
        text = text.replace("name: tadka-project", f"name: {json.dumps(project)}", 1)
        if lang:
            text = text.replace("lang: hi-Latn+en", f"lang: {json.dumps(lang)}", 1)
        for c in (open_review_db(root / "review.db"), open_teacher_cache(root / "cache" / "teacher.db")):
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            c.close()
        write_text(root / CONFIG_NAME, text)  # last: a half-made folder is not yet a workspace
        return cls(root)

    # -- paths and config ------------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def review_db(self) -> Path:
        return self.root / "review.db"

    @property
    def teacher_db(self) -> Path:
        return self.root / "cache" / "teacher.db"

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    def stage_path(self, stage: str) -> Path:
        return self.data_dir / check_stage_name(stage)

    # -- reading stages --------------------------------------------------------------------
    def stages(self) -> list[str]:
        """Stage names present, in pipeline order first, then the rest alphabetically."""
        if not self.data_dir.is_dir():
            return []
        names = [p.name for p in self.data_dir.iterdir() if not p.name.startswith(".") and p.is_dir()]
        ordered = [s for s in reversed(PIPELINE_ORDER) if s in names]
        return ordered + sorted(n for n in names if n not in ordered)

    def has_stage(self, stage: str) -> bool:
        return self.stage_path(stage).is_dir()

    def dataset(self, stage: str):
        """The stage as a memory-mapped ``datasets.Dataset``."""
        import datasets

        path = self.stage_path(stage)
        if not path.is_dir():
            known = ", ".join(self.stages()) or "none yet"
            raise WorkspaceError(f"no stage {stage!r} (stages: {known})", file=self.data_dir, field="stage")
        if _is_empty_version(path):
            # datasets writes no Arrow file for 0 rows and then cannot load its own folder (IndexError):
            # a stage that curate emptied is still a stage, with no records.
            return datasets.Dataset(ARROW_SCHEMA.empty_table())
        return datasets.load_from_disk(str(path))

    def table(self, stage: str) -> pa.Table:
        return self.dataset(stage).data.table

    def stage_files(self, stage: str) -> list[Path]:
        """The Arrow files of a stage's current version, in row order ([] for an empty stage)."""
        path = self.stage_path(stage)
        if not path.is_dir():
            self.dataset(stage)  # raises the usual "no stage" error
        try:
            state = json.loads((path / "state.json").read_text(encoding="utf-8"))
            return [path.resolve() / f["filename"] for f in state["_data_files"]]
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise WorkspaceError(f"not a readable stage version ({e})", file=path / "state.json") from None

    def stage_batches(self, stage: str) -> Iterator[pa.Table]:
        """The stage's records as Arrow tables of up to 1,000 rows (as they were written), in order,
        read from the files rather than memory-mapped: a consumer that drops each batch holds one."""
        for path in self.stage_files(stage):
            with pa.OSFile(str(path)) as src:
                for batch in pa.ipc.open_stream(src):
                    table = pa.Table.from_batches([batch])
                    yield (
                        table
                        if table.schema.equals(ARROW_SCHEMA)
                        else table.select([f.name for f in ARROW_SCHEMA]).cast(ARROW_SCHEMA)
                    )

    def stage_table(self, stage: str) -> pa.Table:
        """The whole stage as one memory-mapped Arrow table (pages are read as they are touched),
        without ``datasets``."""
        parts = []
        for path in self.stage_files(stage):
            parts.append(pa.ipc.open_stream(pa.memory_map(str(path))).read_all())
        table = pa.concat_tables(parts) if parts else ARROW_SCHEMA.empty_table()
        return (
            table
            if table.schema.equals(ARROW_SCHEMA)
            else table.select([f.name for f in ARROW_SCHEMA]).cast(ARROW_SCHEMA)
        )

    def records(self, stage: str) -> Iterator[Record]:
        return iter(from_table(self.table(stage)))

    def latest_stage(self) -> str:
        for stage in PIPELINE_ORDER:
            if self.has_stage(stage):
                return stage
        present = self.stages()
        if present:
            return present[-1]
        raise WorkspaceError(
            "the workspace has no data yet",
            file=self.data_dir,
            field="stage",
            hint="tadka import FILE, or tadka generate",
        )

    # -- writing stages --------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, stage: str, action: str = "write") -> Iterator[None]:
        """Exclusive write lock on one stage; a second writer gets WorkspaceBusy at once."""
        check_stage_name(stage)
        lock_path = self.data_dir / ".lock"
        if not lock_path.exists():
            lock_path.touch()
        fd = os.open(lock_path, os.O_RDWR)
        offset = zlib.crc32(stage.encode()) & 0x7FFFFFFF
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset)
            except OSError:
                raise WorkspaceBusy(
                    f"workspace is busy: another tadka process is writing stage {stage!r}",
                    file=self.root,
                    field="stage",
                    hint="wait for it to finish, then retry",
                ) from None
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def write_stage(
        self, stage: str, records: Iterable[Record] | pa.Table, *, mode: str = "replace", meta: dict | None = None
    ) -> int:
        """Replace (or append to) a stage atomically; returns the number of records in it after.

        In append mode records whose id is already in the stage are skipped: importing the same file
        twice does not duplicate it.
        """
        if mode not in ("replace", "append"):
            raise WorkspaceError(f"unknown write mode {mode!r}", field="mode", hint="replace or append")
        table = records if isinstance(records, pa.Table) else to_table(records)
        table = table.cast(ARROW_SCHEMA)
        with self.lock(stage):
            return self._swap_in(stage, table, mode, meta or {})

    def stage_writer(self, stage: str, *, meta: dict | None = None) -> "StageWriter":
        """A writer that replaces ``stage`` batch by batch: ``write`` tables of the stage schema,
        then ``commit`` (the atomic swap) or ``abort``; as a context manager it commits on success
        and aborts on an exception. The stage's lock is held from here to commit or abort."""
        from tadka.stage_writer import StageWriter  # imported here: it builds on this module

        return StageWriter(self, stage, meta or {})

    def _swap_link(self, stage: str, version: Path) -> None:
        """Point ``data/<stage>`` at ``version`` with one atomic rename; drop versions no reader needs."""
        link = self.stage_path(stage)
        tmp_link = self.data_dir / f".link-{stage}.{uuid.uuid4().hex[:8]}"
        os.symlink(os.path.relpath(version, self.data_dir), tmp_link)
        previous = link.resolve() if link.is_symlink() else None
        if link.exists() and not link.is_symlink():
            tmp_link.unlink(missing_ok=True)
            raise WorkspaceError(
                "is a real folder, not a stage link", file=link, hint="move it out of data/ and import it instead"
            )
        os.replace(tmp_link, link)  # the atomic moment
        self._collect_garbage(stage, keep={version.resolve()} | ({previous} if previous else set()))

    def _swap_in(self, stage: str, table: pa.Table, mode: str, meta: dict) -> int:
        import datasets
        import pyarrow.compute as pc

        link = self.stage_path(stage)
        versions = self.data_dir / ".versions"
        versions.mkdir(parents=True, exist_ok=True)
        if mode == "append" and link.is_dir():
            old = self.table(stage).cast(ARROW_SCHEMA)
            fresh = table.filter(pc.invert(pc.is_in(table["id"], value_set=old["id"])))
            table = pa.concat_tables([old, fresh]).combine_chunks()
        table = _dedupe_ids(table)
        version = versions / f"{stage}.{time.strftime('%Y%m%dT%H%M%S')}.{uuid.uuid4().hex[:8]}"
        with quiet_datasets():
            datasets.Dataset(table).save_to_disk(str(version))
        write_text(
            version / "tadka_stage.json",
            json.dumps({"stage": stage, "rows": table.num_rows, "written_at": time.time(), **meta}, indent=2),
        )
        self._swap_link(stage, version)
        return table.num_rows

    def _collect_garbage(self, stage: str, keep: set[Path]) -> None:
        """Drop this stage's old and half-written versions (we hold its lock, so none is in use by a writer).

        The version just replaced is kept until the next write, so a reader that opened it a moment
        ago can finish.
        """
        for path in (self.data_dir / ".versions").glob(f"{stage}.*"):
            if path.resolve() not in keep:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.data_dir.glob(f".link-{stage}.*"):
            path.unlink(missing_ok=True)


def _is_empty_version(path: Path) -> bool:
    """A stage saved with 0 rows: its state.json lists no data files."""
    try:
        return not json.loads((path / "state.json").read_text(encoding="utf-8"))["_data_files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _dedupe_ids(table: pa.Table) -> pa.Table:
    """Keep the first record of each id (the same content imported twice in one file)."""
    import pyarrow.compute as pc

    ids = table["id"]
    if pc.count_distinct(ids).as_py() == table.num_rows:
        return table
    seen: set[str] = set()
    mask = []
    for value in ids.to_pylist():
        mask.append(value not in seen)
        seen.add(value)
    return table.filter(pa.array(mask))


def open_workspace(path: str | os.PathLike | None = None) -> Workspace:
    """The workspace a command works in: ``path`` itself (it must hold tadka.yaml), or, when no path is
    given, the one containing the current folder. Every command's ``-w/--workspace`` goes through here."""
    if path is None:
        return Workspace.find()
    if not (Path(path) / CONFIG_NAME).is_file():
        raise WorkspaceError(
            f"not a tadka workspace (no {CONFIG_NAME})",
            file=str(path),
            field="workspace",
            hint="run `tadka init DIR` first",
        )
    return Workspace(path)
