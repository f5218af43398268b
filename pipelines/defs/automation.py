"""How runs execute. DuckDB allows one writing process at a time, so every step of a
run executes in the run's own process, one after the other (the in-process executor):
no two steps of a run ever hold the warehouse at once, and a refresh of a dozen
assets is not dominated by process start-up (~2 s a step with the multiprocess
executor on a 2-core machine against ~0.1 s in process)."""

from dagster import Definitions, definitions, in_process_executor


@definitions
def execution() -> Definitions:
    return Definitions(executor=in_process_executor)
