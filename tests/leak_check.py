"""Run Ansible commands at -vvvv and prove that no secret reaches what they leave behind.

A secret leaks in more shapes than its plain text: a module that logs its arguments may
quote it for a URL or escape it for JSON, a library may encode it in base64. Every search
covers these forms; a failure names the place (file and line) and the secret by its label,
never by its value.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote, quote_plus

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# A shorter secret, once encoded, would match random text (a Fernet token) by chance.
SHORTEST_SECRET = 8


def password_forms(secret: str) -> dict[str, str]:
    """Return the texts a leak of ``secret`` would show, by form: plain, base64, quoted."""
    raw = secret.encode("utf-8")
    forms = {
        "plain text": secret,
        "base64": base64.b64encode(raw).decode("ascii"),
        "URL-safe base64": base64.urlsafe_b64encode(raw).decode("ascii"),
        "URL-quoted": quote(secret, safe=""),
        "form-quoted": quote_plus(secret),
        "JSON-escaped": json.dumps(secret)[1:-1],
    }
    return unique_forms(forms)


def key_forms(key: str) -> dict[str, str]:
    """Return the texts a leak of a Fernet key would show: as kept in its file, and its bytes."""
    raw = base64.urlsafe_b64decode(key.encode("ascii"))
    forms = {
        "as kept in a key file": key,
        **password_forms(key),
        "base64 of its bytes": base64.b64encode(raw).decode("ascii"),
        "hex of its bytes": raw.hex(),
    }
    return unique_forms(forms)


def is_key(secret: str) -> bool:
    """Return whether ``secret`` reads as a Fernet key (32 bytes in URL-safe base64)."""
    try:
        return len(base64.urlsafe_b64decode(secret.encode("ascii"))) == 32 and len(secret) == 44
    except (ValueError, UnicodeEncodeError):
        return False


def unique_forms(forms: Mapping[str, str]) -> dict[str, str]:
    """Return ``forms`` with each text once, under the first form that gives it."""
    seen: dict[str, str] = {}
    for form, text in forms.items():
        seen.setdefault(text, form)
    return {form: text for text, form in seen.items()}


def device_secrets(devices: Iterable[Mapping]) -> dict[str, str]:
    """Return the passwords and enable secrets of device items (``lab.inventory()``), by label.

    A value shared by several devices is one entry, labelled with the first device's name.
    """
    names: dict[tuple[str, str], list[str]] = {}
    for device in devices:
        for field in ("password", "enable_secret"):
            if device.get(field):
                names.setdefault((field, device[field]), []).append(device["name"])
    return {
        f"the {field} of {found[0]}"
        + (f" (and {len(found) - 1} more devices)" if len(found) > 1 else ""): value
        for (field, value), found in names.items()
    }


def searched_forms(secrets: Mapping[str, str]) -> dict[str, str]:
    """Return every text to search for, labelled ``<secret> (<form>)``; one entry per text.

    A secret that is a Fernet key is searched in the forms of its bytes too.
    Raises ValueError for a secret too short to search for without matching by chance.
    """
    texts: dict[str, str] = {}
    for label, secret in secrets.items():
        if len(secret) < SHORTEST_SECRET:
            raise ValueError(f"{label} is shorter than {SHORTEST_SECRET} characters")
        forms = key_forms(secret) if is_key(secret) else password_forms(secret)
        for form, text in forms.items():
            texts.setdefault(text, f"{label} ({form})")
    return {label: text for text, label in texts.items()}


def find_leaks(sources: Mapping[str, str | bytes], secrets: Mapping[str, str]) -> list[str]:
    """Return one line per leak, ``<source>:<line>: <secret> (<form>)``, in source order."""
    forms = searched_forms(secrets)
    leaks = []
    for name, content in sources.items():
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        found = {label: form for label, form in forms.items() if form in text}
        if not found:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            leaks.extend(
                f"{name}:{number}: {label}" for label, form in found.items() if form in line
            )
    return leaks


def assert_no_leaks(sources: Mapping[str, str | bytes], secrets: Mapping[str, str]) -> None:
    """Fail, naming every source and line that holds a secret, when any does."""
    assert secrets, "no secret to search for: the search would prove nothing"
    leaks = find_leaks(sources, secrets)
    assert not leaks, "secrets leaked:\n" + "\n".join(leaks[:50])


def folder_sources(folder: Path, skip: Iterable[Path] = ()) -> dict[str, bytes]:
    """Return the content of every file under ``folder`` by path, except under ``skip``."""
    skipped = [path.resolve() for path in skip]
    return {
        str(path): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(path.resolve().is_relative_to(s) for s in skipped)
    }


def environment_secrets(env: Mapping[str, str]) -> dict[str, str]:
    """Return the store key that ``env`` gives Ansible, by label (none when it gives none)."""
    if env.get("ISP_NETWORK_SECRET_KEY"):
        return {"the store key (ISP_NETWORK_SECRET_KEY)": env["ISP_NETWORK_SECRET_KEY"]}
    key_file = Path(env.get("ISP_NETWORK_SECRET_KEY_FILE") or "/nonexistent")
    if key_file.is_file():
        return {"the store key (ISP_NETWORK_SECRET_KEY_FILE)": key_file.read_text().strip()}
    return {}


def run_verbose(
    command: list[str | Path],
    workdir: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run ``command`` with -vvvv appended, Ansible's log file and invocations on.

    A bare program name is the virtualenv's (``ansible-playbook``). Returns the finished
    run and the path of its log file, in ``workdir``.
    """
    program = str(command[0]) if "/" in str(command[0]) else str(BIN / command[0])
    handle, log = tempfile.mkstemp(prefix="ansible-", suffix=".log", dir=workdir)
    os.close(handle)
    environment = {
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        **(os.environ if env is None else env),
        "ANSIBLE_LOG_PATH": log,
        "ANSIBLE_INJECT_INVOCATION": "1",
        "ANSIBLE_NOCOLOR": "1",
    }
    run = subprocess.run(
        [program, *map(str, command[1:]), "-vvvv"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return run, Path(log)


def run_ansible(
    command: list[str | Path],
    workdir: Path,
    secrets: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run an Ansible command at -vvvv (``run_verbose``) and return it, failing on a leak.

    Its output, errors and log file are searched for every one of ``secrets`` and for the
    store key the environment gives it.
    """
    environment = os.environ if env is None else env
    run, log = run_verbose(command, workdir, environment, timeout)
    known = {**environment_secrets(environment), **(secrets or {})}
    assert_no_leaks({"stdout": run.stdout, "stderr": run.stderr, str(log): log.read_text()}, known)
    return run
