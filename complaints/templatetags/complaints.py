from django import template

from ..selectors import holds_for_account

register = template.Library()


@register.inclusion_tag("complaints/includes/account_holds.html")
def account_holds(account):
    """The holds in force on a loan account, for the borrower's account page."""
    return {"holds": list(holds_for_account(account=account))}
