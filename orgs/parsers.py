"""The API's JSON parser: bodies nested too deeply are a 400, never a 500."""

import codecs

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 32


def _depth_exceeds(value, limit: int) -> bool:
    """True when arrays and objects nest deeper than ``limit`` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit: a deeply nested body made the decoder raise
    RecursionError, which was a 500. (Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE never get here:
    DRF reads request.body, whose size check config.api.exception_handler answers with a 400.)
    """

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply."), code="too_deep") from None
        except ValueError:
            raise ParseError(_("The request body is not valid JSON."), code="invalid_json") from None
        if _depth_exceeds(data, MAX_DEPTH):
            raise ParseError(_("The JSON is nested too deeply."), code="too_deep")
        return data
