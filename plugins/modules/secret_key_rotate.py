#!/usr/bin/python
# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: secret_key_rotate
short_description: Re-encrypt every stored credential with a new secret key
version_added: 0.1.0
description:
  - Decrypts every device credential in the store with the current key (O(secret_key),
    E(ISP_NETWORK_SECRET_KEY), O(secret_key_file) or E(ISP_NETWORK_SECRET_KEY_FILE)) and
    encrypts it with the new one, in one transaction, so that either every credential moves to the
    new key or none does.
  - Writes an audit event naming both key fingerprints, never a key.
  - After the task, give every job the new key; the old one no longer opens the store.
extends_documentation_fragment:
  - isp.network.store
attributes:
  check_mode:
    support: full
    description: Checks both keys and counts the credentials; writes nothing.
  diff_mode:
    support: none
    description: Reports fingerprints and counts instead of a diff.
options:
  new_secret_key:
    description:
      - The new key (a Fernet key, 32 bytes in URL-safe base64).
      - One of O(new_secret_key) and O(new_secret_key_file) is required.
    type: str
  new_secret_key_file:
    description: Path of a file holding the new key.
    type: path
seealso:
  - module: isp.network.device
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Move the store to a new key
  isp.network.secret_key_rotate:
    secret_key_file: /etc/isp-network/old.key
    new_secret_key_file: /etc/isp-network/new.key
"""

RETURN = r"""
credentials:
  description: How many credentials were re-encrypted (or would be, in check mode).
  returned: always
  type: int
  sample: 120
old_fingerprint:
  description: Short hash of the old key, safe to show.
  returned: always
  type: str
  sample: 3f2a9c01b7de
new_fingerprint:
  description: Short hash of the new key, safe to show.
  returned: always
  type: str
  sample: 8be01d7c4a12
msg:
  description: What the task did.
  returned: always
  type: str
  sample: 120 credentials re-encrypted with the key 8be01d7c4a12
"""

from ansible_collections.isp.network.plugins.module_utils.module import (  # noqa: E402
    run_in_store,
    secret_box,
    store_module,
)


def main() -> None:
    """Run the module."""
    module = store_module(
        {
            "new_secret_key": {"type": "str", "no_log": True},
            "new_secret_key_file": {"type": "path", "no_log": False},
        },
        supports_check_mode=True,
        required_one_of=[("new_secret_key", "new_secret_key_file")],
        mutually_exclusive=[("new_secret_key", "new_secret_key_file")],
    )
    params = module.params

    def work(session):
        from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
        from ansible_collections.isp.network.plugins.module_utils.secrets import (
            SecretBox,
            rotate_secret_key,
        )

        old = secret_box(module)
        # An empty new_secret_key is a malformed key, not a missing one.
        if params["new_secret_key"] is not None:
            new = SecretBox(params["new_secret_key"], "the new_secret_key option")
        elif params["new_secret_key_file"]:
            new = SecretBox.from_file(params["new_secret_key_file"])
        else:
            raise ValidationError("give the new key in new_secret_key or new_secret_key_file")
        count = rotate_secret_key(session, old, new)
        same = old.fingerprint == new.fingerprint
        return {
            "changed": not same,
            "credentials": count,
            "old_fingerprint": old.fingerprint,
            "new_fingerprint": new.fingerprint,
            "msg": (
                f"the store already uses the key {new.fingerprint}"
                if same
                else f"{count} credentials re-encrypted with the key {new.fingerprint}"
            ),
        }

    run_in_store(module, work)


if __name__ == "__main__":
    main()
