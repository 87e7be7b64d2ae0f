"""Package layout for setuptools.

The top-level folders are installed inside the ``tadka`` namespace and never as top-level modules:
``train``, ``curate``, ``augment`` and ``compress`` are taken on PyPI and by users' own scripts. The
list is computed here (not with ``packages.find``, which would name them ``curate``, ``train`` …).
"""

from setuptools import find_packages, setup

MAPPED = {
    "tadka": "tadka",
    "tadka.curate": "curate",
    "tadka.augment": "augment",
    "tadka.train": "train",
    "tadka.compress": "compress",
    "tadka.apps": "apps",
    "tadka.corpora": "corpora",
}
DATA = ["*.yaml", "*.tsv", "*.txt", "*.jsonl", "*.json", "*.j2", "*.md", "*.conll", "*.csv", "*.wav", "*.ftz"]

packages = []
for name, folder in MAPPED.items():
    packages.append(name)
    packages += [f"{name}.{sub}" for sub in find_packages(folder)]

setup(packages=packages, package_dir=MAPPED, package_data={"tadka.corpora": DATA + [f"**/{p}" for p in DATA], "": DATA})
