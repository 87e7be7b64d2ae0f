"""The augment stage: noised copies beside the originals, bad media to a rejects report.

For each record and each copy ``k`` the plan's text ops run in order, each with a Random seeded
from (seed, op, ``<record id>#<k>``); then, if the record has audio (image) and the plan has
audio (image) ops, the ops picked for that copy run on the decoded media and the result is written
to a new file. Nothing depends on record order or on the number of worker processes, so the same
seed gives byte-identical output with one worker or eight.

A copy keeps the original's provenance with ``kind: augment`` and ``parent_id`` → the original;
its ``ops`` list every op with its parameters. A copy identical to its original is not made.
A record whose media cannot be read (missing, corrupt, empty, too large or too long) gets no
copies and a ``media:<reason>:<kind>`` flag on the original, and a line in the rejects report;
the run goes on. Conversions that still allow noising (stereo → mono, RGBA flattened, grayscale,
downscaled) are reported too, with outcome ``converted`` or ``downscaled``.

`tadka augment`'s runs (a workspace stage, an eval file) are in :mod:`tadka.augment.stage`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tadka.augment.media import MediaError, check_not_input, output_path, resolve, stored_path
from tadka.augment.presets import Plan, build_plan
from tadka.augment.text.base import CURRENT_PACK, Tally
from tadka.lang.pack import pack_of
from tadka.records import Record

logger = logging.getLogger(__name__)
CHUNK = 256


@dataclass
class MediaSettings:
    """Where media paths point (``root``), where noised files go (``out_dir``; named in the copies
    relative to ``out_root``, which defaults to ``root``), and the limits on inputs."""

    root: str | None = None
    out_dir: str | None = None
    out_root: str | None = None
    image_max_pixels: int = 16_000_000
    image_oversize: str = "downscale"
    image_format: str = "png"
    audio_max_seconds: float = 600.0


@dataclass
class Result:
    """Originals (flagged where their media were bad) each followed by its copies, and what happened."""

    records: list[Record] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    tallies: dict[str, Tally] = field(default_factory=dict)
    copies: int = 0
    unchanged: int = 0
    rejected: int = 0

    def merge(self, other: Result) -> None:
        self.records += other.records
        self.notes += other.notes
        for name, tally in other.tallies.items():
            self.tallies.setdefault(name, Tally()).add(tally)
        self.copies += other.copies
        self.unchanged += other.unchanged
        self.rejected += other.rejected

    def summary(self, plan: Plan) -> dict[str, Any]:
        """Counts, and per text op the requested and the observed rate."""
        ops = {}
        for op in plan.text:
            t = self.tallies.get(op.name, Tally())
            ops[op.name] = {"rate": op.rate, "eligible": t.eligible, "changed": t.changed, "observed": round(t.rate, 4)}
        outcomes: dict[str, int] = {}
        for n in self.notes:
            outcomes[n["outcome"]] = outcomes.get(n["outcome"], 0) + 1
        return {
            "copies": self.copies,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "notes": outcomes,
            "text_ops": ops,
        }


def _note(record: Record, outcome: str, reason: str, detail: str = "", copy: int | None = None) -> dict[str, Any]:
    return {"id": record.id, "copy": copy, "outcome": outcome, "reason": reason, "detail": detail}


def _flagged(record: Record, flag: str) -> Record:
    return record if flag in record.flags else dataclasses.replace(record, flags=[*record.flags, flag])


def _load(record: Record, plan: Plan, media: MediaSettings) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """Decoded media the plan needs (by kind), notes about conversions, and load ops entries."""
    from tadka.ops import op_string

    loaded: dict[str, Any] = {}
    notes: list[dict[str, Any]] = []
    entries: list[str] = []
    if plan.audio and record.media.get("audio"):
        from tadka.augment.audio.io import load_audio

        audio = load_audio(resolve(media.root, record.media["audio"], "audio"), media.audio_max_seconds)
        loaded["audio"] = audio
        if audio.notes:
            notes.append(_note(record, "converted", "audio", "; ".join(audio.notes)))
            entries.append(op_string("audio:load", converted=audio.notes))
    if plan.image and record.media.get("image"):
        from tadka.augment.image.io import load_image

        pic = load_image(
            resolve(media.root, record.media["image"], "image"), media.image_max_pixels, media.image_oversize
        )
        loaded["image"] = pic
        if pic.downscaled:
            notes.append(_note(record, "downscaled", "image", pic.downscaled))
        if pic.notes:
            notes.append(_note(record, "converted", "image", "; ".join(pic.notes)))
        if pic.downscaled or pic.notes:
            entries.append(op_string("image:load", converted=pic.notes, downscaled=pic.downscaled))
    return loaded, notes, entries


def _noise_media(
    kind: str, record: Record, k: int, key: str, data: Any, plan: Plan, media: MediaSettings
) -> tuple[str, list[str]]:
    """Run the media ops picked for this copy and write the file; (stored path, ops entries).

    The file is named after the parent, the copy and a hash of the ops entries and the seed, so
    runs with other settings never write over each other's files.
    """
    if media.out_dir is None:
        raise MediaError("unsupported", kind, "no output folder for noised media")
    entries: list[str] = []
    if kind == "audio":
        from tadka.augment.audio.io import save_audio

        samples = data.samples
        for op in plan.pick_media("audio", key):
            samples, entry = op.run(samples, data.sample_rate, plan.media_rng(op, key))
            entries.append(entry)
        path = output_path(media.out_dir, record.id, k, [*entries, f"seed={plan.seed}"], "wav")
        check_not_input(path, [resolve(media.root, record.media["audio"], "audio")], kind)
        save_audio(path, samples, data.sample_rate)
    else:
        from tadka.augment.image.io import save_image

        pixels = data.pixels
        for op in plan.pick_media("image", key):
            pixels, entry = op.run(pixels, plan.media_rng(op, key))
            entries.append(entry)
        path = output_path(media.out_dir, record.id, k, [*entries, f"seed={plan.seed}"], media.image_format)
        check_not_input(path, [resolve(media.root, record.media["image"], "image")], kind)
        save_image(path, pixels, data.gray, media.image_format)
    return stored_path(media.out_root if media.out_root is not None else media.root, path), entries


def augment_record(record: Record, plan: Plan, copies: int, media: MediaSettings) -> Result:
    """The original (flagged if its media are bad) followed by up to ``copies`` noised copies."""
    result = Result(records=[record])
    try:
        loaded, notes, load_entries = _load(record, plan, media)
    except MediaError as e:
        result.records[0] = _flagged(record, e.flag)
        result.notes.append(_note(record, "rejected", e.flag, e.detail))
        result.rejected = 1
        return result
    result.notes += notes
    for k in range(copies):
        key = f"{record.id}#{k}"
        messages = record.messages
        applied: list[str] = []
        pack = CURRENT_PACK.set(pack_of(record.lang))  # ops with per-language tables use the record's pack
        try:
            for op in plan.text:  # turns are rebuilt by each op that changes them; the Record once, below
                tally = result.tallies.setdefault(op.name, Tally())
                noised = op.noise_messages(messages, op.rng(key), tally)
                if noised is not None:
                    messages = noised
                    applied.append(op.describe(copy=k))
        finally:
            CURRENT_PACK.reset(pack)
        new_media: dict[str, str] = {}
        media_ops: list[str] = list(load_entries) if loaded else []
        failed = False
        for kind, data in loaded.items():
            try:
                new_media[kind], entries = _noise_media(kind, record, k, key, data, plan, media)
            except MediaError as e:
                result.records[0] = _flagged(record, e.flag)
                result.notes.append(_note(record, "rejected", e.flag, e.detail, k))
                result.rejected = 1
                return result
            except Exception as e:
                result.notes.append(
                    _note(record, "rejected", f"media:op_failed:{kind}", f"{type(e).__name__}: {e}"[:300], k)
                )
                failed = True
                break
            media_ops += entries
        if failed:
            result.rejected = 1
            continue
        if not applied and not new_media:
            result.unchanged += 1
            continue
        result.records.append(
            Record(
                messages=[dict(m) for m in messages],
                lang=record.lang,
                media={**record.media, **new_media},
                source={**record.source, "kind": "augment", "parent_id": record.id},
                ops=[*record.ops, *applied, *media_ops],
            )
        )
        result.copies += 1
    unique: dict[str, Record] = {}  # two copies that came out the same are one record (the first kept)
    for r in result.records:
        unique.setdefault(r.id, r)
    result.records = list(unique.values())
    result.copies = len(result.records) - 1
    return result


# -- many records, in one or several processes ----------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(plan: Plan, copies: int, media: MediaSettings) -> None:
    _WORKER.update(plan=plan, copies=copies, media=media)


def _run_chunk(chunk: list[Record]) -> Result:
    out = Result()
    for record in chunk:
        out.merge(augment_record(record, _WORKER["plan"], _WORKER["copies"], _WORKER["media"]))
    return out


def _preload(plan: Plan) -> None:
    if plan.audio:
        from tadka.augment.audio.ops import audiomentations

        audiomentations()
    if plan.image:
        from tadka.augment.image.ops import albumentations

        albumentations()


def augment_records(
    records: Iterable[Record], plan: Plan, copies: int = 1, media: MediaSettings | None = None, workers: int = 1
) -> Result:
    """Every record through :func:`augment_record`, in order, in ``workers`` processes."""
    from tadka.executor import Executor
    from tadka.progress import bar

    media = media or MediaSettings()
    records = list(records)
    chunks = [records[i : i + CHUNK] for i in range(0, len(records), CHUNK)]
    total = Result()
    progress = bar(desc="augment", total=len(records))
    try:
        if workers > 1 and len(chunks) > 1:
            _preload(plan)  # import the media libraries once, before the workers fork
        run = Executor("processes", workers).map(
            _run_chunk, chunks, initializer=_init_worker, initargs=(plan, copies, media)
        )
        for r in run:
            total.merge(r)
            progress.update(len(r.records) - r.copies)
    finally:
        progress.close()
    return total


def noisy_eval(
    records: Iterable[Record],
    preset: str | None = "phone-typing",
    rate: float = 0.1,
    seed: int = 0,
    *,
    ops: Sequence[str] = (),
    roles: Sequence[str] = ("user",),
    entities: str = "lexicon",
    op_params: dict[str, dict[str, Any]] | None = None,
    media: MediaSettings | None = None,
) -> list[tuple[Record, Record]]:
    """(clean, noised) for every record, in order, for robustness evaluation.

    The noised record is copy 0 of :func:`augment_record` (deterministic in ``seed``); where nothing
    could be noised, or the media were bad, it is the clean record itself, so the pairs line up
    with the input one to one. Compare a model's answers on both to measure how often they flip.
    """
    plan = build_plan(preset, ops, rate=rate, seed=seed, roles=roles, entities=entities, op_params=op_params)
    media = media or MediaSettings()
    pairs = []
    for record in records:
        r = augment_record(record, plan, 1, media)
        pairs.append((record, r.records[1] if len(r.records) > 1 else record))
    return pairs


def write_notes(path: Path, notes: list[dict[str, Any]]) -> None:
    """The rejects report: one JSON object per line (id, copy, outcome, reason, detail)."""
    import json

    from tadka.atomic import write_text

    write_text(path, "".join(json.dumps(n, ensure_ascii=False) + "\n" for n in notes))
