# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network filters for templates, built on netaddr.

The same functions serve stored templates (``config_render``) and playbooks (the filter
plugins in ``plugins/filter/network.py``). Each raises ValidationError with one sentence
when its input is not what it expects.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import netaddr

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError

# Parsed addresses and networks, by their text: a template filters the same value more than
# once (an interface's address and its netmask), and many devices share values. Only the
# filters below see these objects, and they only read them.
_PARSED = 4096


@functools.lru_cache(maxsize=_PARSED)
def _parse_ip(text: str) -> netaddr.IPAddress:
    return netaddr.IPAddress(text)


@functools.lru_cache(maxsize=_PARSED)
def _parse_net(text: str) -> netaddr.IPNetwork:
    return netaddr.IPNetwork(text, expand_partial=False)


def _ip(value: Any, filter_name: str) -> netaddr.IPAddress:
    try:
        return _parse_ip(str(value).strip())
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ValidationError(f"{filter_name}: {value!r} is not an IP address") from None


def _net(value: Any, filter_name: str) -> netaddr.IPNetwork:
    try:
        return _parse_net(str(value).strip())
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ValidationError(
            f"{filter_name}: {value!r} is not an address or network in CIDR form"
        ) from None


def _length(value: Any, filter_name: str, family: int = 4) -> int:
    # A prefix length of ``family`` from a length, an IPv4 netmask or a network in CIDR form.
    text = str(value).strip().lstrip("/")
    if "/" in text:
        net = _net(text, filter_name)
        if net.version != family:
            raise ValidationError(
                f"{filter_name}: {value!r} is an IPv{net.version} network where an "
                f"IPv{family} one is needed; do not mix address families"
            )
        return net.prefixlen
    if "." in text or ":" in text:
        if family != 4:
            raise ValidationError(
                f"{filter_name}: {value!r} is a netmask where an IPv6 prefix length is needed; "
                "give the length, for example 64"
            )
        return _netmask_bits(value, filter_name)
    bits = 32 if family == 4 else 128
    if not text.isdigit() or len(text) > 3 or int(text) > bits:
        raise ValidationError(f"{filter_name}: {value!r} is not a prefix length from 0 to {bits}")
    return int(text)


def _netmask_bits(netmask: Any, filter_name: str) -> int:
    address = _ip(netmask, filter_name)
    if address.version != 4 or not address.is_netmask():
        raise ValidationError(f"{filter_name}: {netmask!r} is not an IPv4 netmask")
    return address.netmask_bits()


def _one_sentence(function: Callable[..., Any]) -> Callable[..., Any]:
    # Whatever netaddr raises on input no check above foresaw becomes the filter's sentence.
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ValidationError:
            raise
        except (netaddr.AddrFormatError, ValueError, TypeError, LookupError, ArithmeticError):
            given = ", ".join(repr(arg) for arg in (*args, *kwargs.values()))
            raise ValidationError(
                f"{function.__name__}: {given} is not a value this filter takes; see "
                f"ansible-doc -t filter isp.network.{function.__name__}"
            ) from None

    return run


@_one_sentence
def prefix_to_netmask(prefix: Any) -> str:
    """Return the IPv4 netmask of a prefix length (``24``, ``"/24"``) or of a CIDR string."""
    length = _length(prefix, "prefix_to_netmask")
    return str(_parse_net(f"0.0.0.0/{length}").netmask)


@_one_sentence
def netmask_to_prefix(netmask: Any) -> int:
    """Return the prefix length of an IPv4 netmask such as ``255.255.255.0``."""
    return _netmask_bits(netmask, "netmask_to_prefix")


@_one_sentence
def wildcard_mask(prefix: Any) -> str:
    """Return the IOS wildcard (inverse) mask of a prefix length, netmask or CIDR string."""
    length = _length(prefix, "wildcard_mask")
    return str(_parse_net(f"0.0.0.0/{length}").hostmask)


@_one_sentence
def ip_in_network(address: Any, network: Any) -> bool:
    """Return True when ``address`` lies inside ``network`` (CIDR form)."""
    return _ip(address, "ip_in_network") in _net(network, "ip_in_network")


@_one_sentence
def nth_host(network: Any, index: Any) -> str:
    """Return address number ``index`` of ``network``: 0 is the network address, -1 the last."""
    net = _net(network, "nth_host")
    try:
        return str(net[int(index)])
    except (IndexError, ValueError, TypeError):
        raise ValidationError(
            f"nth_host: {index!r} is not an index inside {net.cidr} ({net.size} addresses)"
        ) from None


@_one_sentence
def network_address(value: Any) -> str:
    """Return the network address of a CIDR string: ``10.0.0.5/24`` gives ``10.0.0.0``."""
    return str(_net(value, "network_address").network)


@_one_sentence
def broadcast_address(value: Any) -> str:
    """Return the IPv4 broadcast address of a CIDR string: ``10.0.0.5/24`` gives ``10.0.0.255``."""
    net = _net(value, "broadcast_address")
    if net.version != 4:
        raise ValidationError(f"broadcast_address: {value!r} is IPv6, which has no broadcast")
    return str(net.broadcast or net.ip)


@_one_sentence
def cidr_to_ip(value: Any) -> str:
    """Return the address part of a CIDR string: ``10.0.0.5/24`` gives ``10.0.0.5``."""
    return str(_net(value, "cidr_to_ip").ip)


@_one_sentence
def cidr_to_netmask(value: Any) -> str:
    """Return the netmask of a CIDR string: ``10.0.0.5/24`` gives ``255.255.255.0``."""
    return str(_net(value, "cidr_to_netmask").netmask)


@_one_sentence
def prefix_length(value: Any) -> int:
    """Return the prefix length of a CIDR string: ``10.0.0.5/24`` gives ``24``."""
    return _net(value, "prefix_length").prefixlen


@_one_sentence
def ip_with_prefix(address: Any, prefix: Any) -> str:
    """Return ``address/length`` from an address and a prefix length or netmask."""
    ip = _ip(address, "ip_with_prefix")
    length = _length(prefix, "ip_with_prefix", ip.version)
    return f"{ip}/{length}"


@_one_sentence
def ip_version(value: Any) -> int:
    """Return 4 or 6 for an address or a CIDR string."""
    return _net(value, "ip_version").version


FILTERS: dict[str, Callable[..., Any]] = {
    function.__name__: function
    for function in (
        prefix_to_netmask,
        netmask_to_prefix,
        wildcard_mask,
        ip_in_network,
        nth_host,
        network_address,
        broadcast_address,
        cidr_to_ip,
        cidr_to_netmask,
        prefix_length,
        ip_with_prefix,
        ip_version,
    )
}
