"""Generation: seed tasks (or a stage) x recipe x teacher -> Hinglish records (`tadka generate`).

* :mod:`~tadka.curate.generate.config` — the ``generate:`` section of tadka.yaml (light: no teacher imported);
* :mod:`~tadka.curate.generate.pipeline` — the command's logic (:func:`generate`);
* :mod:`~tadka.curate.generate.teachers` — who writes the answers (registry ``teachers``: mixer, openai, vllm, hf);
* :mod:`~tadka.curate.generate.recipes` — what is asked (registry ``recipes``);
* :mod:`~tadka.curate.generate.mixer` — the offline code-mixer behind the ``mixer`` teacher.

This package's ``__init__`` imports nothing, so that reading the section stays instant.
"""
