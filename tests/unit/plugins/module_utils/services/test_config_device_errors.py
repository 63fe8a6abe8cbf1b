"""Why a device step failed, in the one sentence a user reads: no device output beyond the
line it rejected, and no secret value."""

from __future__ import annotations

import pytest
from napalm.base.exceptions import MergeConfigException

from ansible_collections.isp.network.plugins.module_utils.services.config_device_errors import (
    reason,
)


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (
            MergeConfigException(
                "Configuration merge failed; automatic rollback attempted:\n"
                "username admin secret 0 hunter2\n ^\n% Invalid input detected at '^' marker."
            ),
            "device 'r1' rejected the line 'username admin secret 0 <removed>' while committing; "
            "fix the configuration",
        ),
        (
            MergeConfigException("Insufficient space on flash:\ndetails"),
            "device 'r1' failed while committing (MergeConfigException: Insufficient space "
            "on flash:)",
        ),
        (
            OSError("Socket is closed"),
            "the session to device 'r1' was lost while committing (OSError); check that the "
            "device is up and answering",
        ),
    ],
)
def test_reasons_are_one_sentence_without_secrets(error, sentence):
    assert reason(error, "r1", "committing") == sentence
