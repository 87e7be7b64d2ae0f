"""A small curated workspace (scores, flags, media, two scripts) and AppTest helpers for the review app."""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import pytest

import tadka.apps.review
from tadka.records import Record
from tadka.workspace import Workspace

APP = Path(tadka.apps.review.__file__).parent / "app.py"

CHATS = [
    ("Mandi mein aaj tomato ka rate kya hai?", "Aaj Azadpur mandi mein tomato 20 rupaye kilo chal raha hai."),
    ("UPI PIN kaise change karu?", "App kholo, bank account select karo, phir 'Change UPI PIN' pe tap karo."),
    ("Train ka PNR status kaise check karte hain?", "IRCTC app ya website pe PNR number daal ke check karo."),
    ("Bijli ka bill online kaise bharu?", "Apne discom ki website ya kisi bhi UPI app mein 'Electricity' choose karo."),
    ("Mera phone baar baar hang ho raha hai, kya karun?", "Pehle storage check karo, phir unused apps uninstall karo."),
    ("बारिश में फसल को कैसे बचाएं?", "खेत में पानी निकलने का रास्ता बनाओ और दवा का छिड़काव बारिश के बाद करो।"),
    ("Gas cylinder ki booking kaise hoti hai?", "Registered mobile se IVRS number pe call karo ya app se book karo."),
    ("Aadhaar mein address kaise update karein?", "myAadhaar portal pe login karke document upload karo."),
    ("Bachche ke liye accha science project idea do", "Ghar pe water filter banao: bottle, ret aur koyla lagao."),
    ("Kal ka weather kaisa rahega Delhi mein?", "Kal Delhi mein halki baarish ho sakti hai, chhata saath rakhna."),
    ("Resume mein kya kya likhna chahiye?", "Naam, contact, skills, experience aur education saaf saaf likho."),
    ("Chai banane ka sahi tareeka batao", "Paani ubaalo, chai patti daalo, phir doodh aur cheeni milao."),
]


def make_records(root: Path) -> list[Record]:
    """Twelve records; quality falls with the index, so the 'quality' queue shows them in this order."""
    media = root / "media"
    media.mkdir(parents=True, exist_ok=True)
    from PIL import Image

    Image.new("RGB", (8, 8), (200, 40, 40)).save(media / "leaf.png")
    with wave.open(str(media / "question.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    out = []
    for i, (user, assistant) in enumerate(CHATS):
        out.append(
            Record(
                messages=[{"role": "user", "content": user}, {"role": "assistant", "content": assistant}],
                lang="hi-Deva" if i == 5 else "hi-Latn+en",
                media={"image": "media/leaf.png", "audio": "media/question.wav"} if i == 0 else {},
                source={"kind": "teacher" if i % 3 else "import"},
                scores={"quality": round(0.95 - i * 0.07, 2), "cmi": float(5 + i * 3)},
                flags=["too_short"] if i % 4 == 3 else (["pii:phone"] if i == 10 else []),
            )
        )
    return out


@pytest.fixture
def review_ws(tmp_path, monkeypatch) -> Workspace:
    ws = Workspace.init(tmp_path / "ws")
    ws.write_stage("curated", make_records(ws.root))
    app_args(monkeypatch, str(ws.root), "--stage", "curated")
    return ws


@pytest.fixture
def records(review_ws) -> list[Record]:
    return list(review_ws.records("curated"))


def app_args(monkeypatch, *args: str) -> None:
    """What `tadka review` hands the app after `--` (the app reads sys.argv, as under `streamlit run`)."""
    monkeypatch.setattr(sys, "argv", [str(APP), *args])


def set_config(monkeypatch, **changes) -> None:
    """Flags given to `tadka review` (``host="0.0.0.0"`` → ``--host 0.0.0.0``), on top of the fixture's."""
    extra = [a for k, v in changes.items() for a in ("--" + k.replace("_", "-"), str(v))]
    monkeypatch.setattr(sys, "argv", [*sys.argv, *extra])


def open_app(reviewer: str | None = "asha", page: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    if reviewer:
        at.query_params["reviewer"] = reviewer
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def shown_id(at) -> str | None:
    """The id of the record on the Queue page (from its header line)."""
    for md in at.markdown:
        if " · `" in md.value:
            return md.value.split("`")[1]
    return None


def click(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at
