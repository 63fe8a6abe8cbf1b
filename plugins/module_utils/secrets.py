# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Encryption of the credentials kept in the store.

Credentials are Fernet tokens made with one secret key per store. The key comes from a
module option, ``ISP_NETWORK_SECRET_KEY``, a key file option, or the file named by
``ISP_NETWORK_SECRET_KEY_FILE``, in that order. The first time a credential is stored, a
check token made with the key is kept in ``store_meta``; a different key is refused before
anything is written, so a store never holds credentials under two keys.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ansible_collections.isp.network.plugins.module_utils.errors import SecretKeyError
from ansible_collections.isp.network.plugins.module_utils.store.models.devices import (
    DeviceCredential,
    StoreMeta,
)

if TYPE_CHECKING:
    from sqlmodel import Session

SECRET_KEY_ENV = "ISP_NETWORK_SECRET_KEY"
SECRET_KEY_FILE_ENV = "ISP_NETWORK_SECRET_KEY_FILE"
KEY_CHECK_META = "secret_key_check"
_CHECK_PLAINTEXT = "isp.network secret key check"


def missing_key_error() -> SecretKeyError:
    """Return the error for "no key is configured", with every way to set one."""
    return SecretKeyError(
        f"no secret key is set; set {SECRET_KEY_ENV} or {SECRET_KEY_FILE_ENV}, or the "
        "secret_key or secret_key_file option (see docs/secrets.md to generate one)"
    )


def generate_key() -> str:
    """Return a new random secret key (a Fernet key, URL-safe base64 text)."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


class SecretBox:
    """Encrypts and decrypts credentials with one secret key; never shows the key."""

    def __init__(self, key: str, source: str = "the secret key") -> None:
        """Build a box for ``key``; raises SecretKeyError when it is not a Fernet key."""
        from cryptography.fernet import Fernet

        self.source = source
        text = key.strip()
        try:
            self._fernet = Fernet(text.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise SecretKeyError(
                f"{source} is not a valid key (it must be 32 bytes in URL-safe base64, "
                "44 characters); generate one as docs/secrets.md shows"
            ) from None
        self.fingerprint = hashlib.sha256(text.encode("ascii")).hexdigest()[:12]

    def __repr__(self) -> str:
        return f"SecretBox(fingerprint={self.fingerprint!r})"

    @classmethod
    def from_options(
        cls, secret_key: str | None = None, secret_key_file: str | None = None
    ) -> SecretBox:
        """Return a box for the first key found: option, environment, option file, env file.

        Raises SecretKeyError when no key is set, a key file cannot be read, or the key is
        malformed.
        """
        if secret_key:
            return cls(secret_key, "the secret_key option")
        if os.environ.get(SECRET_KEY_ENV):
            return cls(os.environ[SECRET_KEY_ENV], SECRET_KEY_ENV)
        if secret_key_file:
            return cls.from_file(secret_key_file)
        env_file = os.environ.get(SECRET_KEY_FILE_ENV)
        if env_file:
            return cls.from_file(env_file)
        raise missing_key_error()

    @classmethod
    def from_file(cls, path: str) -> SecretBox:
        """Return a box for the key in the file at ``path``; raises SecretKeyError."""
        return cls(_read_key_file(path), f"the key file {path!r}")

    def encrypt(self, plaintext: str) -> str:
        """Return the token for ``plaintext``."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Return the plaintext of ``token``; raises SecretKeyError when another key made it."""
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise SecretKeyError(
                f"a stored credential cannot be decrypted with {self.source} (fingerprint "
                f"{self.fingerprint}); use the key the store was encrypted with"
            ) from None

    def check_store(self, session: Session, *, write: bool = True) -> None:
        """Make sure this key is the store's key, recording it when none is recorded yet.

        Raises SecretKeyError when the store's credentials were encrypted with another key.
        With ``write=False`` an empty store is left as it is.
        """
        recorded = _read_check(session)
        if recorded is None:
            if not write:
                return
            try:
                # A savepoint, so that losing the race to record a first key leaves the
                # transaction usable and the winner's key is checked instead.
                with session.begin_nested():
                    _write_check(session, self)
                return
            except IntegrityError:
                recorded = _read_check(session) or {}

        if not self._opens(recorded.get("token", "")):
            raise SecretKeyError(
                f"{self.source} (fingerprint {self.fingerprint}) does not match the key this "
                f"store's credentials were encrypted with (fingerprint "
                f"{recorded.get('fingerprint', 'unknown')}); use that key, or rotate to a new "
                "one with isp.network.secret_key_rotate"
            )

    def _opens(self, token: str) -> bool:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode("ascii")).decode() == _CHECK_PLAINTEXT
        except (InvalidToken, UnicodeError):
            return False


def rotate_secret_key(
    session: Session, old_box: SecretBox, new_box: SecretBox, actor: str | None = None
) -> int:
    """Re-encrypt every stored credential and the key check with ``new_box``; return how many.

    Runs in the caller's transaction, so either every credential moves to the new key or
    none does, and writes one audit event. Raises SecretKeyError when ``old_box`` is not
    the store's key, ValidationError within a tenant scope; rotating to the same key
    changes nothing and returns 0.
    """
    from ansible_collections.isp.network.plugins.module_utils.services.audit import (
        AuditService,
    )
    from ansible_collections.isp.network.plugins.module_utils.store.tenancy import (
        require_no_scope,
    )

    # A scope would hide other tenants' credentials, which would then stay on the old key.
    require_no_scope(session, "rotating the secret key")
    old_box.check_store(session, write=False)
    if old_box.fingerprint == new_box.fingerprint:
        return 0
    rows = session.execute(
        select(
            DeviceCredential.device_id,
            DeviceCredential.password_token,
            DeviceCredential.enable_secret_token,
        ).where(
            DeviceCredential.password_token.is_not(None)
            | DeviceCredential.enable_secret_token.is_not(None)
        )
    ).all()

    def moved(token: str | None) -> str | None:
        return None if token is None else new_box.encrypt(old_box.decrypt(token))

    changes = [
        {
            "device_id": device_id,
            "password_token": moved(password),
            "enable_secret_token": moved(enable),
        }
        for device_id, password, enable in rows
    ]
    if changes:
        session.execute(update(DeviceCredential), changes)
    _write_check(session, new_box)
    AuditService.record(
        session,
        "secret_key.rotate",
        "secret_key",
        object_name=new_box.fingerprint,
        actor=actor,
        details={
            "credentials": len(changes),
            "old_fingerprint": old_box.fingerprint,
            "new_fingerprint": new_box.fingerprint,
        },
    )
    return len(changes)


def _read_key_file(path: str) -> str:
    try:
        return Path(path).expanduser().read_text(encoding="ascii").strip()
    except (OSError, UnicodeError) as exc:
        raise SecretKeyError(
            f"the secret key file {path!r} cannot be read ({type(exc).__name__}); check the "
            "path and its permissions"
        ) from None


def _read_check(session: Session) -> dict[str, Any] | None:
    value = session.execute(
        select(StoreMeta.value).where(StoreMeta.key == KEY_CHECK_META)
    ).scalar_one_or_none()
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return {"token": value}


def _write_check(session: Session, box: SecretBox) -> None:
    value = json.dumps({"fingerprint": box.fingerprint, "token": box.encrypt(_CHECK_PLAINTEXT)})
    row = session.get(StoreMeta, KEY_CHECK_META)
    if row is None:
        session.add(StoreMeta(key=KEY_CHECK_META, value=value))
    else:
        row.value = value
    session.flush()
