"""The adversarial suite: what an attacker would try against the public outputs, kept as
tests so that it keeps holding (docs/security.md).

probes.py finds every public output from the URL conf and the API router and checks that
each kind of document is well formed; records.py builds the records the probes look for.
"""
