"""Noised language-ID training text, made with tadka's own noise ops: ``python -m tadka.augment.text.lid_noise``.

Real chat spells words as no word list does — "mjhe", "psnd", "msg", "frnds", "plzzz", "yaaar" —
and tadka's augmenter already writes that noise (the ``vowels``, ``sms`` and ``elongate`` ops). This
script runs those ops over the language-ID training vocabulary and text of a language pack and
writes what they make to corpora/lid/, where tadka.lang trains its fastText models from:

* ``noised_words.tsv`` (``word  tag  source  op``): noised spellings of the pack's own (Hindi,
  Tamil) and English words
  the character model learns from (each word once through ``vowels``; every ``sms`` shorthand the
  table has for it; ``elongate`` followed by the tagger's own undoing of stretched letters, which
  leaves spellings like "yar" for "yaar"). A spelling that is also a word of the other language, or
  noise of a word of both, is left out.
* ``noised_lines.tsv`` (``label  text``): the pack's Roman training sentences (Roman Hindi, Tanglish)
  and the English ones with the three ops applied together, for the sentence classifier.

The ``sms`` op's shorthand is corpora/noise_tables/sms.tsv (English and Roman Hindi), plus the pack's
own table where it has one (:attr:`tadka.lang.pack.LanguagePack.sms`: sms_ta.tsv for Tamil, "epdi",
"enga", "sema"), read by :class:`PackSms`, the same op over the joined table.

Casing noise is not written: both models read lowercased text, and the tagger decides per line
whether capitals mean anything (tadka.lang.lid). The output is deterministic (every op seeded from
the word or line) and written atomically; tadka.lang only reads the files, so the language core
never imports this package.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
from pathlib import Path

from tadka.augment.text.elongation import Elongation
from tadka.augment.text.sms import SmsShorthand
from tadka.augment.text.vowels import VowelDrop

SEED = 13


def _rng(*parts: str) -> random.Random:
    return random.Random("\x1f".join((str(SEED), *parts)))


class PackSms(SmsShorthand):
    """The ``sms`` op over the shared table joined with a language pack's own (its rows first)."""

    def __init__(self, rate: float, table: dict[str, tuple[str, ...]]) -> None:
        super().__init__(rate)
        self.table = table

    def eligible(self, piece) -> bool:
        return piece.text.lower() in self.table

    def change(self, word: str, rng: random.Random) -> str:
        from tadka.augment.text.base import match_case

        options = self.table[word.lower()]
        pick = options[0] if len(options) == 1 or rng.random() < 2 / (len(options) + 1) else rng.choice(options[1:])
        return match_case(word, pick)


def sms_table(relpath: str = "") -> dict[str, tuple[str, ...]]:
    """The shared shorthand table, with a pack's own table (``word  shorthand``) joined in."""
    from tadka.augment.text import tables
    from tadka.lang import resources

    out = dict(tables.sms())
    if relpath:
        for row in resources.read_tsv(relpath):
            word = row.get("word", "").strip().lower()
            alts = tuple(a.strip() for a in row.get("shorthand", "").split("|") if a.strip() and a.strip() != word)
            if word and alts:
                out[word] = alts
    return out


def noised_words(
    hindi: set[str], english: set[str], own: str = "hi", sms: dict[str, tuple[str, ...]] | None = None
) -> list[tuple[str, str, str, str]]:
    """(noised word, tag, source word, op) rows for the two vocabularies (words in both left out);
    ``own`` is the pack's tag, ``sms`` the shorthand table (default: the shared one)."""
    from tadka.lang.tokenize import elongation_forms

    vowels, elongate = VowelDrop(1.0), Elongation(1.0)
    sms = sms if sms is not None else sms_table()
    rows: dict[str, tuple[str, str, str]] = {}
    clash: set[str] = set()
    known = hindi | english
    for tag, vocab, other in ((own, hindi - english, english), ("en", english - hindi, hindi)):
        for word in sorted(vocab):
            made: list[tuple[str, str]] = []
            if word.isascii() and word.isalpha():
                if len(word) >= 4 and any(ch in "aeiou" for ch in word[1:-1]):
                    made.append((vowels.change(word, _rng("vowels", word)), "vowels"))
                stretched = elongate.change(word, _rng("elongate", word))
                undone = elongation_forms(stretched)
                if undone and undone[0] != word:
                    made.append((undone[0], "elongate"))
            made += [(short, "sms") for short in sms.get(word, ()) if short.isalpha()]
            for spelling, op in made:
                if spelling == word or spelling in known or spelling in other:
                    continue
                if spelling in rows and rows[spelling][0] != tag:
                    clash.add(spelling)
                rows.setdefault(spelling, (tag, word, op))
    return [(w, *rows[w]) for w in sorted(rows) if w not in clash]


def noised_lines(
    hindi_lines: list[str], english_lines: list[str], own: str = "hi", sms: dict[str, tuple[str, ...]] | None = None
) -> list[tuple[str, str]]:
    """(label, text) for every training line the three ops change; the pack's lines are labelled
    ``<own>_latn``."""
    shorthand = SmsShorthand(0.6) if sms is None else PackSms(0.6, sms)
    ops = [VowelDrop(0.3), shorthand, Elongation(0.1)]
    out: list[tuple[str, str]] = []
    for label, lines in ((f"{own}_latn", hindi_lines), ("en", english_lines)):
        for i, line in enumerate(lines):
            text = line
            for op in ops:
                text = op.noise_text(text, _rng(op.name, label, str(i)))
            if text != line:
                out.append((label, text.replace("\t", " ")))
    return out


def _write(path: Path, header: str, rows: list[tuple[str, ...]]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(header + "\n")
            for row in rows:
                f.write("\t".join(row) + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str] | None = None) -> int:
    from tadka.lang import get_pack, resources
    from tadka.lang.lid_data import LidData

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", default="hi")
    parser.add_argument("--out", default=None, help="folder to write to (default: the corpora/lid folder)")
    args = parser.parse_args(argv)
    pack = get_pack(args.pack)
    data = LidData(pack)
    out = Path(args.out) if args.out else Path(str(resources.corpus_file(pack.lid.noised_words))).parent
    out.mkdir(parents=True, exist_ok=True)
    own_sms = getattr(pack, "sms", "")
    sms = sms_table(own_sms) if own_sms else None
    words = noised_words(set(data.own_vocab), set(data.english_vocab), pack.code, sms)
    _write(out / Path(pack.lid.noised_words).name, "word\ttag\tsource\top", words)
    lines = noised_lines(resources.read_lines(pack.lid.roman), resources.read_lines(pack.lid.english), pack.code, sms)
    _write(out / Path(pack.lid.noised_lines).name, "label\ttext", lines)
    print(f"wrote {len(words)} noised words and {len(lines)} noised lines to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
