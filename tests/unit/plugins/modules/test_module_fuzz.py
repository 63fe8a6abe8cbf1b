"""Every module, fed generated arguments the way Ansible feeds them, fails cleanly or succeeds.

For each module in ``plugins/modules`` (found on disk, its argument spec captured from the
module itself), hypothesis builds argument sets that mix plausible values with wrong types,
missing and unknown options, out-of-range numbers, malformed addresses and prefixes, control
characters, NUL bytes, Jinja markers, path traversal and nested junk. Each set runs through
``run_module`` (``main()`` in-process, arguments through ``patch_module_args``), and:

- the module exits through ``exit_json`` or ``fail_json``: an exception escaping ``main()``
  fails the test, and no result carries a traceback, an ``exception`` key or a stored
  password;
- a failure leaves every table of the store exactly as it was;
- a failure the collection words (anything past Ansible's own option checks) is one short
  sentence without Python reprs that names an option or a value of the task. Arguments
  that Ansible's own checks refuse (found with its ArgumentSpecValidator) fail in Ansible's
  words, which are only held to the first two rules.

The store is seeded with pools, allocations, devices with logins, a group, a template, an
intended configuration and a firmware image with a scheduled update. The device-facing
modules (config_apply, config_backup, config_compliance, device_status, firmware_upgrade,
topology_discover) are fuzzed in full: every seeded device lives on 127.0.0.1 at a port
nothing listens on, so a connection is refused at once and the test never leaves the
machine; device_status's ``port`` (used for devices without one) only takes that port or
out-of-range values. Their per-device reports (a failed task with ``results``) may record
what was tried; every other failure must leave the store unchanged. Options naming files
on the controller only ever point inside the test's folder, and ``store_url`` only takes
values that cannot create a store anywhere.
"""

from __future__ import annotations

import copy
import importlib
import json
import math
import shutil
import socket
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.pool import NullPool

from ansible_collections.isp.network.plugins.module_utils.argument_checks import (
    refused_argument,
)
from ansible_collections.isp.network.plugins.module_utils.store.engine import dispose_engines
from tests.module_runner import MODULES, ModuleFailed, run_module

MODULES_DIR = Path(__file__).resolve().parents[4] / "plugins" / "modules"
MODULE_NAMES = sorted(path.stem for path in MODULES_DIR.glob("*.py") if path.stem != "__init__")
# Their failed per-device reports may record what was tried (a backup, a failed update).
DEVICE_FACING = {
    "config_apply",
    "config_backup",
    "config_compliance",
    "device_status",
    "firmware_upgrade",
    "topology_discover",
}
# The longest failure sentence the collection may give: a value it names is shortened.
MSG_LIMIT = 400
SEED_PASSWORD = "Seed-Passw0rd!"


class SpecCaptured(Exception):
    """Raised in place of building the AnsibleModule, once its arguments are known."""

    def __init__(self, spec: dict[str, Any], options: dict[str, Any]) -> None:
        super().__init__("argument spec captured")
        self.spec = spec
        self.options = options


def captured_spec(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the argument_spec module ``name`` builds, and its other AnsibleModule options."""

    def capture(_self: Any, argument_spec: dict[str, Any], **options: Any) -> None:
        raise SpecCaptured(argument_spec, options)

    module = importlib.import_module(f"{MODULES}.{name}")
    with mock.patch.object(AnsibleModule, "__init__", capture):
        try:
            module.main()
        except SpecCaptured as captured:
            return captured.spec, captured.options
    raise AssertionError(f"module {name} never built an AnsibleModule")


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CLOSED_PORT = closed_port()


# -- the seeded store ----------------------------------------------------------------------


def seed(url: str, root: Path) -> None:
    """Fill the store at ``url`` with a little of everything the modules manage."""
    image = root / "inputs" / "isr.17.12.01.bin"
    image.write_bytes(b"isr image" * 64)
    port = CLOSED_PORT
    runs = [
        ("device", {"devices": [
            {"name": "r1", "hostname": "127.0.0.1", "port": port, "platform": "ios",
             "device_type": "router", "model": "ISR", "username": "netops",
             "password": SEED_PASSWORD, "enable_secret": SEED_PASSWORD, "groups": ["core"]},
            {"name": "r2", "hostname": "127.0.0.1", "port": port, "platform": "ios",
             "device_type": "router", "model": "ISR", "username": "netops",
             "password": SEED_PASSWORD, "groups": ["core"]},
            {"name": "sw1", "hostname": "127.0.0.1", "port": port, "device_type": "switch",
             "status": "planned"},
        ]}),
        ("ip_pool", {"name": "cust-a", "network": "10.0.0.0/24", "gateway": "10.0.0.1",
                     "reserved_ranges": ["10.0.0.240-10.0.0.254"], "site": "ams1"}),
        ("ip_pool", {"name": "agg", "network": "10.8.0.0/16", "pool_type": "container"}),
        ("ip_pool", {"name": "v6", "network": "2001:db8::/64", "vrf": "blue"}),
        ("ip_address", {"pool": "cust-a", "assigned_to_type": "circuit", "assigned_to_id": "c1",
                        "device": "r1", "hostname": "cpe-1"}),
        ("ip_prefix", {"pool": "agg", "prefix_length": 24, "assigned_to_type": "site",
                       "assigned_to_id": "ams1"}),
        ("device_group", {"name": "core", "description": "core routers",
                          "variables": {"ntp": "192.0.2.123"}}),
        ("config_template", {"name": "base", "version": "1.0.0", "platform": "ios",
                             "content": "hostname {{ hostname }}\n",
                             "variables": {"hostname": {"type": "string", "required": True}}}),
        ("config_render", {"template": "base", "store": True,
                           "devices": [{"name": "r1", "variables": {"hostname": "r1"}}]}),
        ("firmware", {"path": str(image), "version": "17.12.01", "device_type": "router",
                      "manufacturer": "cisco", "models": ["ISR"]}),
        ("firmware_update", {"device": "r2", "version": "17.12.01",
                             "scheduled_time": "2099-01-01T00:00:00"}),
    ]  # fmt: skip
    for name, args in runs:
        run_module(name, {**args, "store_url": url})


class Tables:
    """Reads every row of every table of one store, sorted, by table name."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)
        self.metadata = MetaData()
        self.metadata.reflect(self.engine)

    def dump(self) -> dict[str, list[tuple]]:
        """Return the rows of each table, sorted, by table name."""
        with self.engine.connect() as connection:
            return {
                name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for name, table in sorted(self.metadata.tables.items())
            }


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> dict[str, Any]:
    """A seeded store and firmware folder, built once; each test works on a copy."""
    root = tmp_path_factory.mktemp("fuzz-seed")
    for folder in ("state", "inputs"):
        (root / folder).mkdir()
    url = f"sqlite:///{root / 'state' / 'store.db'}"
    key = Fernet.generate_key().decode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ISP_NETWORK_SECRET_KEY", key)
        patch.setenv("ISP_NETWORK_FIRMWARE_PATH", str(root / "state" / "firmware"))
        seed(url, root)
        dispose_engines()
    tables = Tables(url)
    seeded = {"root": root, "key": key, "rows": tables.dump()}
    tables.engine.dispose()
    return seeded


class Sandbox:
    """A copy of the seeded store, the folder every path option points into, and a reset."""

    def __init__(self, seeded: dict[str, Any], folder: Path) -> None:
        self.seed_state = seeded["root"] / "state"
        self.state = folder / "state"
        self.rows = seeded["rows"]
        self.database = self.state / "store.db"
        self.url = f"sqlite:///{self.database}"
        # Relative paths resolve three levels down, so "../../../x" still stays inside.
        self.cwd = folder / "work" / "a" / "b"
        self.cwd.mkdir(parents=True)
        shutil.copytree(seeded["root"] / "inputs", folder / "work" / "inputs")
        (self.cwd / "junk.j2").write_text("{% if %}\x00\n")
        (self.cwd / "key.txt").write_text("not a key\n")
        shutil.copytree(self.seed_state, self.state)
        self.tables = Tables(self.url)
        # SQLite's data_version, read on one connection, moves when any other one commits.
        self.watch = sqlite3.connect(self.database, isolation_level=None)
        self.version = self.data_version()

    def data_version(self) -> int:
        """Return the store's data_version as this sandbox's own connection sees it."""
        return self.watch.execute("PRAGMA data_version").fetchone()[0]

    def unchanged(self) -> bool:
        """Return True when every row of the store is as seeded.

        Nothing committed since the last reset means nothing changed; otherwise every row
        is compared (a commit may leave every row as it was).
        """
        return self.data_version() == self.version or self.tables.dump() == self.rows

    def reset(self) -> None:
        """Put the seeded rows and firmware folder back, under the module's open engine."""
        with (
            closing(sqlite3.connect(self.seed_state / "store.db")) as source,
            closing(sqlite3.connect(self.database)) as target,
        ):
            source.backup(target)
        shutil.rmtree(self.state / "firmware")
        shutil.copytree(self.seed_state / "firmware", self.state / "firmware")
        self.version = self.data_version()


@pytest.fixture
def sandbox(seeded, tmp_path, monkeypatch) -> Sandbox:
    """A copy of the seeded store, chosen through the environment as Ansible would choose it."""
    box = Sandbox(seeded, tmp_path)
    monkeypatch.setenv("ISP_NETWORK_STORE_URL", box.url)
    monkeypatch.setenv("ISP_NETWORK_SECRET_KEY", seeded["key"])
    monkeypatch.setenv("ISP_NETWORK_FIRMWARE_PATH", str(box.state / "firmware"))
    monkeypatch.chdir(box.cwd)
    yield box
    box.watch.close()
    box.tables.engine.dispose()


# -- generated values ----------------------------------------------------------------------

DEVICES = ["r1", "r2", "sw1", "r9"]
CIDRS = ["10.0.0.0/24", "10.0.0.0/28", "10.8.1.0/24", "2001:db8::/64", "2001:db8:1::/120"]
ADDRESSES = ["10.0.0.7", "10.0.0.1", "10.8.0.9", "2001:db8::9", "192.0.2.53"]
TIMES = ["2026-01-01T00:00:00", "2099-01-01T00:00:00+00:00", "2020-05-01"]
CONFIGS = ["hostname r9\n", "hostname {{ hostname }}\n", "interface Gi0/1\n description up\n"]
# What a user would write for an option of this name; any other option takes DOMAIN_TEXT.
HINTS = {
    "pool": ["cust-a", "agg", "v6"],
    "device": DEVICES,
    "devices": DEVICES,
    "roots": DEVICES,
    "root": DEVICES,
    "members": DEVICES,
    "core": DEVICES,
    "name": ["cust-a", "r1", "core", "base", "new-1"],
    "group": ["core"],
    "template": ["base"],
    "version": ["1.0.0", "1.1.0", "17.12.01", "latest", "1"],
    "network": CIDRS,
    "prefix": CIDRS,
    "address": ADDRESSES,
    "gateway": ADDRESSES,
    "dns_servers": ADDRESSES,
    "ip_address": ADDRESSES,
    "hostname": ["127.0.0.1", "cpe-1", "r9.example.net"],
    "reserved_ranges": ["10.0.0.5", "10.0.0.200-10.0.0.210"],
    "since": TIMES,
    "until": TIMES,
    "scheduled_time": TIMES,
    "window_end": TIMES,
    "config": CONFIGS,
    "content": CONFIGS,
    "vrf": ["global", "blue"],
    "sha256": ["0" * 64, "abc"],
    "assigned_to_type": ["circuit", "site"],
    "assigned_to_id": ["c1", "ams1"],
    "platform": ["ios", "eos"],
    "manufacturer": ["cisco"],
    "model": ["ISR"],
    "models": ["ISR"],
    "port": [CLOSED_PORT],
}
DOMAIN_TEXT = sorted(
    {str(value) for values in HINTS.values() for value in values} | {"ams1", "Gi0/1", "x"}
)
BAD_TEXT = [
    "", " ", "r1\x00", "\x1b[31m", "\r\n", "tab\there", "\u202eevil", "\x7f",
    "{{ lookup('env', 'HOME') }}", "{% for x in y %}", "{{", "}}", "{# c", "{{ 7 * 7 }}",
    "../../../etc/passwd", "..", "/", "~", "%s%n%x", "' OR 1=1 --", "null", "None",
    "10.0.0.0/33", "10.0.0.0/8", "10.0.0.5/24", "256.1.1.1", "10.0.0", "10.0.0.1-10.0.0.0",
    "10.0.0.9-10.0.0.2", "2001:db8::/129", "::ffff:10.0.0.1", "fe80::1%eth0", "0.0.0.0/0",
    "::/0", "-1", "0", "1e999", "nan", "inf", "-inf", "9" * 40, "2026-13-45", "yesterday",
    "1970-01-01T00:00:00Z", "x" * 5000, "é" * 300, "名前", "\U0001f4a5", "a,b,,c", "[1, 2]",
    "{'a': 1}", "<class 'int'>", "1.2.3.4.5", "v1", "0.0.0",
]  # fmt: skip
TEXT = st.one_of(
    st.sampled_from(BAD_TEXT),
    st.text(max_size=30),
    st.builds("".join, st.lists(st.sampled_from(DOMAIN_TEXT + BAD_TEXT), max_size=3)),
)
INTS = st.one_of(
    st.integers(min_value=-3, max_value=5),
    st.sampled_from([-(2**63), 2**31, 2**63, 2**64, 10**30, 65536, 100000]),
)
FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 0.001, 1e308, math.nan, math.inf, -math.inf]),
)
JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), INTS, FLOATS, TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=6,
)
# Paths stay inside the test's folder: the process may run as root.
PATHS = st.one_of(
    st.sampled_from(
        [
            "../../inputs/isr.17.12.01.bin",
            "junk.j2",
            "key.txt",
            "missing.bin",
            ".",
            "..",
            "../..",
            "sub/../../junk.j2",
            "a\x00b",
            "",
            "x" * 300,
            "{{ playbook_dir }}/x",
        ]
    ),
    st.text(alphabet="ab./\\-é\x00", max_size=12).filter(lambda p: not p.startswith("/")),
)
# Store URLs that can neither reach nor create a store outside the test.
STORE_URLS = [
    "",
    "not a url",
    "mysql://u:pw@127.0.0.1/db",
    f"postgresql://u:Store-Pw@127.0.0.1:{CLOSED_PORT}/db",
    "sqlite:///{sandbox}/state/store.db/x.db",
]


def plausible(name: str, kind: str, choices: list[Any] | None) -> st.SearchStrategy[Any]:
    """Return what a user meant to write for option ``name`` of type ``kind``."""
    if choices:
        return st.sampled_from(choices)
    if kind == "path":
        return PATHS
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return st.sampled_from(HINTS.get(name, [1, 2, 5, 24, 30]))
    if kind == "float":
        return st.sampled_from([0.5, 1.0, 5.0])
    if kind == "dict":
        return st.dictionaries(st.sampled_from(["hostname", "ntp", "x"]), TEXT, max_size=2)
    return st.sampled_from(HINTS.get(name, DOMAIN_TEXT))


def malformed(name: str, kind: str, choices: list[Any] | None) -> st.SearchStrategy[Any]:
    """Return a value Ansible's type check passes that is malformed or out of range."""
    if choices:
        return st.sampled_from(choices)
    if name == "port":
        return st.sampled_from([-1, 0, 65536, 10**30])
    wrong = {
        "int": INTS,
        "float": FLOATS,
        "bool": st.booleans(),
        "path": PATHS,
        "dict": st.dictionaries(TEXT, JUNK, max_size=3),
    }
    return wrong.get(kind, TEXT)


def value_of(name: str, spec: dict[str, Any], wild: bool) -> st.SearchStrategy[Any]:
    """Return values for one option: plausible or malformed, and when ``wild`` any junk."""
    kind = spec.get("type", "str")
    if kind == "list":
        good = st.lists(element_of(name, spec, wild), min_size=1, max_size=3)
        values = [good, good, st.just([])]
    elif kind == "dict" and spec.get("options"):
        values = [options_of(spec["options"], wild)]
    else:
        choices = spec.get("choices")
        values = [plausible(name, kind, choices), malformed(name, kind, choices)]
    return st.one_of(*values, JUNK) if wild else st.one_of(*values)


def element_of(name: str, spec: dict[str, Any], wild: bool) -> st.SearchStrategy[Any]:
    """Return values for one element of list option ``name``."""
    kind = spec.get("elements", "str")
    if kind == "dict" and spec.get("options"):
        return options_of(spec["options"], wild)
    choices = spec.get("choices")
    return st.one_of(plausible(name, kind, choices), malformed(name, kind, choices))


def options_of(spec: dict[str, dict[str, Any]], wild: bool) -> st.SearchStrategy[dict]:
    """Return argument sets for ``spec``; when ``wild``, required ones may miss, unknown appear."""
    required = {
        name: value_of(name, opt, wild) for name, opt in spec.items() if opt.get("required")
    }
    optional = {
        name: value_of(name, opt, wild) for name, opt in spec.items() if not opt.get("required")
    }
    for name, option in spec.items():
        for alias in option.get("aliases", []):
            optional[alias] = value_of(name, option, wild)
    complete = st.fixed_dictionaries(required, optional=optional)
    if not wild:
        return complete
    partial = st.fixed_dictionaries({}, optional={**required, **optional})
    unknown = st.dictionaries(st.sampled_from(["bogus", "Name", "state ", "ünknown"]), JUNK)
    return st.builds(lambda args, extra: {**args, **extra}, st.one_of(complete, partial), unknown)


def arguments(spec: dict[str, Any], sandbox: Sandbox) -> st.SearchStrategy[dict[str, Any]]:
    """Return argument sets for a module, one in four wild, some with a bad store URL."""
    own = {name: option for name, option in spec.items() if name != "store_url"}
    urls = [url.format(sandbox=sandbox.state.parent) for url in STORE_URLS]
    bad_store = st.fixed_dictionaries({"store_url": st.sampled_from(urls)})
    return st.builds(
        lambda args, store: {**args, **store},
        st.sampled_from([False, False, False, True]).flatmap(lambda wild: options_of(own, wild)),
        st.one_of(*[st.just({})] * 9, bad_store),
    )


# -- the checks ----------------------------------------------------------------------------


def refused_by_ansible(args: dict[str, Any], spec: dict, options: dict[str, Any]) -> bool:
    """Return True when Ansible's own option checks refuse ``args`` (before any module code)."""
    checks = ("mutually_exclusive", "required_together", "required_one_of", "required_if")
    validator = ArgumentSpecValidator(copy.deepcopy(spec), *(options.get(c) for c in checks))
    return bool(validator.validate(copy.deepcopy(args)).error_messages)


def words_of(args: Any) -> set[str]:
    """Return every option name and value in ``args`` as text, nested ones and list items too."""
    found: set[str] = set()
    if isinstance(args, dict):
        for key, value in args.items():
            found.add(str(key))
            found |= words_of(value)
    elif isinstance(args, list):
        for value in args:
            found |= words_of(value)
    elif isinstance(args, float) and args.is_integer():
        found.update({str(args), str(int(args))})
    elif args is not None:
        text = str(args)
        found.add(text)
        found.update(text.split(","))
    return found


def names_the_input(msg: str, args: dict[str, Any], spec: dict[str, Any]) -> bool:
    """Return True when ``msg`` names an option of the module or a value of the task."""
    candidates = words_of(args) | set(spec) | words_of([o.get("aliases") for o in spec.values()])
    shown = msg.lower()
    for word in candidates:
        forms = {repr(word), f"'{word}'", f" {word} ", f" {word};", f" {word},"}
        if len(word.strip()) > 1:
            forms.update(form[:20] for form in (word.strip(), repr(word)[1:-1]))
            forms.add(word.replace("_", " "))
        if any(form.lower() in shown for form in forms):
            return True
    return False


def check_sentence(msg: Any, args: dict[str, Any], spec: dict[str, Any]) -> None:
    """Assert ``msg`` is one clear sentence about the task's input."""
    assert isinstance(msg, str) and msg.strip(), f"empty failure message for {args!r}"
    given = words_of(args)
    for noise in ("Traceback", "<class", "object at 0x", "\n"):
        if not any(noise in word for word in given):
            assert noise not in msg, f"{noise!r} in the failure message {msg!r}"
    assert len(msg) <= MSG_LIMIT, f"a failure message of {len(msg)} characters: {msg[:300]!r}"
    assert names_the_input(msg, args, spec), f"{msg!r} names no option or value of {args!r}"


def check_result(name: str, result: dict, args: dict[str, Any], spec: dict, options: dict) -> str:
    """Assert the result of one run is clean; return how it ended (ok, device, refused, failed)."""
    text = json.dumps(result)
    assert "Traceback" not in text, f"{name} returned a traceback: {text[:2000]}"
    assert "exception" not in result, f"{name} returned an exception: {result['exception']}"
    assert SEED_PASSWORD not in text, f"{name} returned a stored password"
    if not result.get("failed"):
        return "ok"
    msg = result.get("msg")
    assert isinstance(msg, str) and msg.strip(), f"{name} failed without a message: {result}"
    if name in DEVICE_FACING and result.get("results"):
        for entry in result["results"]:
            for noise in ("Traceback", "<class", "object at 0x"):
                assert noise not in json.dumps(entry), f"{noise!r} in {entry!r}"
        return "device"
    if refused_argument(args, spec) is None and refused_by_ansible(args, spec, options):
        return "refused"
    check_sentence(msg, args, spec)
    return "failed"


def run(name: str, args: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    """Run module ``name`` once; an exception escaping it fails the test, naming the input."""
    try:
        return run_module(name, args, check_mode=check_mode)
    except ModuleFailed as failed:
        return failed.result
    except Exception as exc:  # the test reports whatever escaped the module
        raise AssertionError(f"{name} raised {exc!r} for {args!r}") from exc


@pytest.mark.parametrize("name", MODULE_NAMES)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_generated_arguments_fail_cleanly(sandbox, name, data):
    spec, options = captured_spec(name)
    args = data.draw(arguments(spec, sandbox), label="args")
    check_mode = data.draw(st.booleans(), label="check_mode")

    result = run(name, args, check_mode)

    ending = check_result(name, result, args, spec, options)
    unchanged = sandbox.unchanged()
    if ending in ("refused", "failed"):
        assert unchanged, f"{name} failed but changed the store: {result['msg']}"
    if not unchanged:
        sandbox.reset()


def test_every_module_is_found_with_its_spec():
    """The modules come from the folder: a new one is fuzzed without editing this file."""
    assert len(MODULE_NAMES) >= 26
    for name in MODULE_NAMES:
        spec, _options = captured_spec(name)
        assert {"store_url", "secret_key"} <= set(spec), f"{name} lacks the store options"


def test_the_sandbox_sees_a_change_and_undoes_it(sandbox):
    """The store check is not vacuous: a committed change is seen, and a reset undoes it."""
    assert sandbox.unchanged()

    run_module("ip_pool", {"name": "cust-a", "state": "absent", "force": True})
    assert not sandbox.unchanged()

    sandbox.reset()
    assert sandbox.unchanged()
    assert run_module("ip_pool_info", {"name": ["cust-a"]})["pools"][0]["gateway"] == "10.0.0.1"
