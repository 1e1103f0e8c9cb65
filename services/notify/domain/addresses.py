"""Is a reply's sender the person we wrote to? Mailboxes as people really write them."""

from __future__ import annotations

from email.utils import parseaddr


def mailbox(address: str) -> str:
    """The mailbox an address delivers to: lower case, without a `+tag` subaddress (RFC 5233), which
    Gmail, Outlook.com, Fastmail, iCloud and most providers deliver to the untagged mailbox.
    "Pat.Lee+tfc@Example.org" -> "pat.lee@example.org"; "" for something that is not an address."""
    address = parseaddr(address)[1].strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return ""
    return f"{local.split('+', 1)[0]}@{domain}"


def same_mailbox(sender: str, invited: str) -> bool:
    """True when `sender` is `invited` written differently (case, a +tag on either side)."""
    mine = mailbox(sender)
    return bool(mine) and mine == mailbox(invited)
