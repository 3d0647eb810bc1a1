"""A clean-room ``awsglue.utils`` for Glue Python shell jobs run by Epoxy.

Only ``getResolvedOptions`` (and the error it raises) is provided: it reads
the ``--NAME value`` arguments Glue passes to a job script.
"""


class GlueArgumentError(Exception):
    """Raised when a required job argument is missing."""


def getResolvedOptions(args, options):
    """Return a dict of the values of ``--<option>`` for each name in options.

    Accepts ``--NAME value`` and ``--NAME=value``. Raises GlueArgumentError
    naming the first option that is missing.
    """
    found = {}
    i = 1 if args and not str(args[0]).startswith("--") else 0
    while i < len(args):
        arg = args[i]
        if isinstance(arg, str) and arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if eq:
                found[name] = value
            elif i + 1 < len(args):
                found[name] = args[i + 1]
                i += 1
            else:
                found[name] = ""
        i += 1
    result = {}
    for opt in options:
        if opt not in found:
            raise GlueArgumentError("the following arguments are required: --%s" % opt)
        result[opt] = found[opt]
    return result
