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


# Each way to grow a string by a number; each must be refused before it builds the string.
GROWING = [
    "{{ '%2000000s' % name }}",
    "{{ '%*s' % (2000000000, name) }}",
    "{{ '%.2000000f' % 1.5 }}",
    "{{ ('%900000s' * 2) % (name, name) }}",
    "{{ '%2000000s'|format(name) }}",
    "{{ '{0:>2000000}'.format(name) }}",
    "{{ '{0:>{1}}'.format(name, 2000000000) }}",
    "{{ '{x:>2000000}'.format_map({'x': name}) }}",
    "{{ name|center(2000000) }}",
    "{{ name.center(2000000) }}",
    "{{ name.ljust(2000000) }}",
    "{{ name.zfill(2000000) }}",
    "{{ name|indent(2000000, true) }}",
    "{{ ('a' * 2000)|replace('a', 'a' * 10)|replace('a', 'a' * 10)|replace('a', 'a' * 10) }}",
    "{{ ('a' * 1000).replace('a', 'a' * 10000) }}",
    "{{ ('x' * 100000).join(range(100)|map('string')) }}",
    "{{ range(100)|join('x' * 100000) }}",
    "{{ 'a b'|wordwrap(1, wrapstring='x' * 999999) }}",
    "{{ [1]|batch(2000000, 0)|list }}",
    "{{ {'a': 1}|tojson(indent=2000000) }}",
    "{{ ('\t' * 1000).expandtabs(2000) }}",
    "{{ ('a' * 600000) + ('a' * 600000) }}",
]


@pytest.mark.parametrize("source", GROWING)
def test_growing_a_string_past_the_cap_is_refused(source):
    with pytest.raises(ValidationError) as raised:
        _render(source)

    assert "was stopped by the sandbox (" in str(raised.value)
    assert str(raised.value).endswith("; build smaller values")


def test_the_text_of_a_render_is_capped():
    with pytest.raises(ValidationError) as raised:
        _render("{% for i in range(20) %}{{ 'x' * 999999 }}{% endfor %}")

    assert str(raised.value) == (
        "template 'x' version 1.0.0: the text passed 10000000 characters, far more than a "
        "configuration; check the template's loops"
    )


def test_ordinary_padding_and_formats_still_render():
    source = (
        "{{ '%-6s|%05d' % (name, 42) }} {{ '{:>4}|{:.2f}'.format(name, 1.5) }} "
        "{{ name|center(6) }} {{ 'a-b'|replace('-', '_') }} {{ [1, 2]|join(', ') }} "
        "{{ 'x\ny'|indent(2) }} {{ '%s'|format(name) }} {{ name + '.net' }} {{ 7 % 3 }}"
    )

    assert _render(source) == ("r1    |00042   r1|1.50   r1   a_b 1, 2 x\n  y r1 r1.net 1")


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

    def exhausted(context):
        raise MemoryError
        yield ""

    monkeypatch.setattr(template, "root_render_func", exhausted)

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
