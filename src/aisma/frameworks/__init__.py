"""Frameworks as assessments of their own: a framework's requirements, a mapping set from a model's
objectives to them, and the posture per requirement computed from one assessment result.

The answers are given once, against the maturity model; a framework view only re-reads the result
through a mapping set, so it never changes a score. Readers for OSCAL catalogs and profiles and for
CISO Assistant libraries turn those files into the same ``Framework``.
"""
