"""Epoxy's job bootstrap.

Runs a Glue Python shell script as ``__main__`` with the arguments Glue passes
(``sys.argv[1]`` is the script, the rest its arguments). Before any user code
runs it claims the launch's start marker (``EPOXY_START_MARKER``): it creates
the file exclusively, holding its pid and start time; if the file already
exists, a restarted Epoxy fenced this launch off and the bootstrap exits at
once with status 75 without running the script.

When the script ends, the bootstrap records how in the JSON file named by
``EPOXY_STATUS_FILE``: ``{"exit": <code>, "error": "<last line of the
exception>"}`` (the error is empty for a plain ``sys.exit(n)``; Epoxy then
reports the last line the script wrote to stderr). The status file lets Epoxy
learn a job's outcome when the job ended while Epoxy itself was not running.

With ``EPOXY_LEASE_FILE`` set (several Epoxy nodes share a store), a watchdog
thread kills the job's process group, after recording why in the status file,
once that file has not been touched for ``EPOXY_LEASE_SECONDS``: the node that
started the job renews it while it holds its own lease, so a job never
outlives its node's lease.

It also makes boto3 reach Epoxy where botocore is too old to read
``AWS_ENDPOINT_URL_<SERVICE>`` and ``AWS_ENDPOINT_URL``, and turns imports of
pyspark (when it is not installed) into an error saying the script needs a
Spark runtime.
"""

import importlib.abc
import importlib.util
import json
import os
import runpy
import signal
import sys
import threading
import time
import traceback

from epoxy_spark import unavailable

FENCED_EXIT = 75


def _write_file(path, data, exclusive):
    """Write data to path: atomically replacing it, or (exclusive) creating
    it only if it does not exist, with complete content either way."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, data.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if exclusive:
            os.link(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        if exclusive:
            os.unlink(tmp)


def _start_time():
    with open("/proc/self/stat", "rb") as f:
        stat = f.read()
    return int(stat[stat.rindex(b")") + 2 :].split()[19])


def _claim_start():
    path = os.environ.get("EPOXY_START_MARKER")
    if not path:
        return
    try:
        _write_file(path, "%d %d\n" % (os.getpid(), _start_time()), exclusive=True)
    except FileExistsError:
        sys.stderr.write("epoxy: this launch was fenced off by a restarted Epoxy server; the script was not run\n")
        sys.stderr.flush()
        os._exit(FENCED_EXIT)


def _write_status(code, error):
    path = os.environ.get("EPOXY_STATUS_FILE")
    if path:
        _write_file(path, json.dumps({"exit": code, "error": error}), exclusive=False)


LEASE_LOST_EXIT = 137


def _lease_age(path):
    try:
        return time.time() - os.stat(path).st_mtime
    except OSError:
        return float("inf")


def _watch_lease():
    path = os.environ.get("EPOXY_LEASE_FILE")
    if not path:
        return
    limit = float(os.environ.get("EPOXY_LEASE_SECONDS", "0") or 0)
    if limit <= 0:
        return

    def watch():
        while _lease_age(path) <= limit:
            time.sleep(min(1.0, limit / 4))
        _write_status(LEASE_LOST_EXIT, "its Epoxy node stopped renewing its lease; the job was stopped")
        sys.stderr.write("epoxy: this job's node stopped renewing its lease; stopping the job\n")
        sys.stderr.flush()
        os.killpg(os.getpgrp(), signal.SIGKILL)

    threading.Thread(target=watch, name="epoxy-lease", daemon=True).start()


class _NoSpark(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path: reached only when pyspark is not installed."""

    def find_spec(self, fullname, path, target=None):
        if fullname == "pyspark" or fullname.startswith("pyspark."):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        unavailable(spec.name)

    def exec_module(self, module):
        pass


def _endpoint_for(service_name):
    env = "AWS_ENDPOINT_URL_" + str(service_name).upper().replace("-", "_").replace(" ", "_")
    return os.environ.get(env) or os.environ.get("AWS_ENDPOINT_URL")


def _patch_session(module):
    """Give clients created without endpoint_url the endpoint from the
    environment, when this botocore does not do that itself (< 1.31)."""
    import botocore

    try:
        version = tuple(int(p) for p in botocore.__version__.split(".")[:2])
    except ValueError:
        return
    if version >= (1, 31):
        return
    original = module.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        if len(args) < 5 and kwargs.get("endpoint_url") is None:
            endpoint = _endpoint_for(service_name)
            if endpoint:
                kwargs["endpoint_url"] = endpoint
        return original(self, service_name, *args, **kwargs)

    module.Session.create_client = create_client


class _BotocoreHook(importlib.abc.MetaPathFinder):
    """First on sys.meta_path: patches botocore.session when it is imported,
    so jobs that never use boto3 pay nothing."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "botocore.session":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _patch_session(module)

        spec.loader.exec_module = exec_module
        return spec


def _run(script):
    """Run the script; return its exit code and error line."""
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            return 0, ""
        if isinstance(e.code, int):
            return e.code, ""
        print(str(e.code), file=sys.stderr)
        return 1, str(e.code)
    except BaseException as e:  # report every failure of the script, then exit non-zero
        traceback.print_exc()
        lines = traceback.format_exception_only(type(e), e)
        return 1, (lines[-1].strip() if lines else type(e).__name__)
    return 0, ""


def main():
    _claim_start()
    _watch_lease()
    sys.meta_path.insert(0, _BotocoreHook())
    sys.meta_path.append(_NoSpark())
    script = sys.argv[1]
    sys.argv = [script] + sys.argv[2:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    code, error = _run(script)
    sys.stdout.flush()
    sys.stderr.flush()
    _write_status(code, error)
    sys.exit(code)


if __name__ == "__main__":
    main()
