"""The generation stage: inputs x recipe x teacher -> Hinglish Records at the target CMI band.

One loop, in the order a run would be explained: load the inputs (the shipped seed tasks, a seed
file, or a workspace stage) → ``recipe.prompt`` → ``teacher.generate`` → ``recipe.parse`` →
re-measure CMI with tadka.lang → out of band: retry once with a corrective note (a follow-up
Request; the mixer answers it with another seed and the half of the band that corrects it) → still
out: keep the record, flagged ``cmi_out_of_band`` → append to the stage.

Which input feeds request *i* is fixed by the seed (a seeded shuffle, then round after round),
and the k-th request from one input is ``recipe.prompt(input, k)``, so a run keeps the first N
distinct records of a fixed stream: the result does not depend on the batch size. Teacher errors
and unparseable answers are counted and written to reports/generate-failures.jsonl as they happen
— never lost, never a crash.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from tadka.ops import in_band
from tadka.curate.generate.config import MIXER, MIXER_RECIPE, GenerateConfig, Resolved, resolve
from tadka.curate.generate.inputs import (  # noqa: F401  (load_seed_tasks, seed_record, SEED_TASKS re-exported)
    SEED_TASKS,
    load_inputs,
    load_seed_tasks,
    request_stream,
    seed_record,
)
from tadka.curate.generate.recipes.base import Recipe, Target, recipes
from tadka.curate.generate.teachers.base import GenParams, Request, Result, Teacher, teachers
from tadka.errors import ConfigError
from tadka.records import Record
from tadka.workspace import Workspace

# The modules this stage names by default register themselves on import (explicit imports: docs/architecture.md).
import tadka.curate.generate.recipes.mixer_translate  # noqa: F401,E402
import tadka.curate.generate.teachers.mixer  # noqa: F401,E402

logger = logging.getLogger(__name__)

FAILURES = "reports/generate-failures.jsonl"
FLAG_OUT_OF_BAND = "cmi_out_of_band"
# A run stops after this many requests per record asked for (plus one batch), so inputs that
# always fail or always give the same record cannot loop forever.
MAX_REQUESTS_PER_RECORD = 3


# -- inputs ------------------------------------------------------------------------------------
def _project_pack(ws: Workspace | None) -> str:
    """The language pack the workspace's ``project.lang`` names ("ta-Latn+en" → "ta"; default "hi")."""
    from tadka.lang.pack import pack_of

    return pack_of(ws.config["project"].lang) if ws is not None else "hi"


# -- teachers and measuring --------------------------------------------------------------------
def make_teacher(name: str, cfg: GenerateConfig, ws: Workspace | None) -> Teacher:
    """A teacher by registry name: ``cls.from_config(cfg, ws)`` where the class has it, else ``cls()``."""
    cls = teachers.get(name)
    factory = getattr(cls, "from_config", None)
    return factory(cfg, ws) if callable(factory) else cls()


def measure_cmi(records: list[Record], tagger) -> list[float]:
    """CMI (0–100) of each record's user and assistant turns, tagged by ``tagger`` turn by turn."""
    from tadka.lang.metrics import cmi

    texts, owners = [], []
    for i, r in enumerate(records):
        for m in r.messages:
            if m["role"] in ("user", "assistant"):
                texts.append(m["content"])
                owners.append(i)
    tags: list[list[str]] = [[] for _ in records]
    for owner, (_, turn_tags) in zip(owners, tagger(texts) if texts else []):
        tags[owner].extend(turn_tags)
    return [cmi(t) for t in tags]


def corrective(request: Request, text: str, measured: float, band: tuple[float, float], attempt: int) -> Request:
    """The follow-up Request for an answer whose CMI came out of band."""
    lo, hi = band
    more = "fewer English words (more Hindi)" if measured > hi else "more English content words"
    note = (
        f"The Code-Mixing Index of that answer is {measured:.0f}, outside the {lo:g}-{hi:g} band. "
        f"Rewrite it with {more}, keeping Hindi grammar and the same meaning. Reply with the same JSON shape."
    )
    return Request(
        request.messages + [{"role": "assistant", "content": text}, {"role": "user", "content": note}],
        {**request.meta, "attempt": attempt, "measured_cmi": measured},
    )


# -- the run -----------------------------------------------------------------------------------
@dataclass
class GenerateResult:
    """What a run did; the CLI prints it, bench/generate.py times it."""

    requested: int
    written: int = 0
    stage_total: int = 0
    in_band: int = 0
    flagged: int = 0
    retried: int = 0
    failures: int = 0
    duplicates: int = 0
    requests: int = 0
    seconds: float = 0.0
    stage: str = "generated"
    failures_path: str = ""
    dry_run: list[Request] = field(default_factory=list)
    cost_estimate: float | None = None
    teacher: str = ""
    recipe: str = ""
    records: list[Record] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.written / self.seconds if self.seconds else 0.0


class FailureLog:
    """reports/generate-failures.jsonl, appended and flushed one failure at a time."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.count = 0
        self._fh: IO[str] | None = None

    def add(self, step: str, reason: str, request: Request | None = None, raw: str | None = None, **extra: Any) -> None:
        self.count += 1
        logger.debug("generate failure at %s: %s", step, reason)
        if self.path is None:
            return
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")
        row = {"time": time.time(), "step": step, "reason": reason, "raw": raw, **extra}
        if request is not None:
            row.update(
                {k: request.meta.get(k) for k in ("seed_id", "input_id", "index", "attempt") if k in request.meta}
            )
            row["messages"] = request.messages
        self._fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def generate(
    ws: Workspace | None,
    cfg: GenerateConfig,
    *,
    project_seed: int | None = None,
    dry_run: bool = False,
    teacher: Teacher | None = None,
    tagger=None,
    write: bool = True,
) -> GenerateResult:
    """Run the stage (see the module docstring); returns counts and, for ``dry_run``, the requests.

    ``ws`` may be None for an in-memory run (tests, benchmarks): nothing is written then.
    ``teacher`` and ``tagger`` replace the configured teacher and tadka.lang's language ID.
    """
    seed = project_seed if project_seed is not None else (ws.config["project"].seed if ws else 0)
    run = resolve(cfg, seed)
    recipe_cls = recipes.get(run.recipe)
    pack = _project_pack(ws)
    inputs, tasks = load_inputs(ws, cfg, run.domains, pack)
    target = Target(cmi=run.band, script=cfg.script, dialect=cfg.dialect, domains=run.domains, pack=pack)
    recipe: Recipe = recipe_cls(target, tasks=tasks, seed=run.seed)
    if run.teacher == MIXER and "codemix" not in recipe.prompt(inputs[0], 0).meta:
        raise ConfigError(
            f"recipe {run.recipe!r} needs a model teacher: the offline mixer answers {MIXER_RECIPE} only",
            field="generate.recipe",
            hint=f"set --model (and --base-url for a local server), or use --recipe {MIXER_RECIPE}",
        )
    params = GenParams(temperature=cfg.temperature, top_p=cfg.top_p, max_tokens=cfg.max_tokens, seed=run.seed)
    result = GenerateResult(requested=cfg.n, stage=cfg.stage, teacher=run.teacher, recipe=run.recipe)
    if dry_run:
        return _dry_run(result, run, cfg, ws, inputs, recipe, params, teacher)
    if tagger is None:
        from tadka.curate.generate.mixer.codemixer import default_tagger

        tagger = default_tagger(pack)
    own = teacher is None
    teacher = teacher or make_teacher(run.teacher, cfg, ws)
    failures = FailureLog(ws.root / FAILURES if ws is not None and write else None)
    result.failures_path = str(failures.path or "")
    existing: set[str] = set()
    if ws is not None and ws.has_stage(cfg.stage):
        existing = set(ws.table(cfg.stage)["id"].to_pylist())
    result.stage_total = len(existing)
    kept: list[Record] = []
    start = time.perf_counter()
    try:
        _loop(run, cfg, inputs, recipe, teacher, params, tagger, existing, failures, result, kept)
    finally:  # also on Ctrl-C or a teacher's fatal error: what was made is written, not lost
        failures.close()
        if own:
            teacher.close()
        result.failures = failures.count
        result.written = len(kept)
        result.in_band = sum(FLAG_OUT_OF_BAND not in r.flags for r in kept)
        result.flagged = len(kept) - result.in_band
        if ws is not None and write and kept:
            resolved = {"teacher": run.teacher, "recipe": run.recipe, "seed": run.seed, "cmi": list(run.band)}
            meta = {"generate": {**asdict(cfg), **resolved}}
            result.stage_total = ws.write_stage(cfg.stage, kept, mode="append", meta=meta)
        result.seconds = time.perf_counter() - start
    result.records = kept
    return result


def _dry_run(
    result: GenerateResult,
    run: Resolved,
    cfg: GenerateConfig,
    ws: Workspace | None,
    inputs: list[Record],
    recipe: Recipe,
    params: GenParams,
    teacher: Teacher | None,
) -> GenerateResult:
    """The first ``cfg.n`` requests of the stream, unsent, and the teacher's cost estimate for them."""
    stream = request_stream(inputs, run.seed)
    result.dry_run = [recipe.prompt(*next(stream)) for _ in range(cfg.n)]
    own = teacher is None
    teacher = teacher or make_teacher(run.teacher, cfg, ws)
    try:
        estimate = getattr(teacher, "estimate_cost", None)
        result.cost_estimate = estimate(result.dry_run, params) if callable(estimate) else None
    finally:
        if own:
            teacher.close()
    return result


def _loop(
    run: Resolved,
    cfg: GenerateConfig,
    inputs: list[Record],
    recipe: Recipe,
    teacher: Teacher,
    params: GenParams,
    tagger,
    existing: set[str],
    failures: FailureLog,
    result: GenerateResult,
    kept: list[Record],
) -> None:
    """Fill ``kept`` with up to ``cfg.n`` new records, in stream order."""
    from tadka.progress import bar

    seen = set(existing)
    stream = request_stream(inputs, run.seed)
    budget = MAX_REQUESTS_PER_RECORD * cfg.n + cfg.chunk
    label = run.teacher if not cfg.model or run.teacher == MIXER else f"{run.teacher}:{cfg.model}"
    # An annotating recipe (judge) returns its input with scores, under the input's id: an input already
    # annotated can only come back as a duplicate, so it is not asked again (with -n above the inputs, every
    # later round re-sent all of them until the budget ran out: 84 paid requests for 11 records).
    pending = {r.id for r in inputs} - seen if getattr(recipe, "annotates", False) else None
    progress = bar(desc="generate", total=cfg.n, unit="rec")
    try:
        while len(kept) < cfg.n and result.requests < budget and pending != set():
            size = min(cfg.chunk, cfg.n - len(kept), budget - result.requests)
            batch = []
            for record, k in _next_inputs(stream, size, len(inputs), pending):
                try:
                    batch.append(recipe.prompt(record, k))
                except Exception as e:  # a recipe bug on one input must not stop the run
                    failures.add("prompt", f"{type(e).__name__}: {e}", seed_id=record.source.get("seed_id"))
                result.requests += 1
            for record in _answer(batch, run, cfg.cmi_retries, teacher, recipe, params, tagger, failures, result):
                if record.id in seen:
                    result.duplicates += 1
                    continue
                if len(kept) == cfg.n:
                    break
                seen.add(record.id)
                if pending is not None:
                    pending.discard(record.id)
                if not getattr(recipe, "annotates", False):  # a judged record keeps the provenance it had
                    record.source.update(
                        {"kind": "mixer" if run.teacher == MIXER else "teacher", "teacher": label, "recipe": run.recipe}
                    )
                kept.append(record)
                progress.update(1)
            usage = getattr(teacher, "usage", None)  # the live line: req/s, tokens, USD, cache hits, failures
            if usage is not None:
                progress.set_postfix_str(usage.line(), refresh=False)
    finally:
        progress.close()
    if len(kept) < cfg.n:
        logger.warning(
            "generated %d of %d records: the inputs gave no more distinct, valid records "
            "(%d requests, %d failures, %d duplicates)",
            len(kept),
            cfg.n,
            result.requests,
            failures.count,
            result.duplicates,
        )


def _next_inputs(
    stream: Iterator[tuple[Record, int]], size: int, n_inputs: int, pending: set[str] | None
) -> list[tuple[Record, int]]:
    """The next ``size`` (input, round) pairs of the stream; with ``pending``, only inputs still in it, and
    at most one pass over the inputs (so no input comes twice in one batch and the pull always ends)."""
    if pending is None:
        return [next(stream) for _ in range(size)]
    out: list[tuple[Record, int]] = []
    for _ in range(n_inputs):
        if len(out) == size:
            break
        record, k = next(stream)
        if record.id in pending:
            out.append((record, k))
    return out


def _ask(
    requests: list[Request], teacher: Teacher, params: GenParams, recipe: Recipe, failures: FailureLog
) -> list[tuple[Request, Record, str] | None]:
    """teacher.generate then recipe.parse; one entry per request, None where it failed (and logged)."""
    if not requests:
        return []
    try:
        results = teacher.generate(requests, params)
    except Exception as e:  # a teacher that raises loses this batch, not the run
        if getattr(e, "exit_code", None) is not None:  # a TadkaError is the user's to fix: stop
            raise
        logger.warning("teacher failed on a batch of %d: %s", len(requests), e)
        results = [Result(None, error=f"{type(e).__name__}: {e}") for _ in requests]
    out: list[tuple[Request, Record, str] | None] = []
    for request, res in zip(requests, results):
        if not res.ok:
            failures.add("teacher", res.error or "no text", request, raw=res.text)
            out.append(None)
            continue
        try:
            parsed = recipe.parse(res.text or "", request)
        except Exception as e:  # a recipe bug on one answer must not stop the run
            failures.add("parse", f"{type(e).__name__}: {e}", request, raw=res.text)
            out.append(None)
            continue
        if parsed.record is None:
            failures.add("parse", parsed.reason or "unparseable", request, raw=parsed.raw or res.text)
            out.append(None)
            continue
        out.append((request, parsed.record, res.text or ""))
    return out


def _answer(
    batch: list[Request],
    run: Resolved,
    retries: int,
    teacher: Teacher,
    recipe: Recipe,
    params: GenParams,
    tagger,
    failures: FailureLog,
    result: GenerateResult,
) -> list[Record]:
    """Records for one batch, in request order: measured, retried when out of band, flagged if still out."""
    answers = _ask(batch, teacher, params, recipe, failures)
    done = [a for a in answers if a is not None]
    if not getattr(recipe, "measure_cmi", True):  # e.g. judge: it scores a record and writes no new text
        return [a[1] for a in done]
    scores = measure_cmi([a[1] for a in done], tagger)
    best: list[tuple[Record, float]] = [(a[1], s) for a, s in zip(done, scores)]
    for attempt in range(1, retries + 1):
        redo = [i for i, (_, s) in enumerate(best) if not in_band(s, run.band)]
        if not redo:
            break
        result.retried += len(redo)
        fix = getattr(recipe, "corrective", None) or corrective  # a recipe knows its own answer format
        followups = [fix(done[i][0], done[i][2], best[i][1], run.band, attempt) for i in redo]
        again = _ask(followups, teacher, params, recipe, failures)
        fresh = [(i, a) for i, a in zip(redo, again) if a is not None]
        for (i, a), s in zip(fresh, measure_cmi([a[1] for _, a in fresh], tagger)):
            if _distance(s, run.band) < _distance(best[i][1], run.band):
                best[i] = (a[1], s)
                done[i] = a
    out = []
    for record, score in best:
        record.scores["cmi"] = round(score, 2)
        if not in_band(score, run.band) and FLAG_OUT_OF_BAND not in record.flags:
            record.flags.append(FLAG_OUT_OF_BAND)
        out.append(record)
    return out


def _distance(score: float, band: tuple[float, float]) -> float:
    return max(band[0] - score, score - band[1], 0.0)
