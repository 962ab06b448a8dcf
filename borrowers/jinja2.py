"""The Jinja2 environment of the borrower's account pages.

The account status page is the portal's busiest page, and it is long: a
stage timeline, measures, who handles the loan, numbers and contacts. The
Django template language spent about three milliseconds a request on it,
more than the rest of the request; Jinja2 compiles the same page to Python
and renders it in a small fraction of that. The account and contact-history
pages are therefore written in Jinja2 (``templates/jinja2/``), on a layout
that mirrors ``templates/base.html`` (a test keeps the two alike); every other
page stays in the Django template language.

Translatable text is written as ``{{ _("...") }}``, with placeholders filled
by ``|format(name=value)``: the form ``makemessages`` extracts from templates,
so these pages share the project's catalogues.
"""

import functools

from django.contrib.messages import get_messages
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from jinja2 import Environment, StrictUndefined

from common.templatetags.portal_format import money


def url(name: str, *args) -> str:
    return _reverse(get_urlconf(), get_script_prefix(), name, args)


@functools.lru_cache(maxsize=4096)
def _reverse(urlconf, prefix: str, name: str, args: tuple) -> str:
    """``reverse()`` remembered per process: a page links to the same dozen
    URLs on every request, and each reversal costs about 20 µs."""
    return reverse(name, args=args, urlconf=urlconf)


def account_holds(account_id: int) -> str:
    """The complaint holds on a loan, from the complaints app's own template
    (rendered and escaped there: the result is marked safe)."""
    from complaints.selectors import holds_for_account

    holds = list(holds_for_account(account=account_id))
    return render_to_string("complaints/includes/account_holds.html", {"holds": holds})


def environment(**options) -> Environment:
    # A misspelt name fails loudly instead of rendering as nothing.
    options["undefined"] = StrictUndefined
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(
        _=translation.gettext,
        url=url,
        account_holds=account_holds,
        static=static,
        get_messages=get_messages,
        get_language=translation.get_language,
    )
    env.filters.update(money=money, linebreaksbr=linebreaksbr)
    return env
