"""Rendering in the sandbox: escapes refused, undefined variables reported, filters available."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.services import config_render
from ansible_collections.isp.network.plugins.module_utils.services.config_templates import sha256

LABEL = "template 'x' version 1.0.0"

# Known ways out of a Jinja2 template into Python; each must fail with the internals sentence.
ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ name.__class__ }}",
    "{{ name['__class__'] }}",
    "{{ name | attr('__class__') }}",
    "{{ range.__globals__ }}",
    "{{ namespace.__init__.__globals__['os'] }}",
    "{{ dict.__base__.__subclasses__() }}",
    "{{ ''.__class__.mro() }}",
    "{{ '{0.__class__}'.format(name) }}",
    "{{ self.__init__.__globals__ }}",
]


def _render(source: str, variables: dict | None = None) -> str:
    return config_render.render(LABEL, source, sha256(source), variables or {"name": "r1"})


@pytest.mark.parametrize("source", ESCAPES)
def test_escapes_fail_at_render_time(source):
    with pytest.raises(ValidationError, match=r"tried to reach Python internals \(.+\); templates"):
        _render(source)


@pytest.mark.parametrize("source", ESCAPES[:8])
def test_escapes_are_refused_when_published(source):
    with pytest.raises(
        ValidationError, match=r"^template 'x' version 1\.0\.0 tried to reach Python"
    ):
        config_render.check_template(LABEL, source, {"name": {"type": "string"}})


def test_changing_a_value_in_place_is_refused():
    with pytest.raises(ValidationError, match="tried to change a value in place"):
        _render("{% set l = [] %}{{ l.append(1) }}")


@pytest.mark.parametrize(
    "source", ["{{ 'a' * 2000000 }}", "{{ [1] * 2000000 }}", "{{ 2 ** 100000 }}"]
)
def test_huge_values_are_refused(source):
    with pytest.raises(ValidationError, match="was stopped by the sandbox"):
        _render(source)


def test_huge_ranges_are_refused():
    with pytest.raises(ValidationError, match="asked for too much"):
        _render("{% for i in range(10000000) %}{% endfor %}")


def test_a_macro_that_calls_itself_is_refused_in_one_sentence():
    source = "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"
    config_render.check_template(LABEL, source, {})

    with pytest.raises(ValidationError) as raised:
        _render(source)

    assert str(raised.value) == (
        "template 'x' version 1.0.0 calls itself without end (a macro or include that never "
        "stops); fix the template"
    )


def test_running_out_of_memory_is_refused_in_one_sentence(monkeypatch):
    template = config_render.compiled(LABEL, "{{ name }}", sha256("{{ name }}"))

    def exhausted(variables):
        raise MemoryError

    monkeypatch.setattr(template, "render", exhausted)

    with pytest.raises(ValidationError, match=r"ran out of memory while rendering; build"):
        config_render.render_compiled(LABEL, template, {"name": "r1"})


def test_a_missing_variable_is_named():
    with pytest.raises(ValidationError) as raised:
        _render("hostname {{ hostname }}\n", {})

    assert str(raised.value).startswith(
        "template 'x' version 1.0.0 uses variable 'hostname', which was not given; "
    )


def test_a_missing_key_of_a_given_variable_is_reported():
    with pytest.raises(ValidationError, match="used a value that does not exist"):
        _render("{{ mgmt.address }}", {"mgmt": {}})


def test_a_filter_given_a_bad_value_is_reported_with_the_template():
    with pytest.raises(ValidationError, match=r"^template 'x' version 1\.0\.0: nth_host: "):
        _render("{{ '10.0.0.0/30' | nth_host(9) }}")


def test_other_failures_name_the_template():
    with pytest.raises(ValidationError, match=r"failed while rendering \(ZeroDivisionError"):
        _render("{{ 1 // 0 }}")


def test_a_syntax_error_is_reported_with_its_line():
    with pytest.raises(ValidationError, match="has a syntax error on line 2"):
        config_render.check_template(LABEL, "a\n{% if %}\n", {})
    with pytest.raises(ValidationError, match="has a syntax error on line 1"):
        _render("{{ ")


def test_undeclared_variables_are_refused_when_published():
    with pytest.raises(ValidationError, match=r"uses variables \['domain'\] that its schema"):
        config_render.check_template(
            LABEL,
            "{{ hostname }}.{{ domain }}{% for s in servers %}{{ s }}{% endfor %}",
            {"hostname": {}, "servers": {}},
        )


def test_rendering_keeps_the_trailing_newline_and_trims_blocks():
    source = "{% for s in servers %}\nntp server {{ s }}\n{% endfor %}\nend\n"

    assert _render(source, {"servers": ["192.0.2.1", "192.0.2.2"]}) == (
        "ntp server 192.0.2.1\nntp server 192.0.2.2\nend\n"
    )


def test_network_filters_work_inside_templates():
    source = (
        "ip address {{ lo | cidr_to_ip }} {{ lo | cidr_to_netmask }}\n"
        "gateway {{ net | nth_host(1) }} mask {{ 30 | prefix_to_netmask }}\n"
        "{{ '10.0.0.9' | ip_in_network(net) }} {{ net | wildcard_mask }}\n"
    )

    assert _render(source, {"lo": "10.255.0.1/32", "net": "10.0.0.8/30"}) == (
        "ip address 10.255.0.1 255.255.255.255\n"
        "gateway 10.0.0.9 mask 255.255.255.252\n"
        "True 0.0.0.3\n"
    )


def test_the_same_content_is_compiled_once():
    source = "hostname {{ name }}\n"
    _render(source)
    first = config_render._compiled[sha256(source)]

    _render(source, {"name": "r2"})

    assert config_render._compiled[sha256(source)] is first
