"""The error a script gets for the Spark parts of Glue where there is no
Spark (Epoxy's stand-ins for awsglue.context and friends, and pyspark in
pythonshell jobs)."""

MESSAGE = (
    "this script needs a Spark runtime (GlueContext, pyspark): pythonshell "
    "jobs have none; run it as a glueetl job through epoxy serve --etl-runner "
    "(for example spark-submit, with AWS Glue's libraries installed)"
)


def unavailable(module):
    """Raise the ImportError for a Spark module that is not available."""
    raise ImportError("%s is not available: %s" % (module, MESSAGE), name=module)
