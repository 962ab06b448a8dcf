"""The Jinja2 environment of the borrower site.

Every page a borrower or a visitor of the public site sees (sign-in, loans
and their status page, contact history, caller check, preferences,
complaints, inbox, the copy of their data, the public agency pages and
scorecards, and the error pages) is a Jinja2 template in
``templates/jinja2/``, on one layout, ``base.html``. The desk (Django admin)
and the agency workspace are other sites and stay in the Django template
language. Jinja2 because the status page is the busiest page and long: the
Django template language spent about three milliseconds a request on it,
more than the rest of the request; Jinja2 compiles the page to Python and
renders it in a small fraction of that.

Translatable text is written as ``{{ _("...") }}``, with placeholders filled
by ``|format(name=value)`` (``ngettext`` for plurals): the msgids are those
Django's ``{% blocktranslate %}`` would use, so these pages share the
project's catalogues. Forms are rendered by the macros in ``forms.html``
(crispy-forms works only in the Django template language), with the widget
data prepared by ``form_widget`` below.
"""

import functools

from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms import CheckboxInput, RadioSelect, Select, Textarea
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from common.templatetags.portal_format import masked_phone, money, phone
from notices.templatetags.notices import portal_links


def url(name: str, *args) -> str:
    return _reverse(get_urlconf(), get_script_prefix(), name, args)


def request_bound() -> dict:
    """``_`` and ``url`` with the language and URL configuration of the
    request being rendered read once, for the page's context (the layout's
    context processor adds them): a page calls them sixty times, and each
    look-up of the active language or URL configuration goes through a
    context-local (a few microseconds each). Macros imported from other
    templates see the environment's globals, which look up every time."""
    language = translation.get_language()
    urlconf, prefix = get_urlconf(), get_script_prefix()

    def gettext_here(message: str) -> Markup:
        return _translated(language, message)

    def url_here(name: str, *args) -> str:
        return _reverse(urlconf, prefix, name, args)

    return {"_": gettext_here, "url": url_here}


@functools.lru_cache(maxsize=4096)
def _reverse(urlconf, prefix: str, name: str, args: tuple) -> str:
    """``reverse()`` remembered per process: a page links to the same dozen
    URLs on every request, and each reversal costs about 20 µs."""
    return reverse(name, args=args, urlconf=urlconf)


@functools.lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """``static()`` remembered per process: the collected files' hashed
    names are fixed before the processes start (each look-up walks the
    manifest and quotes the name)."""
    return static(path)


@receiver(setting_changed)
def _forget_static_urls(*, setting: str, **kwargs) -> None:
    if setting in {"STATIC_URL", "STORAGES", "STATIC_COLLECTED"}:
        static_url.cache_clear()


def holds_on(account_id: int) -> list:
    """The complaint holds on a loan, for its status page."""
    from complaints.selectors import holds_for_account

    return list(holds_for_account(account=account_id))


def gettext(message: str) -> Markup:
    """A translation is our own text and may hold markup, as in Django's
    ``{% translate %}``; what ``|format`` puts into it is escaped."""
    return _translated(translation.get_language(), message)


@functools.lru_cache(maxsize=8192)
def _translated(language: str | None, message: str) -> Markup:
    """One message in one language, remembered per process: a page says the
    same few dozen texts on every request, and the catalogues are compiled
    before the processes start and never change while they run."""
    return Markup(translation.gettext(message))  # noqa: S704 - our own catalogue


def ngettext(singular: str, plural: str, number: int) -> Markup:
    return Markup(translation.ngettext(singular, plural, number))  # noqa: S704 - our own catalogue


def colon(label) -> Markup:
    """A label and its colon as the page's language writes them: full-width
    and without a space in Chinese ("号码："), a colon and a space in English."""
    chinese = (translation.get_language() or "").startswith("zh")
    return Markup(f"{escape(label)}：" if chinese else f"{escape(label)}: ")  # noqa: S704 - escaped


def date(value, arg=None) -> str:
    """Django's ``date`` filter, in the active time zone as the Django
    template language shows it."""
    return defaultfilters.date(template_localtime(value), arg)


def time(value, arg=None) -> str:
    return defaultfilters.time(template_localtime(value), arg)


def html_attrs(attrs: dict) -> str:
    """`` name="value"`` pairs, escaped; True is a bare attribute, False and
    None leave the attribute out (as Django's widgets do)."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False and value is not None:
            parts.append(f' {name}="{escape(value)}"')
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def form_widget(field) -> dict:
    """What ``forms.html`` needs to draw one bound field: Django's own widget
    context (name, value formatted by the widget, options and option groups,
    attributes with ``required``, ``aria-invalid`` and ``aria-describedby``)
    plus ``kind``, the shape of markup. Django's widget templates are not
    rendered: the macros write the markup themselves, which is most of what
    makes them cheap."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    # A class the form gives its widget joins the one the markup gives it.
    extra = context["attrs"].pop("class", "")
    context["css"] = f" {extra}" if extra else ""
    if widget.is_hidden:
        kind = "hidden"
    elif isinstance(widget, CheckboxInput):
        kind = "checkbox"
    elif isinstance(widget, RadioSelect):
        kind = "radio"
    elif isinstance(widget, Select):
        kind = "select"
    elif isinstance(widget, Textarea):
        kind = "textarea"
    else:
        kind = "input"
    context["kind"] = kind
    # Django leaves aria-describedby off a widget drawn as a fieldset
    # (radio buttons): the fieldset carries it.
    context["fieldset_describedby"] = field.aria_describedby if field.use_fieldset else ""
    return context


def environment(**options) -> Environment:
    # A misspelt name fails loudly instead of rendering as nothing.
    options["undefined"] = StrictUndefined
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(
        _=gettext,
        ngettext=ngettext,
        url=url,
        holds_on=holds_on,
        static=static_url,
        get_messages=get_messages,
        get_language=translation.get_language,
        form_widget=form_widget,
    )
    env.filters.update(
        attrs=html_attrs,
        colon=colon,
        date=date,
        filesizeformat=defaultfilters.filesizeformat,
        linebreaksbr=defaultfilters.linebreaksbr,
        masked_phone=masked_phone,
        money=money,
        phone=phone,
        portal_links=portal_links,
        time=time,
    )
    return env
