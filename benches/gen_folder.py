#!/usr/bin/env python3
"""Writes a folder of synthetic IOS-style configurations for `henko snapshot`.

Usage: gen_folder.py DIR [FILES] [--touch N]

Without --touch: FILES (default 10000) configurations of 2-7 KiB each under
DIR/configs/siteNN/rackNN/devNNNNN.cfg (20 sites x 25 racks x 20 devices),
deterministic (fixed seed). With --touch N: appends one line to the first N
files of an existing folder, as a nightly backup with N changed devices.
Standard library only.
"""

import os
import random
import sys


def path(root, i):
    return os.path.join(root, "configs", f"site{i % 20:02d}", f"rack{(i // 20) % 25:02d}", f"dev{i:05d}.cfg")


def write(root, files):
    random.seed(1)
    for i in range(files):
        target = path(root, i)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        lines = [f"hostname dev{i:05d}", "!", "service timestamps log datetime msec"]
        for j in range(random.randint(20, 60)):
            lines += [
                f"interface GigabitEthernet1/0/{j}",
                f" description uplink-{i}-{j}",
                f" switchport access vlan {random.randint(1, 4094)}",
                " spanning-tree portfast",
                "!",
            ]
        with open(target, "w") as out:
            out.write("\n".join(lines) + "\n")


def touch(root, count, stamp):
    for i in range(count):
        target = path(root, i)
        if not os.path.exists(target):
            break  # a folder of fewer than COUNT files: all of them changed
        with open(target, "a") as out:
            out.write(f"! changed {stamp}\n")


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    root = args[0]
    if "--touch" in args:
        count = int(args[args.index("--touch") + 1])
        touch(root, count, os.getpid())
    else:
        write(root, int(args[1]) if len(args) > 1 else 10000)


if __name__ == "__main__":
    main()
