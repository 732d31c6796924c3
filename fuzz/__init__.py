"""Fuzzing the digest parser and the importer: the checks (``checks``), shared by the
hypothesis properties of the suite and the atheris target of `make fuzz` (``import_target``)."""
