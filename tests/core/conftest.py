import hashlib
import os
from pathlib import Path

import pytest

from tadka.workspace import Workspace


def tree_hash(root: Path) -> str:
    """Hash of every path, symlink target and file's bytes under root (mtimes ignored)."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            p = Path(dirpath, name)
            h.update(str(p.relative_to(root)).encode())
            if p.is_symlink():
                h.update(b"->" + os.readlink(p).encode())
            elif p.is_file():
                h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace.init(tmp_path / "ws")


CHATS = [
    {
        "messages": [
            {"role": "user", "content": "Mandi mein aaj tomato ka rate kya hai?"},
            {"role": "assistant", "content": "Aaj Azadpur mandi mein tomato 20 rupaye kilo chal raha hai."},
        ]
    },
    {
        "messages": [
            {"role": "system", "content": "Tum ek helpful assistant ho."},
            {"role": "user", "content": "UPI PIN kaise change karu?"},
            {"role": "assistant", "content": "App kholo, bank account select karo, phir 'Change UPI PIN' pe tap karo."},
            {"role": "user", "content": "Aur agar PIN bhool gaya?"},
            {"role": "assistant", "content": "'Forgot PIN' choose karo aur debit card details daalo."},
        ]
    },
    {
        "messages": [
            {"role": "user", "content": "Train ka PNR status kaise check karte hain?"},
            {"role": "assistant", "content": "IRCTC app ya website pe PNR number daal ke check karo."},
        ]
    },
]
