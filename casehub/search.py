"""What a case can be found by: search terms made from its names, phone numbers and e-mail.

A name gives one term per word, romanized (anyascii: "Nguyễn" → "nguyen", Thai or Khmer script
to its Latin reading) and folded (case, accents, punctuation), and one term per word's sound (a
phonetic key: "Lusia" sounds like "Lucia", "Gonsales" like "González"). A phone number gives its
national number (read with the organization's country when it has no +country code), so
"33 1234 5678" finds "+52 (33) 1234-5678". An e-mail address gives itself, folded.

Terms are kept as SearchTerm rows of the case, each encrypted under the case's key with a
truncated blind index (casehub.crypto.blind_index): the server never stores a term in the clear,
and a search asks for a term's index values, then drops the false positives by decrypting the
candidates. What the extra terms reveal, and why truncation bounds it: docs/security-model.md.
"""

from __future__ import annotations

import re

import jellyfish
import phonenumbers
from anyascii import anyascii

from casehub.crypto.blind_index import normalize_phone, normalize_text
from orgs import fieldgroups

WORD, SOUND, PHONE, EMAIL = "word", "sound", "phone", "email"
GROUP_OF = {
    WORD: fieldgroups.IDENTITY,
    SOUND: fieldgroups.IDENTITY,
    PHONE: fieldgroups.CONTACT,
    EMAIL: fieldgroups.CONTACT,
}

# Spellings of Spanish names that sound alike, folded before the phonetic key: a silent initial h,
# b/v, z/s/soft c, ll/y, qu and hard gu as k, soft g as j, an initial y before a vowel as i.
_SPANISH = [
    (re.compile(r"^h(?=[aeiou])"), ""),
    (re.compile(r"ll"), "y"),
    (re.compile(r"v"), "b"),
    (re.compile(r"z"), "s"),
    (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"gu(?=[ei])"), "k"),
    (re.compile(r"g(?=[ei])"), "j"),
    (re.compile(r"^y(?=[aeiou])"), "i"),
]


def name_words(text: str) -> list[str]:
    """The words of a name as searched: romanized, folded, at least two letters, no bare numbers."""
    folded = normalize_text(anyascii(normalize_text(text))).replace("'", "")
    return [word for word in re.split(r"[^a-z0-9]+", folded) if len(word) >= 2 and not word.isdigit()]


def sound_of(word: str) -> str:
    """A phonetic key of a folded word (Metaphone after Spanish spellings are made alike)."""
    for pattern, replacement in _SPANISH:
        word = pattern.sub(replacement, word)
    return jellyfish.metaphone(word).lower() if word else ""


def word_terms(word: str) -> set[str]:
    """The terms one searched word is found by: itself, and its sound when the key says enough
    (a word with digits in it is a code, not spoken, and has no sound)."""
    terms = {f"{WORD}:{word}"}
    sound = "" if any(c.isdigit() for c in word) else sound_of(word)
    if len(sound) >= 2:
        terms.add(f"{SOUND}:{sound}")
    return terms


def national_number(text: str, country: str) -> str:
    """A phone number's national significant number, read with ``country`` when it has no +code;
    the bare digits when it does not parse."""
    try:
        digits = phonenumbers.national_significant_number(phonenumbers.parse(text, (country or "").upper() or None))
    except phonenumbers.NumberParseException:
        digits = normalize_phone(text)
    return digits


def email_term(text: str) -> str:
    folded = text.strip().casefold()
    return f"{EMAIL}:{folded}" if "@" in folded else ""


def terms_of(*, names=(), phones=(), email: str | None = None, country: str = "") -> set[str]:
    """Every term a case with these names, phone numbers and e-mail address is found by."""
    terms: set[str] = set()
    for name in names:
        for word in name_words(name):
            terms |= word_terms(word)
    for phone in phones:
        if digits := national_number(phone, country):
            terms.add(f"{PHONE}:{digits}")
    if email and (term := email_term(email)):
        terms.add(term)
    return terms


def group_of(term: str) -> str:
    return GROUP_OF[term.split(":", 1)[0]]


def reindex(case) -> None:
    """Replace the case's search terms with those of its current names, phones and e-mail."""
    from casehub.models import SearchTerm, SurvivorName, SurvivorPhone

    terms = terms_of(
        names=[name.value for name in SurvivorName.objects.filter(case=case)],
        phones=[phone.value for phone in SurvivorPhone.objects.filter(case=case)],
        email=case.email,
        country=case.organization.country,
    )
    SearchTerm.objects.filter(case=case).delete()
    SearchTerm.objects.bulk_create(
        SearchTerm(case=case, organization_id=case.organization_id, group=group_of(term), value=term)
        for term in sorted(terms)
    )
