"""Review in the core (no streamlit): review.db and everything the app and `tadka export` read from it.

* :mod:`.config` — the ``review:`` section of tadka.yaml;
* :mod:`.db` — review.db's schema and :func:`~tadka.review.db.reviewed` (what export trains on);
* :mod:`.store` — :class:`~tadka.review.store.ReviewStore`, the one writer (optimistic concurrency);
  :mod:`.annotations` — its unversioned writes (tags, notes, claims), transaction and audit log;
* :mod:`.index`, :mod:`.queue`, :mod:`.reads` — the stage index, the queue order and the reads behind the pages;
* :mod:`.session`, :mod:`.accounts` — reviewers, sign-in and roles; :mod:`.merge` — merging two edits;
* :mod:`.agreement` — inter-annotator agreement (Cohen, Fleiss, Krippendorff).

The Streamlit app itself is :mod:`tadka.apps.review`.
"""
