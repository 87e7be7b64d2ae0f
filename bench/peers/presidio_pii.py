"""Run Presidio's India recognisers (and its phone, e-mail and card recognisers) over texts; print spans.

Runs in Presidio's own venv (see bench/README.md), never in tadka's: reads {"texts": [...]} as JSON on
stdin, writes [[start, end, entity, score], ...] per text as JSON on stdout.

Presidio's context words need lemmas; no spaCy model can be downloaded here, so the NLP engine is a
blank English spaCy pipeline (its tokenizer) with one component that sets each lemma to the lower-cased
token — enough for Presidio's context enhancer to see "aadhaar", "passport", "voter" next to a number.
"""

import json
import sys

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    InAadhaarRecognizer,
    InGstinRecognizer,
    InPanRecognizer,
    InPassportRecognizer,
    InVehicleRegistrationRecognizer,
    InVoterRecognizer,
    PhoneRecognizer,
)
from spacy.language import Language


@Language.component("lower_lemma")
def lower_lemma(doc):
    for token in doc:
        token.lemma_ = token.lower_
    return doc


def engine() -> AnalyzerEngine:
    nlp = spacy.blank("en")
    nlp.add_pipe("lower_lemma")
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank"}])
    nlp_engine.nlp = {"en": nlp}
    registry = RecognizerRegistry(supported_languages=["en"])
    for rec in (
        InAadhaarRecognizer(),
        InPanRecognizer(),
        InPassportRecognizer(),
        InVoterRecognizer(),
        InVehicleRegistrationRecognizer(),
        InGstinRecognizer(),
        PhoneRecognizer(),
        EmailRecognizer(),
        CreditCardRecognizer(),
    ):
        registry.add_recognizer(rec)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def main() -> None:
    texts = json.load(sys.stdin)["texts"]
    analyzer = engine()
    out = []
    for text in texts:
        results = analyzer.analyze(text=text, language="en", score_threshold=0.0)
        out.append([[r.start, r.end, r.entity_type, round(float(r.score), 4)] for r in results])
    from importlib.metadata import version

    json.dump({"presidio": version("presidio-analyzer"), "spans": out}, sys.stdout)


if __name__ == "__main__":
    main()
