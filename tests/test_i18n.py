"""English and Spanish, and the language switcher."""

from pathlib import Path

from django.test import Client

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_a_spanish_browser_gets_the_spanish_sign_in_page(db):
    body = Client(HTTP_ACCEPT_LANGUAGE="es").get("/sign-in/").content.decode()
    assert "Iniciar sesión" in body
    assert 'lang="es"' in body


def test_the_language_switcher_changes_the_language(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "es", "next": "/sign-in/"})
    assert "Iniciar sesión" in client.get("/sign-in/").content.decode()


def test_the_spanish_catalog_has_no_untranslated_or_fuzzy_entries():
    text = CATALOG.read_text()
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""' in e and 'msgstr ""\n"' not in e and "msgid_plural" not in e]
    assert untranslated == []
    assert "#, fuzzy" not in text
