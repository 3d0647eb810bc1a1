"""Epoxy's job bootstrap.

Runs a Glue Python shell script as ``__main__`` with the arguments Glue passes
(``sys.argv[1]`` is the script, the rest its arguments), then records how it
ended in the JSON file named by ``EPOXY_STATUS_FILE``: ``{"exit": <code>,
"error": "<last line of the exception>"}`` (the error is empty for a plain
``sys.exit(n)``; Epoxy then reports the last line the script wrote to
stderr). The status file lets Epoxy learn a
job's outcome even when the job ended while Epoxy itself was not running.
"""

import json
import os
import runpy
import sys
import traceback


def _write_status(code, error):
    path = os.environ.get("EPOXY_STATUS_FILE")
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"exit": code, "error": error}, f)
    os.replace(tmp, path)


def main():
    script = sys.argv[1]
    sys.argv = [script] + sys.argv[2:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    code, error = 0, ""
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            code, error = 1, str(e.code)
            print(error, file=sys.stderr)
    except BaseException as e:  # report every failure of the script, then exit non-zero
        code = 1
        traceback.print_exc()
        lines = traceback.format_exception_only(type(e), e)
        error = lines[-1].strip() if lines else type(e).__name__
    sys.stdout.flush()
    sys.stderr.flush()
    _write_status(code, error)
    sys.exit(code)


if __name__ == "__main__":
    main()
