"""Tests of the core: the engine, access, the pages every product shares, the tools."""
