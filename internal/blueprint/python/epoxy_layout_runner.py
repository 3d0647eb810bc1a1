"""Run a blueprint layout generator for the Epoxy server and report its layout.

Executed by the server as ``python3 epoxy_layout_runner.py`` with:

* ``EPOXY_LAYOUT_REQUEST`` -- path of a JSON file::

      {"layoutGenerator": "pkg.module.func", "root": "/abs/extraction/root",
       "userParams": {...}, "systemParams": {"region": "...", "accountId": "..."},
       "nameSuffix": "abc123"}

* ``EPOXY_LAYOUT_RESULT`` -- path of the JSON file this runner writes:
  ``{"ok": true, "layout": {...}}`` on success, or
  ``{"ok": false, "error": "<ExceptionType>: <message>", "traceback": "..."}``
  on any failure (exit status 1).

The runner never writes to stdout, so whatever the generator prints cannot
corrupt the result.  The extraction root is put first on ``sys.path`` and
becomes the working directory; the ``awsglue`` shim must be made importable
by the server through ``PYTHONPATH``.  The runner's own directory is removed
from ``sys.path`` so that only the root, ``PYTHONPATH`` and the standard
library/site-packages are searched.
"""

import importlib
import json
import os
import sys
import traceback

EXIT_OK = 0
EXIT_FAILED = 1  # the generator (or the request) failed; details in the result file
EXIT_NO_RESULT = 2  # the result file itself could not be written


def _drop_own_directory_from_path():
    """Remove the directory of this script, which Python put at ``sys.path[0]``.

    Only that first entry is removed: the same directory may legitimately
    appear again later because the server listed it in ``PYTHONPATH``.
    """
    own_dir = os.path.dirname(os.path.abspath(__file__))
    if sys.path and sys.path[0] and os.path.abspath(sys.path[0]) == own_dir:
        del sys.path[0]


def _load_request(path):
    """Read and sanity-check the request file; return its fields."""
    with open(path, encoding="utf-8") as f:
        request = json.load(f)
    if not isinstance(request, dict):
        raise ValueError("layout request must be a JSON object")
    generator = request.get("layoutGenerator")
    root = request.get("root")
    if not isinstance(generator, str) or "." not in generator:
        raise ValueError(f"layoutGenerator must look like 'package.module.function', got {generator!r}")
    if not isinstance(root, str) or not os.path.isabs(root):
        raise ValueError(f"root must be an absolute path, got {root!r}")
    user_params = request.get("userParams") or {}
    system_params = request.get("systemParams") or {}
    name_suffix = request.get("nameSuffix") or ""
    return generator, root, user_params, system_params, name_suffix


def _is_workflow(obj):
    """True if ``obj`` is an ``awsglue.blueprint.workflow.Workflow``."""
    try:
        from awsglue.blueprint.workflow import Workflow
    except ImportError:
        Workflow = None
    if Workflow is not None and isinstance(obj, Workflow):
        return True
    # Tolerate a Workflow class loaded from another copy of the library.
    return type(obj).__name__ == "Workflow" and callable(getattr(obj, "to_json", None))


def run(request_path):
    """Execute the request and return the layout dict (raises on any failure)."""
    generator, root, user_params, system_params, name_suffix = _load_request(request_path)
    sys.path.insert(0, root)
    os.chdir(root)
    importlib.invalidate_caches()

    module_name, func_name = generator.rsplit(".", 1)
    module = importlib.import_module(module_name)
    func = getattr(module, func_name, None)
    if not callable(func):
        raise AttributeError(f"module {module_name!r} has no callable {func_name!r}")

    workflow = func(user_params, system_params)
    if not _is_workflow(workflow):
        raise TypeError(
            f"layout generator {generator} must return a Workflow, got {type(workflow).__name__}"
        )
    return workflow.to_json(name_suffix)


def _write_result(path, payload):
    """Write ``payload`` as JSON to ``path`` (strict JSON: no NaN/Infinity)."""
    text = json.dumps(payload, allow_nan=False)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _failure(exc):
    """The result payload describing ``exc``."""
    return {
        "ok": False,
        "error": f"{type(exc).__name__}: {exc}",
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    }


def main():
    """Entry point; returns the process exit status."""
    _drop_own_directory_from_path()
    result_path = os.environ.get("EPOXY_LAYOUT_RESULT")
    if not result_path:
        print("epoxy_layout_runner: EPOXY_LAYOUT_RESULT is not set", file=sys.stderr)
        return EXIT_NO_RESULT
    result_path = os.path.abspath(result_path)  # the runner changes directory

    status = EXIT_OK
    try:
        request_path = os.environ.get("EPOXY_LAYOUT_REQUEST")
        if not request_path:
            raise RuntimeError("EPOXY_LAYOUT_REQUEST is not set")
        layout = run(os.path.abspath(request_path))
        try:
            _write_result(result_path, {"ok": True, "layout": layout})
        except (TypeError, ValueError) as exc:  # layout not JSON-serialisable
            raise type(exc)(f"layout is not JSON-serialisable: {exc}") from exc
    except BaseException as exc:  # noqa: BLE001 -- includes SystemExit from the generator
        if isinstance(exc, KeyboardInterrupt):
            raise
        status = EXIT_FAILED
        try:
            _write_result(result_path, _failure(exc))
        except Exception as write_exc:  # noqa: BLE001
            print(f"epoxy_layout_runner: cannot write result: {write_exc}", file=sys.stderr)
            return EXIT_NO_RESULT
    return status


if __name__ == "__main__":
    code = main()
    # Leave immediately: threads the generator may have left running must not
    # keep the process alive once the result has been written.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 -- e.g. a closed pipe
            pass
    os._exit(code)
