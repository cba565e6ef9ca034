"""Tool-calling agent: catalog, planner, executor, BFCL."""
