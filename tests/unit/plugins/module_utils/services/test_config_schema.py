"""Typed template variables: every type with good and bad values, and schema errors."""

from __future__ import annotations

import pytest

from ansible_collections.isp.network.plugins.module_utils.errors import ValidationError
from ansible_collections.isp.network.plugins.module_utils.services.config_schema import (
    TYPES,
    Validator,
    normalize_schema,
    secret_by_name,
    validate_variables,
    validator_for,
)

# (type, given value, value handed to the template)
GOOD = [
    ("string", "core1", "core1"),
    ("string", "", ""),
    ("int", 42, 42),
    ("int", "42", 42),
    ("int", "-7", -7),
    ("bool", True, True),
    ("bool", "yes", True),
    ("bool", "False", False),
    ("bool", 0, False),
    ("ipv4", "192.0.2.1", "192.0.2.1"),
    ("ipv6", "2001:db8::1", "2001:db8::1"),
    ("ipv6", "::", "::"),
    ("ipv4_netmask", "255.255.255.0", "255.255.255.0"),
    ("ipv4_netmask", "255.255.255.255", "255.255.255.255"),
    ("ipv4_netmask", "0.0.0.0", "0.0.0.0"),
    ("ipv4_prefix", "10.0.0.0/8", "10.0.0.0/8"),
    ("ipv4_prefix", "192.0.2.4/30", "192.0.2.4/30"),
    ("ipv6_prefix", "2001:db8::/32", "2001:db8::/32"),
    ("cidr", "10.0.0.1/24", "10.0.0.1/24"),
    ("cidr", "2001:db8::1/64", "2001:db8::1/64"),
    ("mac", "00:11:22:aa:bb:cc", "00:11:22:aa:bb:cc"),
    ("mac", "0011.22aa.bbcc", "0011.22aa.bbcc"),
    ("mac", "00-11-22-AA-BB-CC", "00-11-22-AA-BB-CC"),
    ("mac", "001122aabbcc", "001122aabbcc"),
    ("int", "4294967295", 4294967295),
    ("list", ["a", "b"], ["a", "b"]),
    ("list", [], []),
    ("dict", {"a": 1}, {"a": 1}),
]

# (type, bad value, the end of the sentence that reports it)
BAD = [
    ("string", 5, "is an integer, not a string"),
    ("string", ["a"], "is a list, not a string"),
    ("int", "4.5", "is not an integer"),
    ("int", True, "is a boolean, not an integer"),
    ("int", "ten", "is not an integer"),
    ("int", "\u0661\u0662", "is not an integer"),
    ("bool", "maybe", "is not a boolean (use true or false)"),
    ("ipv4", "10.1", "is not a valid IPv4 address"),
    ("ipv4", "256.0.0.1", "is not a valid IPv4 address"),
    ("ipv4", "10.0.0.1/24", "is not a valid IPv4 address"),
    ("ipv4", "2001:db8::1", "is not a valid IPv4 address"),
    ("ipv4", 167772161, "is not a valid IPv4 address"),
    ("ipv6", "192.0.2.1", "is not a valid IPv6 address"),
    ("ipv6", "2001:db8::g", "is not a valid IPv6 address"),
    ("ipv4_netmask", "255.0.255.0", "is not a valid IPv4 netmask"),
    ("ipv4_netmask", "255.255.255.1", "is not a valid IPv4 netmask"),
    ("ipv4_netmask", "24", "is not a valid IPv4 netmask"),
    ("ipv4_prefix", "10.0.0.1/8", "host bits are set; did you mean 10.0.0.0/8?"),
    ("ipv4_prefix", "10.0.0.0", "write it as address/length"),
    ("ipv4_prefix", "10.0.0.0/33", "is not a valid IPv4 prefix"),
    ("ipv4_prefix", "2001:db8::/32", "is not a valid IPv4 prefix"),
    ("ipv4_prefix", "10.0.0.0/255.0.0.0", "write it as address/length"),
    ("ipv6_prefix", "2001:db8::1/32", "host bits are set; did you mean 2001:db8::/32?"),
    ("ipv6_prefix", "2001:db8::/129", "is not a valid IPv6 prefix"),
    ("cidr", "10.0.0.1", "write it as address/length"),
    ("cidr", "10/8", "is not a valid address with prefix length (CIDR)"),
    ("cidr", "bad/24", "is not a valid address with prefix length (CIDR)"),
    ("mac", "00:11:22:33:44", "is not a valid MAC address"),
    ("mac", "zz:11:22:33:44:55", "is not a valid MAC address"),
    ("mac", 17, "is not a valid MAC address"),
    ("mac", "00112233445", "is not a valid MAC address (write it as 00:11:22:aa:bb:cc"),
    ("mac", "0011.2233.445", "is not a valid MAC address"),
    ("mac", "00-11-22-33-44-5", "is not a valid MAC address"),
    ("mac", "00:11-22:33:44:55", "is not a valid MAC address"),
    ("int", "99999999999999999999", "is out of range; give an integer of 64 bits"),
    ("int", 2**64, "is out of range; give an integer of 64 bits"),
    ("list", "a,b", "is text, not a list"),
    ("dict", ["a"], "is a list, not a mapping"),
]


def test_every_type_has_good_and_bad_cases():
    assert {case[0] for case in GOOD} == set(TYPES)
    assert {case[0] for case in BAD} == set(TYPES)


@pytest.mark.parametrize(("kind", "given", "expected"), GOOD)
def test_good_values_are_accepted(kind, given, expected):
    schema = normalize_schema({"value": kind})

    assert validate_variables(schema, {"value": given}) == {"value": expected}


@pytest.mark.parametrize(("kind", "given", "sentence"), BAD)
def test_bad_values_are_reported_in_one_sentence(kind, given, sentence):
    schema = normalize_schema({"value": kind})

    with pytest.raises(ValidationError) as raised:
        validate_variables(schema, {"value": given})

    assert str(raised.value).startswith(f"variable 'value': {given!r} ")
    assert sentence in str(raised.value)


def test_the_netmask_sentence_reads_as_documented():
    schema = normalize_schema({"mask": "ipv4_netmask"})

    with pytest.raises(
        ValidationError, match=r"^variable 'mask': '255\.0\.255\.0' is not a valid "
    ):
        validate_variables(schema, {"mask": "255.0.255.0"})


def test_every_bad_value_is_reported_at_once():
    schema = normalize_schema({"a": "ipv4", "b": "int", "c": {"type": "string", "required": True}})

    with pytest.raises(ValidationError) as raised:
        validate_variables(schema, {"a": "x", "b": "y"})

    sentences = str(raised.value).split("; ")
    assert sentences == [
        "variable 'a': 'x' is not a valid IPv4 address",
        "variable 'b': 'y' is not an integer",
        "variable 'c' is required and was not given",
    ]


def test_defaults_fill_in_and_given_values_win():
    schema = normalize_schema(
        {"mask": {"type": "ipv4_netmask", "default": "255.255.255.0"}, "mtu": {"type": "int"}}
    )

    assert validate_variables(schema, {}) == {"mask": "255.255.255.0"}
    assert validate_variables(schema, {"mask": "255.255.0.0", "mtu": "9000"}) == {
        "mask": "255.255.0.0",
        "mtu": 9000,
    }


def test_a_null_value_counts_as_not_given():
    schema = normalize_schema({"name": {"type": "string", "default": "x"}})

    assert validate_variables(schema, {"name": None}) == {"name": "x"}


def test_unknown_variables_are_refused_even_beside_defaults():
    schema = normalize_schema({"mask": {"type": "ipv4_netmask", "default": "255.255.255.0"}})

    with pytest.raises(ValidationError, match="variable 'vlan' is not declared"):
        validate_variables(schema, {"vlan": 10})


def test_unknown_variables_are_refused_with_a_suggestion():
    schema = normalize_schema({"hostname": "string"})

    with pytest.raises(
        ValidationError, match=r"'hostnme' is not declared.*did you mean 'hostname'"
    ):
        validate_variables(schema, {"hostnme": "r1"})


@pytest.mark.parametrize(
    ("spec", "given", "sentence"),
    [
        ({"type": "string", "choices": ["a", "b"]}, "c", "'c' is not one of ['a', 'b']"),
        ({"type": "int", "choices": [1, 2]}, "3", "'3' is not one of [1, 2]"),
        ({"type": "string", "pattern": "[a-z]+"}, "A1", "does not match the pattern '[a-z]+'"),
        ({"type": "int", "pattern": "1[0-9]{2}"}, 99, "does not match the pattern"),
    ],
)
def test_choices_and_patterns(spec, given, sentence):
    schema = normalize_schema({"value": spec})

    with pytest.raises(ValidationError) as raised:
        validate_variables(schema, {"value": given})

    assert sentence in str(raised.value)


def test_choices_and_pattern_accept_matching_values():
    schema = normalize_schema(
        {
            "mode": {"type": "string", "choices": ["access", "trunk"]},
            "vlan": {"type": "int", "pattern": "[0-9]{1,4}"},
        }
    )

    assert validate_variables(schema, {"mode": "trunk", "vlan": "10"}) == {
        "mode": "trunk",
        "vlan": 10,
    }


@pytest.mark.parametrize(
    ("schema", "sentence"),
    [
        ({"a": "ipv5"}, "variable 'a' has unknown type 'ipv5'"),
        ({"a": {"type": "int", "requird": True}}, "unknown spec keys ['requird']"),
        ({"a": 5}, "variable 'a' has the spec 5"),
        ({"a": {"type": "list", "pattern": "x"}}, "a pattern cannot apply to type 'list'"),
        ({"a": {"type": "string", "pattern": "("}}, "is not a regular expression"),
        ({"a": {"type": "int", "choices": []}}, "choices must be a non-empty list"),
        ({"a": {"type": "int", "choices": ["x"]}}, "a choice is not an integer"),
        (
            {"a": {"type": "ipv4", "default": "10.1"}},
            "is not a valid IPv4 address (in its default)",
        ),
        (["a"], "the variable schema is a list"),
        ({"h": {"type": ["string"]}}, "has unknown type ['string']; the type must be one of"),
        ({"h": {"type": None}}, "has unknown type None; the type must be one of"),
        ({"a": {"type": "int", 1: "x", "b": 2}}, "has unknown spec keys ['1', 'b']; use"),
        (
            {"a": {"type": "int", "required": "false"}},
            "variable 'a': required is 'false' (text); write true or false, without quotes",
        ),
        ({"a": {"type": "int", "required": 1}}, "required is 1 (an integer); write true or false"),
        ({"a": {"type": "string", "secret": "yes"}}, "secret is 'yes' (text); write true"),
    ],
)
def test_malformed_schemas_are_refused(schema, sentence):
    with pytest.raises(ValidationError) as raised:
        normalize_schema(schema)

    assert sentence in str(raised.value)


def test_the_short_form_normalises_to_the_full_form():
    assert normalize_schema({"ip": "ipv4"}) == {"ip": {"type": "ipv4", "required": False}}
    assert normalize_schema(None) == {}


_SHARED_SCHEMA = normalize_schema(
    {
        "host": {"type": "string", "required": True, "pattern": "[a-z0-9]+"},
        "mask": {"type": "ipv4_netmask", "default": "255.255.255.0"},
        "mtu": "int",
    }
)


# (common, own): checking own over the checked common must equal checking the merged values.
@pytest.mark.parametrize(
    ("common", "own"),
    [
        (None, {"host": "r1"}),
        ({"mask": "255.255.0.0"}, {"host": "r1"}),
        ({"mask": "255.255.0.0"}, {"host": "r1", "mask": None}),
        ({"mask": "255.0.255.0", "mtu": "x"}, {"host": "r1"}),
        ({"mask": "255.0.255.0"}, {"host": "r1", "mask": "255.255.255.252"}),
        ({"host": "r1"}, {"host": None}),
        ({"hots": "r1", "mtu": 9000}, {"host": "R 1", "msk": "x", "hots": "r2"}),
        ({"mtu": "1500"}, {}),
    ],
)
def test_common_checked_once_gives_what_the_merged_values_give(common, own):
    validator = Validator(_SHARED_SCHEMA)

    def outcome(run):
        try:
            return run()
        except ValidationError as exc:
            return str(exc)

    merged = outcome(lambda: validator.validate({**(common or {}), **own}))
    shared = outcome(lambda: validator.validate(own, validator.share(common)))

    assert shared == merged


def test_remembered_checks_keep_types_and_problems_apart():
    schema = normalize_schema({"on": "bool", "n": "int"})
    validator = validator_for(schema)

    assert validator.validate({"on": 1, "n": 1}) == {"on": True, "n": 1}
    assert validator.validate({"on": True, "n": 1}) == {"on": True, "n": 1}
    with pytest.raises(ValidationError, match="is a boolean, not an integer"):
        validator.validate({"on": True, "n": True})
    assert validator_for(normalize_schema({"on": "bool", "n": "int"})) is validator


def test_an_over_long_integer_is_refused_in_one_sentence():
    schema = normalize_schema({"asn": "int"})

    with pytest.raises(ValidationError) as raised:
        validate_variables(schema, {"asn": "9" * 5000})

    assert str(raised.value).startswith("variable 'asn': '9999")
    assert str(raised.value).endswith("has more than 20 digits; give an integer of 64 bits")


@pytest.mark.parametrize(
    ("spec", "stored", "checked"),
    [
        ({"type": "bool", "default": "false"}, False, False),
        ({"type": "bool", "default": "yes"}, True, True),
        ({"type": "int", "default": "5"}, 5, 5),
        ({"type": "int", "default": "5", "choices": [5, 6]}, 5, 5),
        ({"type": "string", "default": "x"}, "x", "x"),
    ],
)
def test_defaults_are_converted_to_their_type(spec, stored, checked):
    schema = normalize_schema({"a": spec})

    assert schema["a"]["default"] == stored
    assert type(schema["a"]["default"]) is type(stored)
    assert validate_variables(schema, {}) == {"a": checked}


def test_a_default_stored_unconverted_is_converted_when_rendering():
    # A schema stored by an older release kept its defaults as written.
    stored = {"a": {"type": "bool", "required": False, "default": "false"}}

    assert Validator(stored).validate({}) == {"a": False}


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("enable_secret", True),
        ("snmp_community", True),
        ("tacacs_key", True),
        ("admin-password", True),
        ("ospf_md5_keys", True),
        ("key", True),
        ("secret2", True),
        ("hostname", False),
        ("monkey", False),
        ("keychain_name", False),
        ("communityless", False),
    ],
)
def test_names_that_mark_a_variable_secret(name, secret):
    assert secret_by_name(name) is secret
    assert normalize_schema({name: "string"})[name].get("secret", False) is secret


# (spec, value): each is refused without the value appearing in the sentence.
SECRET_CASES = [
    ("enable_secret", {"type": "string", "pattern": "[a-z]+"}, "hunter2-S3cret"),
    ("snmp_community", {"type": "string", "choices": ["public-ro"]}, "n0t-public"),
    ("tacacs_key", {"type": "int"}, "k3y-value"),
    ("login", {"type": "string", "secret": True, "pattern": "[0-9]+"}, "pa55word-x"),
]


@pytest.mark.parametrize(("name", "spec", "value"), SECRET_CASES)
def test_secret_values_never_appear_in_a_message(name, spec, value):
    schema = normalize_schema({name: spec})

    with pytest.raises(ValidationError) as raised:
        validate_variables(schema, {name: value})

    message = str(raised.value)
    assert message.startswith(f"variable {name!r} (secret, {len(value)} characters) ")
    assert value not in message


@pytest.mark.parametrize(("name", "spec", "value"), SECRET_CASES)
def test_a_secret_default_is_not_shown_either(name, spec, value):
    with pytest.raises(ValidationError) as raised:
        normalize_schema({name: {**spec, "default": value}})

    assert "(in its default)" in str(raised.value)
    assert value not in str(raised.value)


def test_secret_false_shows_the_value_of_a_secret_looking_name():
    schema = normalize_schema({"key_chain": {"type": "string", "secret": False, "pattern": "k"}})

    assert schema["key_chain"]["secret"] is False
    with pytest.raises(ValidationError, match=r"^variable 'key_chain': 'x' does not match"):
        validate_variables(schema, {"key_chain": "x"})
