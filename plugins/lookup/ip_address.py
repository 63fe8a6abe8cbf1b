# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: ip_address
short_description: The addresses an owner holds in a pool, for templates
version_added: 0.1.0
description:
  - Returns what O(owner_type) / O(owner_id) holds in each pool named in O(_terms), read
    straight from the isp.network store (no HTTP, no change ever written).
  - Allocates nothing; allocate with M(isp.network.ip_address) or M(isp.network.ip_prefix).
options:
  _terms:
    description: Names of the pools to look in.
    type: list
    elements: str
    required: true
  owner_type:
    description: The kind of owner, such as V(customer) or V(device).
    type: str
    required: true
  owner_id:
    description: The owner's identifier within its kind.
    type: str
    required: true
  form:
    description:
      - V(address) returns addresses without prefix length, V(cidr) with the pool's prefix
        length (the prefix's own for a child prefix), V(dict) the whole allocation (gateway,
        DNS servers, netmask, device, ...).
    type: str
    choices: [address, cidr, dict]
    default: address
  missing:
    description: What to do when the owner holds nothing in a pool.
    type: str
    choices: [error, skip]
    default: error
  store_url:
    description:
      - Database URL of the store; when not set, E(ISP_NETWORK_STORE_URL), then the default
        SQLite file in the user's data directory.
      - Never logged, since a PostgreSQL URL may hold a password.
    type: str
    env:
      - name: ISP_NETWORK_STORE_URL
  store_tenant:
    description:
      - Look only in the pools of this tenant (the reseller case), with the same tenant scope
        as the C(store_tenant) option of the isp.network modules. A pool of another tenant,
        or one without a tenant, is reported as not in the store.
      - When not set, E(ISP_NETWORK_TENANT); when neither is set (or both are empty), every
        pool.
    type: str
    env:
      - name: ISP_NETWORK_TENANT
    version_added: 0.1.0
seealso:
  - module: isp.network.ip_address
  - module: isp.network.ip_address_info
author:
  - isp.network maintainers (@isp-network)
"""

EXAMPLES = r"""
- name: Template the WAN address of customer 123
  ansible.builtin.debug:
    msg: >-
      {{ lookup('isp.network.ip_address', 'cust-ams1', owner_type='customer', owner_id='123') }}

- name: Every allocation of core1 in the loopback pool, as dicts
  ansible.builtin.set_fact:
    core1_loopbacks: >-
      {{ query('isp.network.ip_address', 'loopbacks', owner_type='device', owner_id='core1',
               form='dict') }}
"""

RETURN = r"""
_raw:
  description:
    - One entry per allocation the owner holds in the pools, in the order of the pools and
      then of the addresses.
  type: list
  elements: raw
  sample: [100.64.0.2]
"""

from ansible.errors import AnsibleLookupError  # noqa: E402
from ansible.plugins.lookup import LookupBase  # noqa: E402
from ansible.utils.display import Display  # noqa: E402
from ansible.utils.unsafe_proxy import wrap_var  # noqa: E402

from ansible_collections.isp.network.plugins.module_utils.errors import (  # noqa: E402
    IspNetworkError,
)

display = Display()


class LookupModule(LookupBase):
    """Read-only: what an owner holds in address pools."""

    def run(self, terms, variables=None, **kwargs):
        """Return the owner's allocations in each pool of ``terms``."""
        self.set_options(var_options=variables, direct=kwargs)
        owner_type, owner_id = self.get_option("owner_type"), str(self.get_option("owner_id"))
        form, missing = self.get_option("form"), self.get_option("missing")

        from sqlalchemy.exc import SQLAlchemyError

        from ansible_collections.isp.network.plugins.module_utils.services.ipam import (
            IPPoolService,
        )
        from ansible_collections.isp.network.plugins.module_utils.store.engine import (
            safe_url,
            session_scope,
        )
        from ansible_collections.isp.network.plugins.module_utils.store.tenancy import set_scope

        values = []
        try:
            with session_scope(self.get_option("store_url"), write=False) as session:
                set_scope(session, self.get_option("store_tenant"))
                for pool in terms:
                    held = IPPoolService.owner_addresses(session, pool, owner_id, owner_type)
                    display.vvv(
                        f"isp.network.ip_address: {owner_type} {owner_id} holds {len(held)} "
                        f"allocation(s) in pool '{pool}'"
                    )
                    if not held and missing == "error":
                        raise AnsibleLookupError(
                            f"{owner_type} {owner_id} holds no address in pool '{pool}'; "
                            "allocate one with isp.network.ip_address first, or set "
                            "missing=skip"
                        )
                    values.extend(_shape(entry, form) for entry in held)
        except IspNetworkError as exc:
            raise AnsibleLookupError(str(exc)) from None
        except SQLAlchemyError as exc:
            where = safe_url(self.get_option("store_url") or "the configured store")
            raise AnsibleLookupError(
                f"the store at {where} failed ({type(exc).__name__}); check that it is "
                "reachable, then run again"
            ) from None
        return wrap_var(values)


def _shape(entry, form):
    if form == "dict":
        return entry
    return entry["cidr"] if form == "cidr" else entry["address"]
