#!/usr/bin/env python
"""Sandbox entrypoint: `python run.py --train T --val V --weights W --output O`.

Works from a source checkout without installing (adds ./src to the path).
`python run.py --help` lists every form.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from loracle.cli import run_py_main  # noqa: E402

if __name__ == "__main__":
    sys.exit(run_py_main())
