"""Glue crawler definitions for blueprint layouts (clean-room shim of ``awsglue.blueprint.crawler``).

Scripts use ``from awsglue.blueprint.crawler import *``; this exports
``Crawler``, ``SchemaChangePolicy``, the target checkers (``S3Target``,
``JDBCTarget``, ``CatalogTarget``, ``DynamoDBTarget``), ``BaseResource`` and
``ensure_type``.
"""

from awsglue.blueprint.base_resource import *  # noqa: F401,F403  (re-exported)
from awsglue.blueprint.base_resource import _Entity, _ensure_one_of

_DELETE_BEHAVIORS = frozenset({"LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE"})
_UPDATE_BEHAVIORS = frozenset({"LOG", "UPDATE_IN_DATABASE"})


# The target checkers store None, so (as in the AWS library) a target that
# lacks its "main" key still passes; none of their fields is marked required.

class S3Target(BaseResource):
    """Checker for one entry of ``Targets["S3Targets"]``."""

    _STORE_NONE = True
    _FIELDS = {"Path": (str, False), "Exclusions": (list, False)}


class JDBCTarget(BaseResource):
    """Checker for one entry of ``Targets["JDBCTargets"]``."""

    _STORE_NONE = True
    _FIELDS = {
        "ConnectionName": (str, False),
        "Path": (str, False),
        "Exclusions": (list, False),
    }


class CatalogTarget(BaseResource):
    """Checker for one entry of ``Targets["CatalogTargets"]``."""

    _STORE_NONE = True
    _FIELDS = {"DatabaseName": (str, False), "Tables": (list, False)}


class DynamoDBTarget(BaseResource):
    """Checker for one entry of ``Targets["DynamoDBTargets"]``."""

    _STORE_NONE = True
    _FIELDS = {"Path": (str, False)}


_TARGET_CHECKERS = {
    "S3Targets": S3Target,
    "JDBCTargets": JDBCTarget,
    "CatalogTargets": CatalogTarget,
    "DynamoDBTargets": DynamoDBTarget,
}


class SchemaChangePolicy(BaseResource):
    """Checker for a crawler's ``SchemaChangePolicy`` dict (truthy-only storage)."""

    _FIELDS = {"UpdateBehavior": (str, False), "DeleteBehavior": (str, False)}

    def _check_value(self, name, value):
        if name == "UpdateBehavior":
            _ensure_one_of(value, _UPDATE_BEHAVIORS, "SchemaChangePolicy.UpdateBehavior")
        elif name == "DeleteBehavior":
            _ensure_one_of(value, _DELETE_BEHAVIORS, "SchemaChangePolicy.DeleteBehavior")


class Crawler(_Entity):
    """A Glue crawler of a blueprint workflow.

    Accepts the keyword arguments listed in ``_FIELDS`` plus the pseudo-fields
    ``DependsOn`` and ``WaitForDependencies``; anything else (``Grouping``,
    ``RecrawlPolicy``, ...) is dropped and only truthy values are kept.
    ``Targets`` is checked per known target list (S3, JDBC, Catalog, DynamoDB)
    but stored as given, so other target kinds survive unchecked.
    """

    _FIELDS = {
        "Name": (str, True),
        "Description": (str, False),
        "Role": (str, True),
        "Targets": (dict, True),
        "DatabaseName": (str, False),
        "Classifiers": (list, False),
        "SchemaChangePolicy": (dict, False),
        "TablePrefix": (str, False),
        "Configuration": (str, False),
        "CrawlerSecurityConfiguration": (str, False),
        "Tags": (dict, False),
        "Schedule": (str, False),
        "DependsOn": (dict, False),
        "WaitForDependencies": (str, False),
    }

    def _check_value(self, name, value):
        if name == "Targets":
            for kind, checker in _TARGET_CHECKERS.items():
                if kind not in value:
                    continue
                entries = ensure_type(value[kind], list, f"Crawler.Targets.{kind}")
                for index, entry in enumerate(entries):
                    ensure_type(entry, dict, f"Crawler.Targets.{kind}[{index}]")
                    checker(**entry).validate()
        elif name == "SchemaChangePolicy":
            SchemaChangePolicy(**value).validate()
        else:
            super()._check_value(name, value)
