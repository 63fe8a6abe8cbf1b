# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""LLDP topology: identity, interface names, discovery, links, analysis, exports, page."""
