"""Test settings shared by every suite: offline hubs, no progress bars, a private cache folder."""

import os

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TADKA_NO_PROGRESS", "1")
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
