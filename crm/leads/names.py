"""Company names compared the way people mean them: ``ROTOP Pharmaka GmbH`` = ``Rotop Pharmaka``."""

import re
import unicodedata

LEGAL_FORMS = {
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "ohg",
    "ug",
    "se",
    "ev",
    "gbr",
    "co",
    "kgaa",
    "ltd",
    "limited",
    "plc",
    "llc",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "company",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "ab",
    "as",
    "oy",
    "aps",
    "sl",
    "kk",
}
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise_company_name(name: str) -> str:
    """Lower-case, umlauts spelled out, accents and punctuation dropped, legal forms removed."""
    text = name.lower().translate(UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace(".", "")  # S.A. → sa, e.V. → ev
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = [word for word in text.split() if word not in LEGAL_FORMS]
    return " ".join(words) or text.strip()
