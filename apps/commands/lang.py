"""`tadka lang …`: language ID, transliteration and code-mixing metrics on text files.

Every subcommand reads FILE (or ``-`` for standard input) one line at a time and writes one output
line per input line, so outputs line up with inputs. Undecodable bytes are replaced, empty lines
give empty results: bad input never stops a run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import click

_BATCH = 4096
_INPUT = click.File("r", encoding="utf-8", errors="replace")
pack_option = click.option("--pack", default="hi", show_default=True, help="Language pack (ISO 639-1 code).")


def _lines(stream) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\r\n")


def _batches(stream) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in _lines(stream):
        batch.append(line)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


@click.group("lang")
def command() -> None:
    """Hinglish language core: word-level language ID, transliteration, code-mixing metrics.

    \b
    Example:
      echo "kal meeting hai, please time pe aana" | tadka lang tag -
      tadka lang romanize hindi.txt > roman.txt
    """


@command.command()
@click.argument("file", type=_INPUT)
@pack_option
def tag(file, pack: str) -> None:
    """Tag every word (hi, en, ne, univ, mixed, other); one JSON object per input line.

    Output fields: tokens, tags, lang (en, hi-Deva, hi-Latn or other) and cmi (0–100).

    \b
    Example:
      echo "Mujhe kal office jaana hai" | tadka lang tag -
      {"tokens": ["Mujhe", "kal", "office", "jaana", "hai"],
       "tags": ["hi", "hi", "en", "hi", "hi"], "lang": "hi-Latn", "cmi": 20.0}
    """
    from tadka.lang import analyze_batch

    for batch in _batches(file):
        for a in analyze_batch(batch, pack=pack):
            click.echo(_json({"tokens": a.tokens, "tags": a.tags, "lang": a.lang, "cmi": round(a.cmi, 2)}))


@command.command()
@click.argument("file", type=_INPUT)
@pack_option
def romanize(file, pack: str) -> None:
    """Native script → Roman as people type it ("kya", "nahi", "samajhna"); other text kept.

    \b
    Example:
      echo "मुझे नहीं पता, कल बात करते हैं।" | tadka lang romanize -
      mujhe nahi pata, kal baat karte hain.
    """
    from tadka.lang import romanize as to_roman

    for line in _lines(file):
        click.echo(to_roman(line, pack=pack))


@command.command()
@click.argument("file", type=_INPUT)
@pack_option
@click.option("--all-words", is_flag=True, help="Convert English words too (default: only words tagged hi).")
def devanagari(file, pack: str, all_words: bool) -> None:
    """Roman Hindi → Devanagari (lexicon first, rules after); English words stay in Roman.

    \b
    Example:
      echo "mujhe nahi pata, kal phone karna" | tadka lang devanagari -
      मुझे नहीं पता, कल phone करना
    """
    from tadka.lang import to_native

    for batch in _batches(file):
        for line in batch:
            click.echo(to_native(line, pack=pack, only_native=not all_words))


@command.command()
@click.argument("file", type=_INPUT)
@pack_option
@click.option("--corpus", "corpus", is_flag=True, help="After the lines, print the corpus-level figures.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write a histogram of per-line CMI to this PNG.",
)
def metrics(file, pack: str, corpus: bool, plot: str | None) -> None:
    """Every code-mixing metric per line (CMI, Cu, M-index, I-index, entropy, burstiness …).

    \b
    Example:
      tadka lang metrics chats.txt --corpus --plot cmi.png
      {"lang": "hi-Latn", "cmi": 20.0, "cu": 30.0, "switch_points": 2, ...}
      {"corpus": {"utterances": 1200, "cc": 23.4, "cmi_mean": 14.1, ...}}
    """
    from tadka.lang import analyze_batch
    from tadka.lang.metrics import corpus_metrics, utterance_metrics

    all_tags: list[list[str]] = []
    cmis: list[float] = []
    for batch in _batches(file):
        for a in analyze_batch(batch, pack=pack):
            figures = utterance_metrics(a.tags).to_dict()
            click.echo(_json({"lang": a.lang, **figures}))
            cmis.append(figures["cmi"])
            if corpus:
                all_tags.append(a.tags)
    if corpus:
        click.echo(_json({"corpus": corpus_metrics(all_tags)}))
    if plot:
        _plot_cmi(cmis, plot)
        click.echo(f"wrote {plot}", err=True)


def _plot_cmi(cmis: list[float], path: str) -> None:
    """CMI histogram as PNG, written atomically."""
    import matplotlib

    from tadka.atomic import save_png

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=120)
    mixed = sum(1 for c in cmis if c > 0)
    # two languages reach at most 50, a third one up to 66.7
    ax.hist(cmis, bins=[i * 2.5 for i in range(41)], color="#d9822b", edgecolor="white")
    ax.set_xlim(0, max(52.5, max(cmis, default=0) + 2.5))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("CMI (Das & Gambäck 2014), 0–100")
    ax.set_ylabel("lines")
    ax.set_title(f"{len(cmis)} lines, {mixed} code-mixed")
    fig.tight_layout()
    save_png(fig, path)
