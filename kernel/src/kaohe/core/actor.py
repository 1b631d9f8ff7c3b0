"""The acting person: who runs one of the office's use cases (kaohe.office), as the audit trail
records it. The command line makes one from the office's account it acts as
(``--actor``, ``KAOHE_ACTOR``, ``[site] cli_account``; kaohe.cli.common.acting) or, on a bureau
without an office account, from the name given and the system account; a web site makes one from
its login."""

from __future__ import annotations

import getpass

import attrs


def system_account() -> str:
    """The operating system's user running kaohe ("unknown" where none can be found)."""
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


@attrs.frozen
class Actor:
    account: str
    """The account that acted: the system user at the command line, the login on a web site."""
    name: str = ""
    """The name the person gave (``--actor 考核办 张三``); empty when none was given."""

    @property
    def recorded(self) -> str:
        """What the audit trail records as the actor: the name given, else the account."""
        return self.name or self.account

    @classmethod
    def local(cls, name: str | None = None) -> Actor:
        """The person at this terminal: the system account, and the name given on the command line."""
        return cls(system_account(), name or "")
