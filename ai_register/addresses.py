"""What the register accepts as a web address (http or https) and as an e-mail address: one check for every
area's services, so an API body and a page's form meet the same rule and the same words. The refusal is
marshmallow's message marked for the catalog (`apikit.Message`): the API answers its English, as it always
has, and a page shows it in the reader's language."""

from __future__ import annotations

from marshmallow import ValidationError, validate

from ai_register.apikit import N_, Message

NOT_A_WEB_ADDRESS = Message(N_("Not a valid URL."))
NOT_AN_EMAIL_ADDRESS = Message(N_("Not a valid email address."))

_WEB_ADDRESS = validate.URL(schemes={"https", "http"})
_EMAIL_ADDRESS = validate.Email()


def _passes(check, text: str) -> bool:
    try:
        check(text)
    except ValidationError:
        return False
    return True


def web_address_errors(text: str | None) -> list[str]:
    """No messages for an empty value or an http(s) address with a host; else why not."""
    return [] if not text or _passes(_WEB_ADDRESS, text) else [NOT_A_WEB_ADDRESS]


def email_address_errors(text: str | None) -> list[str]:
    """No messages for an empty value or an e-mail address; else why not."""
    return [] if not text or _passes(_EMAIL_ADDRESS, text) else [NOT_AN_EMAIL_ADDRESS]
