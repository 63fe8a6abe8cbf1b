"""The output limit of an opened driver: answers above it are refused, naming the device."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.isp.network.plugins.module_utils.drivers.napalm import (
    MAX_OUTPUT_BYTES,
    BoundedDriver,
    OutputTooLargeError,
    driver_arguments,
    output_limit,
)
from ansible_collections.isp.network.plugins.module_utils.errors import DeviceError


class Answers:
    """A driver whose getters answer with the given data."""

    hostname = "198.51.100.7"

    def __init__(self, size: int) -> None:
        self.size = size

    def get_config(self, retrieve: str = "all") -> dict:
        return {"running": "x" * self.size, "startup": "", "candidate": ""}

    def get_lldp_neighbors_detail(self) -> dict:
        return {"Gi0/1": [{"remote_system_name": "y" * self.size}]}

    def load_merge_candidate(self, config: str) -> str:
        return "z" * 100


def device(**options):
    return SimpleNamespace(name="edge1", port=None, hostname="192.0.2.1", driver_options=options)


@pytest.mark.parametrize("getter", ["get_config", "get_lldp_neighbors_detail"])
def test_an_answer_above_the_limit_is_refused_by_name(getter):
    driver = BoundedDriver(Answers(2_000), "edge1", 1_000)

    with pytest.raises(OutputTooLargeError) as refused:
        getattr(driver, getter)()

    assert str(refused.value).startswith(f"device 'edge1' answered {getter} with 2,0")
    assert "more than its limit of 1,000" in str(refused.value)


def test_answers_within_the_limit_and_other_calls_pass_through():
    driver = BoundedDriver(Answers(900), "edge1", 1_000)

    assert len(driver.get_config()["running"]) == 900
    assert driver.load_merge_candidate(config="x" * 5_000) == "z" * 100
    assert driver.hostname == "198.51.100.7"


def test_the_limit_comes_from_driver_options_and_never_reaches_napalm():
    limited = device(max_output_bytes=5_000, transport="ssh")

    assert output_limit(device()) == MAX_OUTPUT_BYTES
    assert output_limit(limited) == 5_000
    assert driver_arguments(limited, "u", "p", None, 10)["optional_args"] == {"transport": "ssh"}


@pytest.mark.parametrize("value", [0, -1, "big", True, 1.5])
def test_a_bad_limit_is_one_sentence_naming_the_device(value):
    with pytest.raises(DeviceError) as refused:
        output_limit(device(max_output_bytes=value))

    assert str(refused.value) == (
        f"driver_options.max_output_bytes of device 'edge1' is {value!r}; set it to a positive "
        "number of bytes with isp.network.device"
    )


class Session:
    """A netmiko session that knows its prompt and records what it was sent."""

    base_prompt = "edge1"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.sent: list[tuple[str, dict]] = []

    def send_command(self, command: str, **options) -> str:
        self.sent.append((command, options))
        return self.answer + "\n"


class SessionDriver(Answers):
    """An ios-like driver: a netmiko session, and a cli that must not be used."""

    def __init__(self, answer: str) -> None:
        super().__init__(0)
        self.device = Session(answer)

    def cli(self, commands: list[str]) -> dict:
        raise AssertionError("cli would find the prompt again")


def test_show_reads_until_the_known_prompt_without_looking_for_it_again():
    driver = SessionDriver("Gi1/0/1 is up, line protocol is up")

    answer = BoundedDriver(driver, "edge1", 1_000).show("show interfaces | include line")

    assert answer == "Gi1/0/1 is up, line protocol is up"
    [(command, options)] = driver.device.sent
    assert command == "show interfaces | include line"
    assert options == {"expect_string": r"edge1[>#]\s*$"}


def test_show_falls_back_to_cli_and_keeps_the_limit():
    class CliOnly(Answers):
        def cli(self, commands: list[str]) -> dict:
            return {commands[0]: "y" * self.size}

    assert BoundedDriver(CliOnly(10), "edge1", 1_000).show("show clock") == "y" * 10
    with pytest.raises(OutputTooLargeError, match="answered cli with 2,000 characters"):
        BoundedDriver(CliOnly(2_000), "edge1", 1_000).show("show clock")
    with pytest.raises(OutputTooLargeError, match="answered cli with 2,0"):
        BoundedDriver(SessionDriver("z" * 2_000), "edge1", 1_000).show("show clock")
