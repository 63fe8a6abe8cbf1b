# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The export formats, in one list that the service and the module both use."""

from __future__ import annotations

EXPORT_FORMATS = (
    "json",
    "graphml",
    "gexf",
    "dot",
    "mermaid",
    "drawio",
    "containerlab",
    "csv",
    "html",
    "svg",
    "png",
    "report",
)
