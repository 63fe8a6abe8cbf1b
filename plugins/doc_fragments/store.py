# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Options of every module that reads or writes the isp.network store."""

    DOCUMENTATION = r"""
options:
  store_url:
    description:
      - Database URL of the store, for example V(sqlite:////var/lib/isp-network/store.db) or
        V(postgresql://isp:secret@db.example.net/isp_network).
      - When not set, the environment variable E(ISP_NETWORK_STORE_URL) is used, and when
        that is not set either, a SQLite file C(isp-network/store.db) in the user's data
        directory.
      - The schema is created or upgraded automatically on first use.
      - The value is never logged, since a PostgreSQL URL may hold a password.
    type: str
  secret_key:
    description:
      - Key that encrypts and decrypts device credentials in the store, a Fernet key
        (32 bytes in URL-safe base64).
      - When not set, E(ISP_NETWORK_SECRET_KEY) is used, then the file named by
        O(secret_key_file) or E(ISP_NETWORK_SECRET_KEY_FILE).
      - Only needed by operations that store or use credentials.
    type: str
  secret_key_file:
    description:
      - Path of a file holding the secret key, used when O(secret_key) and
        E(ISP_NETWORK_SECRET_KEY) are not set.
      - When not set, E(ISP_NETWORK_SECRET_KEY_FILE) is used.
    type: path
  store_tenant:
    description:
      - Limit this task to one tenant's objects (the reseller case). The task then sees and
        changes only the devices and address pools whose C(tenant) is this value, and the
        addresses, prefixes, credentials, configurations and firmware updates that belong
        to them; another tenant's object is reported exactly as a missing one.
      - Objects the task creates get this tenant; a C(tenant) option naming another tenant
        fails. Objects without a tenant (shared infrastructure) are outside every scope.
      - When not set, E(ISP_NETWORK_TENANT) is used; when neither is set (or both are
        empty), the task sees every object.
      - Set it where the automation runs (an AWX credential, the environment,
        C(module_defaults)), not in the tasks of a playbook a tenant may edit.
    type: str
    version_added: 0.1.0
notes:
  - "Modules of this collection run on the controller: use them with C(connection: local) or
    C(delegate_to: localhost)."
  - Set these options once for a play with C(module_defaults) and the action group
    C(group/isp.network.store).
"""
