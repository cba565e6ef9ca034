"""Tool-calling agent: catalog binding, planner, executor, guard, eval, BFCL.

Public API: `run_agent` (the run.py job), `load_catalog`, `parse_schema`/`validate_args`,
`run_task` (one task with an injected planner), `evaluate` (agent eval metrics).
"""
from .catalog import Tool, load_catalog
from .evaluate import evaluate
from .executor import run_task
from .job import run_agent
from .schema import parse_schema, validate_args

__all__ = ["Tool", "load_catalog", "evaluate", "run_task", "run_agent", "parse_schema",
           "validate_args"]
