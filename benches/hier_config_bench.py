#!/usr/bin/env python3
"""Times hier_config 4 in process on one IOS running/intended pair.

Usage: hier_config_bench.py RUNNING INTENDED [RUNS]     (default 5 runs)

Each run parses both files (`get_hconfig`, Cisco IOS driver), builds the
remediation and the rollback (`WorkflowRemediation`) and renders both to
text, all inside this Python process. Prints one line:

    <median wall s> <median CPU s> <remediation lines> <rollback lines> <version>

or `unavailable <why>` when hier_config 4 is not installed
(`pip install --pre hier-config`). The import and one warm-up run are not
timed, so the figure is the library's own work, not Python's start-up.
"""

import statistics
import sys
import time


def one_run(hc, running_text, intended_text):
    running = hc.get_hconfig(hc.Platform.CISCO_IOS, running_text)
    intended = hc.get_hconfig(hc.Platform.CISCO_IOS, intended_text)
    workflow = hc.WorkflowRemediation(running, intended)
    apply = [line.cisco_style_text() for line in workflow.remediation_config.all_children_sorted()]
    back = [line.cisco_style_text() for line in workflow.rollback_config.all_children_sorted()]
    return apply, back


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: hier_config_bench.py RUNNING INTENDED [RUNS]")
    try:
        import hier_config as hc
        from importlib.metadata import version

        hc_version = version("hier-config")
    except ImportError as e:
        print(f"unavailable {e}")
        return
    if not hc_version.startswith("4"):
        print(f"unavailable hier-config {hc_version} is not 4.x")
        return
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with open(sys.argv[1]) as f:
        running_text = f.read()
    with open(sys.argv[2]) as f:
        intended_text = f.read()
    apply, back = one_run(hc, running_text, intended_text)  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        one_run(hc, running_text, intended_text)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    print(
        f"{statistics.median(walls):.4f} {statistics.median(cpus):.4f} "
        f"{len(apply)} {len(back)} {hc_version}"
    )


if __name__ == "__main__":
    main()
