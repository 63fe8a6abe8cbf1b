# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network filters (netaddr): the ones stored templates use, for playbooks too.

Each filter is documented in its own sidecar file next to this one (``<filter name>.yml``),
which is where ``ansible-doc -t filter`` reads filter documentation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ansible.errors import AnsibleFilterError

try:
    from ansible_collections.isp.network.plugins.module_utils.services.config_filters import (
        FILTERS,
    )
except ImportError as exc:
    FILTERS: dict[str, Callable[..., Any]] = {}
    IMPORT_ERROR: ImportError | None = exc
else:
    IMPORT_ERROR = None

# The filter names, known without netaddr so that ansible-doc can list the filters where the
# library is missing; tests/unit/plugins/filter/test_network.py checks them against FILTERS.
FILTER_NAMES = (
    "prefix_to_netmask",
    "netmask_to_prefix",
    "wildcard_mask",
    "ip_in_network",
    "nth_host",
    "network_address",
    "broadcast_address",
    "cidr_to_ip",
    "cidr_to_netmask",
    "prefix_length",
    "ip_with_prefix",
    "ip_version",
)


def _as_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ValidationError as exc:
            raise AnsibleFilterError(str(exc)) from None

    return run


def _missing_library(name: str, error: ImportError) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AnsibleFilterError(
            f"{name}: the isp.network network filters need the Python library netaddr "
            f"({error}); install it in the Python that runs Ansible"
        )

    return fail


class FilterModule:
    """prefix_to_netmask, netmask_to_prefix, nth_host, ip_in_network and the other filters."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        """Return the filters by name; without netaddr, each raises AnsibleFilterError when used."""
        if IMPORT_ERROR is not None:
            return {name: _missing_library(name, IMPORT_ERROR) for name in FILTER_NAMES}
        return {name: _as_filter(function) for name, function in FILTERS.items()}
