"""Workflows and their triggers (clean-room shim of ``awsglue.blueprint.workflow``).

Scripts use ``from awsglue.blueprint.workflow import *``; this exports
``Workflow`` and ``Entities`` and re-exports everything public from the job
and crawler modules (``Job``, ``Crawler``, ``BaseResource``, ``ensure_type``,
...).

``Workflow.to_json(name_suffix)`` turns the object graph into the layout the
server creates::

    {"Workflow": {...}, "Crawlers": [...], "Jobs": [...], "Triggers": [...]}

Every job and crawler name becomes ``<Name>_<suffix>`` (an empty suffix leaves
a trailing underscore); the workflow name is not suffixed.  Triggers are, in
order: one CONDITIONAL trigger per crawler with ``DependsOn`` (list order),
then one per job with ``DependsOn``, then the start trigger
``<workflow>_starting_trigger`` for every entity without ``DependsOn``
(crawlers first, then jobs).
"""

from awsglue.blueprint.job import *  # noqa: F401,F403  (re-exported)
from awsglue.blueprint.crawler import *  # noqa: F401,F403  (re-exported)


def _suffixed(name, suffix):
    """Return the run-specific name of an entity: ``name + "_" + suffix``."""
    if not isinstance(name, str):
        raise TypeError(f"entity name must be of type str, got {type(name).__name__}: {name!r}")
    return name + "_" + suffix


class Entities(BaseResource):
    """The jobs and crawlers of a workflow (None storage).

    Leniency (our decision): the AWS library fails with "'NoneType' object is
    not iterable" when ``Jobs`` is omitted; here a missing ``Jobs`` or
    ``Crawlers`` simply means an empty list, so ``Entities(Crawlers=[c])`` works.
    """

    _STORE_NONE = True
    _FIELDS = {"Jobs": (list, False), "Crawlers": (list, False)}

    def _check_value(self, name, value):
        expected = Job if name == "Jobs" else Crawler
        for index, entity in enumerate(value):
            ensure_type(entity, expected, f"Entities.{name}[{index}]")

    @property
    def job_list(self):
        """The jobs, ``[]`` when none were given."""
        return self.Jobs or []

    @property
    def crawler_list(self):
        """The crawlers, ``[]`` when none were given."""
        return self.Crawlers or []

    def validate(self):
        """Validate every job and crawler (missing required fields raise TypeError)."""
        super().validate()
        for entity in self.crawler_list + self.job_list:
            entity.validate()


class Workflow(BaseResource):
    """A blueprint workflow: the object a layout generator returns.

    None storage: ``Description``, ``DefaultRunProperties`` and ``Tags`` are
    emitted as ``null`` when not given.  ``OnSchedule`` decides the start
    trigger's type: absent, empty or ``"ON_DEMAND"`` gives ON_DEMAND,
    ``"EVENT"`` an EVENT trigger started by every event (batch size 1), and
    anything else is taken as a cron expression for a SCHEDULED trigger.  Unlike the AWS library (whose required
    check never fires for this class), a missing ``Name`` or ``Entities``
    raises a clear ``TypeError`` at ``to_json`` instead of an AttributeError
    or a nameless workflow.
    """

    _STORE_NONE = True
    _FIELDS = {
        "Name": (str, True),
        "Description": (str, False),
        "DefaultRunProperties": (dict, False),
        "Tags": (dict, False),
        "OnSchedule": (str, False),
        "Entities": (Entities, True),
    }

    def validate(self):
        """Check the workflow's own required fields and all of its entities."""
        super().validate()
        self.Entities.validate()

    def to_json(self, name_suffix=""):
        """Return the layout dict ``{"Workflow", "Crawlers", "Jobs", "Triggers"}``.

        ``name_suffix`` is appended to every job and crawler name as
        ``_<name_suffix>``; ``None`` counts as the empty suffix.
        """
        self.validate()
        suffix = "" if name_suffix is None else str(name_suffix)
        crawlers = self.Entities.crawler_list
        jobs = self.Entities.job_list

        return {
            "Workflow": {
                "Name": self.Name,
                "Description": self.Description,
                "DefaultRunProperties": self.DefaultRunProperties,
                "Tags": self.Tags,
            },
            "Crawlers": [self._entity_json(c, suffix) for c in crawlers],
            "Jobs": [self._entity_json(j, suffix) for j in jobs],
            "Triggers": self._triggers(crawlers, jobs, suffix),
        }

    # -- helpers -------------------------------------------------------------

    @staticmethod
    def _entity_json(entity, suffix):
        """The create request of a job/crawler, with its run-specific name."""
        body = entity.to_json()
        body["Name"] = _suffixed(entity.Name, suffix)
        return body

    @staticmethod
    def _action(entity, suffix):
        """A trigger action starting ``entity``."""
        key = "CrawlerName" if isinstance(entity, Crawler) else "JobName"
        return {key: _suffixed(entity.Name, suffix)}

    @staticmethod
    def _condition(dependency, state, suffix):
        """A predicate condition waiting for ``dependency`` to reach ``state``."""
        name = _suffixed(dependency.Name, suffix)
        if isinstance(dependency, Crawler):
            return {"LogicalOperator": "EQUALS", "CrawlerName": name, "CrawlState": state}
        return {"LogicalOperator": "EQUALS", "JobName": name, "State": state}

    def _triggers(self, crawlers, jobs, suffix):
        """Build the trigger list: conditional triggers first, start trigger last."""
        triggers = []
        roots = []
        for entity in list(crawlers) + list(jobs):
            if not entity.DependsOn:
                roots.append(entity)
                continue
            predicate = {}
            if entity.WaitForDependencies:
                predicate["Logical"] = entity.WaitForDependencies
            predicate["Conditions"] = [
                self._condition(dependency, state, suffix)
                for dependency, state in entity.DependsOn.items()
            ]
            triggers.append({
                "Name": f"{self.Name}_{_suffixed(entity.Name, suffix)}_trigger",
                "WorkflowName": self.Name,
                "Type": "CONDITIONAL",
                "StartOnCreation": True,
                "Actions": [self._action(entity, suffix)],
                "Predicate": predicate,
            })

        start = {
            "Name": f"{self.Name}_starting_trigger",
            "WorkflowName": self.Name,
            "Type": "ON_DEMAND",
            "Actions": [self._action(entity, suffix) for entity in roots],
        }
        if self.OnSchedule == "EVENT":
            start["Type"] = "EVENT"
            start["EventBatchingCondition"] = {"BatchSize": 1}
        elif self.OnSchedule and self.OnSchedule != "ON_DEMAND":
            start["Type"] = "SCHEDULED"
            start["Schedule"] = self.OnSchedule
            start["StartOnCreation"] = True
        triggers.append(start)
        return triggers
