"""Glue job definitions for blueprint layouts (clean-room shim of ``awsglue.blueprint.job``).

Scripts use ``from awsglue.blueprint.job import *``; this exports ``Job``,
``Command``, ``ExecutionProperty``, ``BaseResource`` and ``ensure_type``.
"""

from awsglue.blueprint.base_resource import *  # noqa: F401,F403  (re-exported)
from awsglue.blueprint.base_resource import _Entity, _ensure_one_of

_COMMAND_NAMES = frozenset({"glueetl", "pythonshell", "gluestreaming"})
_WORKER_TYPES = frozenset({"Standard", "G.1X", "G.2X"})


class Command(BaseResource):
    """Checker for a job's ``Command`` dict (truthy-only storage).

    ``Name`` must be glueetl, pythonshell or gluestreaming; ``ScriptLocation``
    is required.  The Job keeps the caller's original dict, so keys unknown
    here (e.g. ``Runtime``) still reach the output.
    """

    _FIELDS = {
        "Name": (str, True),
        "ScriptLocation": (str, True),
        "PythonVersion": (str, False),
    }

    def _check_value(self, name, value):
        if name == "Name":
            _ensure_one_of(value, _COMMAND_NAMES, "Command.Name")


class ExecutionProperty(BaseResource):
    """Checker for a job's ``ExecutionProperty`` dict (None storage)."""

    _STORE_NONE = True
    _FIELDS = {"MaxConcurrentRuns": (int, False)}


class Job(_Entity):
    """A Glue job of a blueprint workflow.

    Accepts the keyword arguments listed in ``_FIELDS`` plus the pseudo-fields
    ``DependsOn`` and ``WaitForDependencies``; anything else is dropped, and
    only truthy values are kept (``MaxRetries=0`` disappears).  As in the AWS
    library the description is taken from the lower-case keyword
    ``description``; ``Description`` is accepted as well (the lower-case one
    wins when both are given).
    """

    _FIELDS = {
        "Name": (str, True),
        "Description": (str, False),
        "LogUri": (str, False),
        "Role": (str, True),
        "ExecutionProperty": (dict, False),
        "Command": (dict, True),
        "DefaultArguments": (dict, False),
        "NonOverridableArguments": (dict, False),
        "Connections": (dict, False),
        "MaxRetries": (int, False),
        "AllocatedCapacity": (int, False),
        "Timeout": (int, False),
        "MaxCapacity": (float, False),
        "SecurityConfiguration": (str, False),
        "Tags": (dict, False),
        "NotificationProperty": (dict, False),
        "GlueVersion": (str, False),
        "NumberOfWorkers": (int, False),
        "WorkerType": (str, False),
        "DependsOn": (dict, False),
        "WaitForDependencies": (str, False),
    }

    def __init__(self, **kwargs):
        """Build a job; see the class docstring for the accepted keywords."""
        lower_description = kwargs.pop("description", None)
        if lower_description:
            kwargs["Description"] = lower_description
        super().__init__(**kwargs)

    def _check_value(self, name, value):
        if name == "Command":
            Command(**value).validate()
        elif name == "ExecutionProperty":
            ExecutionProperty(**value).validate()
        elif name == "WorkerType":
            _ensure_one_of(value, _WORKER_TYPES, "Job.WorkerType")
        else:
            super()._check_value(name, value)
