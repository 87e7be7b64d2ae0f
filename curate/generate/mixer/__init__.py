"""The offline code-mixer: Hindi-frame sentences moved into a CMI band by lexicon swaps (no model).

:mod:`.codemixer` (the mixer), :mod:`.frame` (English -> a Hindi grammatical frame), :mod:`.lexicon`
(corpora/lexicon/en_hi.tsv and the verb forms), :mod:`.tokens` (tokens, tags and rendering). It is
generation's (the ``mixer`` teacher and the ``mixer-translate`` recipe use it): augment never imports curate.
"""
