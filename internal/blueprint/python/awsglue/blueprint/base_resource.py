"""Shared machinery of Epoxy's clean-room ``awsglue.blueprint`` shim.

Every resource class (Job, Crawler, Workflow, ...) is built from keyword
arguments only and declares a table ``_FIELDS`` of
``field name -> (expected type, required?)``.  The rules implemented here are
those of AWS's blueprint library as described in ``docs/blueprints.md`` §2:

* unknown keyword arguments are silently dropped;
* a value is type-checked with ``isinstance`` when it is assigned, so ``True``
  passes an ``int`` check and ``2`` fails a ``float`` check (``TypeError``);
* classes with ``_STORE_NONE = False`` (Job, Crawler, Command,
  SchemaChangePolicy) keep a field only when its value is truthy, so ``0``,
  ``""``, ``False``, ``{}``, ``[]`` and ``None`` never reach the output;
* classes with ``_STORE_NONE = True`` (Workflow, Entities, targets,
  ExecutionProperty) keep every declared field, ``None`` included;
* ``validate()`` raises ``TypeError`` naming the missing required fields and
  ``to_json()`` calls it before returning the stored fields.

Enum violations are reported with ``TypeError`` as well, so that every
validation problem of a layout surfaces as one exception type.
"""


def ensure_type(value, expected_type, field_name=None):
    """Raise ``TypeError`` unless ``value`` is an instance of ``expected_type``.

    ``expected_type`` may be a class or a tuple of classes, as for
    ``isinstance``.  ``field_name`` is only used in the error message.
    """
    if not isinstance(value, expected_type):
        if isinstance(expected_type, tuple):
            wanted = " or ".join(t.__name__ for t in expected_type)
        else:
            wanted = expected_type.__name__
        label = field_name or "value"
        raise TypeError(
            f"{label} must be of type {wanted}, got {type(value).__name__}: {value!r}"
        )
    return value


def _ensure_one_of(value, allowed, field_name):
    """Raise ``TypeError`` unless ``value`` is one of the ``allowed`` values."""
    if value not in allowed:
        choices = ", ".join(sorted(allowed))
        raise TypeError(f"{field_name} must be one of [{choices}], got {value!r}")
    return value


class BaseResource:
    """Base class of all blueprint resources.

    Subclasses set ``_FIELDS`` (``name -> (type, required)``), ``_STORE_NONE``
    (see the module docstring) and may override ``_check_value`` to add checks
    beyond the plain type check.  Declared fields can be read as attributes
    (an absent field reads as ``None``) and assigned as attributes, in which
    case the same checks and storage rule apply as in the constructor.
    """

    _FIELDS = {}
    _STORE_NONE = False
    # Fields accepted and stored, but left out of to_json().
    _OUTPUT_EXCLUDED = frozenset()

    def __init__(self, **kwargs):
        """Build the resource from keyword arguments; unknown keys are ignored."""
        object.__setattr__(self, "_values", {})
        for name in self._FIELDS:
            if name in kwargs or self._STORE_NONE:
                setattr(self, name, kwargs.get(name))

    # -- attribute access -------------------------------------------------

    def __getattr__(self, name):
        # Only called when normal lookup fails, i.e. for declared fields.
        if name in type(self)._FIELDS:
            return self.__dict__.get("_values", {}).get(name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name, value):
        if name in type(self)._FIELDS:
            self._assign(name, value)
        else:
            object.__setattr__(self, name, value)

    def _assign(self, name, value):
        """Check ``value`` and store it under ``name`` following the storage rule."""
        if value is None or (not value and not self._STORE_NONE):
            if self._STORE_NONE:
                self._values[name] = None
            else:
                self._values.pop(name, None)
            return
        expected_type, _required = self._FIELDS[name]
        ensure_type(value, expected_type, f"{type(self).__name__}.{name}")
        self._check_value(name, value)
        self._values[name] = value

    def _check_value(self, name, value):
        """Hook for field-specific checks (enums, nested dicts); no-op here."""

    # -- validation and output ---------------------------------------------

    def validate(self):
        """Raise ``TypeError`` if a required field is missing (or ``None``)."""
        missing = [
            name
            for name, (_type, required) in self._FIELDS.items()
            if required and self._values.get(name) is None
        ]
        if missing:
            raise TypeError(
                f"{type(self).__name__} is missing required field(s): {', '.join(missing)}"
            )

    def to_json(self):
        """Validate, then return a new dict of the stored fields in declaration order."""
        self.validate()
        return {
            name: self._values[name]
            for name in self._FIELDS
            if name in self._values and name not in self._OUTPUT_EXCLUDED
        }

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in self._values.items() if k != "DependsOn")
        return f"{type(self).__name__}({fields})"


class _Entity(BaseResource):
    """Base of the workflow entities (Job and Crawler).

    Adds the two pseudo-fields ``DependsOn`` (dict: Job/Crawler object ->
    state string) and ``WaitForDependencies`` (``AND``/``ANY``, copied verbatim
    into the trigger predicate), which are accepted but never part of the
    entity's own JSON.  Values of ``DependsOn`` are not validated, as in the
    AWS library; Glue itself accepts SUCCEEDED/STOPPED/FAILED/TIMEOUT for jobs
    and SUCCEEDED/FAILED/CANCELLED for crawlers.
    """

    _OUTPUT_EXCLUDED = frozenset({"DependsOn", "WaitForDependencies"})

    def _check_value(self, name, value):
        if name == "DependsOn":
            for dependency in value:
                if not isinstance(dependency, _Entity):
                    raise TypeError(
                        f"{type(self).__name__}.DependsOn keys must be Job or Crawler "
                        f"objects, got {type(dependency).__name__}: {dependency!r}"
                    )
