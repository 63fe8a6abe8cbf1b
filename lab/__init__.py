"""A simulated IOS network for the isp.network collection's tests and demo.

Start one from Python with `start_lab(...)`, or from a shell with `python -m lab up`.
"""

from lab.api import LabClient, LabError, LocalLab, start_lab

__all__ = ["LabClient", "LabError", "LocalLab", "start_lab"]
