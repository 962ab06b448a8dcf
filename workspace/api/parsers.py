"""The API's one JSON parser."""

import codecs

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json


class AgencyJSONParser(JSONParser):
    """DRF's JSON parser, with every unreadable body refused as a 400 that
    says why in the caller's language. Python's decoder raises RecursionError,
    not ValueError, for a body nested too deeply (``[[[[…`` a hundred
    thousand times): left to DRF it is a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            return json.load(
                codecs.getreader(encoding)(stream),
                parse_constant=json.strict_constant if self.strict else None,
            )
        except RecursionError:
            raise ParseError(_("The body is nested too deeply to be read as JSON.")) from None
        except json.json.JSONDecodeError as error:
            raise ParseError(
                _("The body is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            ) from None
        except ValueError:
            raise ParseError(_("The body is not valid JSON.")) from None
