#!/usr/bin/env python3
"""Runs a command once (stdout to /dev/null) and prints "wall_s cpu_s
peak_rss_mib" of the child, measured by the kernel. Used by snapshot.sh
and cpu.sh.

Usage: measure_once.py COMMAND [ARGS...]
"""

import resource
import subprocess
import sys
import time

start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.2f} {usage.ru_utime + usage.ru_stime:.2f} {usage.ru_maxrss / 1024:.0f}")
