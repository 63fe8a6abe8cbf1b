# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Templates read from files: one ``.j2`` file or a folder of them, each with a sidecar YAML.

A sidecar (``base.yml`` beside ``base.j2``) gives the template's name, version, device type,
platform, description and variable schema. Inside a git checkout, each template records its
path within the checkout and the commit, suffixed ``-dirty`` when the file differs from it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError, kind_of
from ansible_collections.isp.network.plugins.module_utils.services.config_templates import (
    TemplateSpec,
)

SIDECAR_SUFFIXES = (".yml", ".yaml")
SIDECAR_KEYS = ("name", "version", "device_type", "platform", "description", "variables")
TEMPLATE_SUFFIX = ".j2"


def spec_from_file(path: str | Path, **overrides: Any) -> TemplateSpec:
    """Return a TemplateSpec read from a template file, its sidecar YAML and its git checkout.

    The sidecar (same name, ``.yml`` or ``.yaml``) may set name, version, device_type,
    platform, description and variables; non-None ``overrides`` win over it. Raises
    ValidationError when the file cannot be read, the sidecar is malformed, or the name or
    version is missing.
    """
    source = Path(path).expanduser().resolve()
    return _spec(source, str(path), _git_origins(source.parent, [source])[source], overrides)


def specs_from_folder(path: str | Path) -> list[TemplateSpec]:
    """Return a TemplateSpec for every ``*.j2`` file under folder ``path``, by relative path.

    Subfolders are read too (``templates/ios/base.j2``); hidden ones (``.git``) are not.
    Raises ValidationError naming the first file that cannot be read or whose sidecar is
    malformed, and when the folder holds no template.
    """
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise ValidationError(f"template folder {str(path)!r} is not a folder; check the path")
    files = sorted(
        (
            file
            for file in folder.rglob(f"*{TEMPLATE_SUFFIX}")
            if file.is_file()
            and not any(part.startswith(".") for part in file.relative_to(folder).parts)
        ),
        key=lambda file: file.relative_to(folder).parts,
    )
    if not files:
        raise ValidationError(
            f"template folder {str(path)!r} holds no {TEMPLATE_SUFFIX} files; check the path"
        )
    origins = _git_origins(folder, files)
    return [_spec(file, str(file), origins[file], {}) for file in files]


def _spec(
    source: Path, shown: str, origin: tuple[str, str | None], overrides: dict[str, Any]
) -> TemplateSpec:
    # ``origin``: where the file came from, its path (within its git checkout, or absolute)
    # and the commit.
    try:
        content = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            f"template file {shown!r} cannot be read ({exc.__class__.__name__}); check the path"
        ) from None

    values = {**_sidecar(source), **{k: v for k, v in overrides.items() if v is not None}}
    for required in ("name", "version"):
        if not values.get(required):
            raise ValidationError(
                f"template file {shown!r} has no {required}; set it, or add it to "
                f"{source.with_suffix('.yml').name}"
            )
    where, commit = origin
    return TemplateSpec(
        name=values["name"],
        version=values["version"],
        content=content,
        variables=values.get("variables") or {},
        device_type=values.get("device_type"),
        platform=values.get("platform"),
        description=values.get("description"),
        source_path=where,
        source_commit=commit,
    )


def _sidecar(source: Path) -> dict[str, Any]:
    import yaml

    for suffix in SIDECAR_SUFFIXES:
        candidate = source.with_suffix(suffix)
        if not candidate.is_file():
            continue
        try:
            data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ValidationError(
                f"template sidecar {str(candidate)!r} is not readable YAML "
                f"({exc.__class__.__name__}); fix it"
            ) from None
        if not isinstance(data, dict):
            raise ValidationError(f"template sidecar {str(candidate)!r} must hold a mapping")
        _check_sidecar(str(candidate), data)
        return data
    return {}


def _check_sidecar(where: str, data: dict[str, Any]) -> None:
    unknown = sorted(str(key) for key in data if key not in SIDECAR_KEYS)
    if unknown:
        raise ValidationError(
            f"template sidecar {where!r} has unknown keys {unknown}; use {list(SIDECAR_KEYS)}"
        )
    for key, value in data.items():
        if value is None:
            continue
        if key == "version" and isinstance(value, int | float) and not isinstance(value, bool):
            raise ValidationError(
                f"template sidecar {where!r} has version {value!r}, which YAML read as a "
                'number; quote it, for example version: "1.10.0"'
            )
        wanted = dict if key == "variables" else str
        if not isinstance(value, wanted):
            kind = "a mapping of variable name to type" if wanted is dict else "text"
            raise ValidationError(
                f"template sidecar {where!r} has {key} {value!r} ({kind_of(value)}); give {kind}"
            )


def _git(directory: Path, *args: str) -> str | None:
    # Services run without an AnsibleModule (inventory plugin, lookups, the Python API), so
    # there is no run_command to call; git is optional and any failure means "not in git".
    try:
        done = subprocess.run(  # pylint: disable=ansible-bad-function
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _checkout(directory: Path) -> tuple[Path, str] | None:
    # The top folder of the git checkout holding ``directory``, and its commit.
    top = _git(directory, "rev-parse", "--show-toplevel")
    commit = _git(directory, "rev-parse", "HEAD") if top else None
    return (Path(top).resolve(), commit) if top and commit else None


def _git_origins(folder: Path, files: Iterable[Path]) -> dict[Path, tuple[str, str | None]]:
    # One look at the checkout for the files of a folder: which differ from the commit (or
    # are not in it). Outside git, each file is its absolute path with no commit.
    checkout = _checkout(folder)
    if checkout is None:
        return {file: (str(file), None) for file in files}
    top, commit = checkout
    inside = str(folder.relative_to(top)) or "."
    changed = _git(top, "diff", "-z", "--name-only", "HEAD", "--", inside) or ""
    untracked = _git(top, "ls-files", "-z", "--others", "--exclude-standard", "--", inside) or ""
    dirty = set(changed.split("\0")) | set(untracked.split("\0"))
    origins = {}
    for file in files:
        relative = file.relative_to(top).as_posix()
        origins[file] = (relative, f"{commit}-dirty" if relative in dirty else commit)
    return origins
