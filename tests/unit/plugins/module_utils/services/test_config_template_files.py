"""Publishing a folder of template files: all or none, with each file's git commit."""

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.isp.network.plugins.module_utils.services.audit import AuditService
from ansible_collections.isp.network.plugins.module_utils.services.configuration import (
    ConfigurationService as Config,
)

CONTENT = "hostname {{ hostname }}\n"


def _template(folder, stem, name=None, version="1.0.0", content=CONTENT, extra=""):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.j2").write_text(content)
    (folder / f"{stem}.yml").write_text(
        f"name: {name or stem}\nversion: {version}\nplatform: ios\n"
        f"variables:\n  hostname: string\n{extra}"
    )


def _git(repo, *args):
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.net"]
    return subprocess.run([*git, *args], check=True, capture_output=True, text=True).stdout.strip()


def test_every_template_of_a_folder_and_its_subfolders_is_published(session, tmp_path):
    _template(tmp_path / "ios", "base")
    _template(tmp_path / "ios", "edge")
    _template(tmp_path / "eos", "base", name="eos-base")
    (tmp_path / "ios" / "README.md").write_text("not a template\n")
    _template(tmp_path / ".hidden", "skipped")

    first = Config.create_templates_from_folder(session, tmp_path)
    again = Config.create_templates_from_folder(session, tmp_path)

    assert [(t.name, created) for t, created in first] == [
        ("eos-base", True),
        ("base", True),
        ("edge", True),
    ]
    assert [created for _t, created in again] == [False, False, False]
    assert first[1][0].source_path == str(tmp_path / "ios" / "base.j2")
    assert len(AuditService.list_events(session, action="config_template.create")) == 3


@pytest.mark.parametrize(
    ("bad", "sentence"),
    [
        ({"content": "{% if %}"}, "has a syntax error on line 1"),
        ({"extra": "platfrom: ios\n"}, "has unknown keys ['platfrom']"),
        ({"extra": "  vlan: ipv5\n"}, "variable 'vlan' has unknown type 'ipv5'"),
        ({"content": "{{ domain }}"}, "uses variables ['domain'] that its schema does not"),
    ],
)
def test_one_bad_file_stores_nothing_from_the_folder(session, tmp_path, bad, sentence):
    _template(tmp_path, "a-good")
    _template(tmp_path, "b-bad", **bad)
    _template(tmp_path, "c-good")

    with pytest.raises(ValidationError) as raised:
        Config.create_templates_from_folder(session, tmp_path)

    assert "b-bad" in str(raised.value)
    assert sentence in str(raised.value)
    assert Config.list_templates(session) == []


def test_a_conflict_with_a_stored_version_stores_nothing(session, tmp_path):
    _template(tmp_path, "a")
    _template(tmp_path, "b")
    Config.create_templates_from_folder(session, tmp_path)
    _template(tmp_path, "a", version="1.1.0")
    (tmp_path / "b.j2").write_text("! changed\n" + CONTENT)

    with pytest.raises(ConflictError) as raised:
        Config.create_templates_from_folder(session, tmp_path)

    # A long path is shown by its start and end (errors.one_line), so only its end is sure.
    assert str(raised.value).startswith("template file '")
    assert str(raised.value).endswith(
        "b.j2': template 'b' version 1.0.0 already exists with other content; publish it as a "
        "new version; nothing was published"
    )
    assert [t.version for t in Config.list_templates(session, "a")] == ["1.0.0"]


def test_two_files_with_the_same_name_and_version_are_refused(session, tmp_path):
    _template(tmp_path, "a", name="same")
    _template(tmp_path, "b", name="same")

    with pytest.raises(ValidationError, match=r"'.*a\.j2' and template file '.*b\.j2' are both"):
        Config.create_templates_from_folder(session, tmp_path)

    assert Config.list_templates(session) == []


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (lambda path: None, "is not a folder; check the path"),
        (lambda path: path.mkdir(), "holds no .j2 files; check the path"),
    ],
)
def test_a_missing_or_empty_folder_is_refused(session, tmp_path, make, sentence):
    make(tmp_path / "t")

    with pytest.raises(ValidationError, match=sentence):
        Config.create_templates_from_folder(session, tmp_path / "t")


def test_a_folder_in_a_git_checkout_records_each_files_commit(session, tmp_path):
    repo = tmp_path / "repo"
    _template(repo / "templates" / "ios", "base")
    _template(repo / "templates" / "ios", "edge")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "templates")
    head = _git(repo, "rev-parse", "HEAD")
    (repo / "templates" / "ios" / "edge.j2").write_text("! edited\n" + CONTENT)
    _template(repo / "templates" / "ios", "new")

    published = Config.create_templates_from_folder(session, repo / "templates")

    assert [(t.source_path, t.source_commit) for t, _created in published] == [
        ("templates/ios/base.j2", head),
        ("templates/ios/edge.j2", f"{head}-dirty"),
        ("templates/ios/new.j2", f"{head}-dirty"),
    ]
