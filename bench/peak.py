"""Run a command; write its exit code, wall time and peak RSS to a JSON file.

    python -I -S bench/peak.py RESULT.json PROGRAM [ARGUMENTS...]

Why a separate, deliberately tiny process: Linux keeps a process's memory high-water mark
across exec, so a command started straight from the benchmark (fork or vfork, then exec)
reports at least the benchmark's own peak, which holds the whole generated data set. This
wrapper imports the standard library only (run it with -S), so what it passes on is a few MB,
far below any Django process: the child's ru_maxrss is then the command's own peak.
"""

import json
import os
import signal
import sys
import time


def main() -> None:
    result, argv = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: become the command, or report that it could not be started
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    try:
        _, status, usage = os.wait4(pid, 0)
    except BaseException:
        # Interrupted: take the command down too rather than leave it writing to a database
        # that the benchmark is about to drop.
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        raise
    seconds = time.perf_counter() - start
    with open(result, "w", encoding="utf-8") as output:
        json.dump(
            {
                "exit": os.waitstatus_to_exitcode(status),
                "seconds": seconds,
                "peak_kib": usage.ru_maxrss,  # KiB on Linux
            },
            output,
        )


if __name__ == "__main__":
    main()
