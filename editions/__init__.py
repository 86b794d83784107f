"""Editions of the course built from ``notebooks/``: the student edition and the reading site.

``python3 course.py student`` and ``python3 course.py site`` call :func:`student.build`
and :func:`site.build` through ``python -m editions``.
"""
