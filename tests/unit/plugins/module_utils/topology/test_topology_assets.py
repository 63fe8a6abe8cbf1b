"""The vendored Cytoscape.js decodes to the file it claims to be, license header included."""

from __future__ import annotations

import hashlib

from ansible_collections.isp.network.plugins.module_utils.topology import vendor_cytoscape


def test_bundle_matches_its_recorded_hash_and_keeps_its_license():
    source = vendor_cytoscape.source()

    assert hashlib.sha256(source.encode("utf-8")).hexdigest() == vendor_cytoscape.SHA256
    assert source.startswith("/**\n * Copyright (c) 2016-2026, The Cytoscape Consortium.")
    assert "Permission is hereby granted, free of charge" in source[:2000]
