"""Epoxy's stand-in for ``awsglue.job``, which needs Spark: importing it
fails with an error saying so (AWS Glue's own awsglue package, when
installed, takes precedence over these stand-ins)."""

from epoxy_spark import unavailable

unavailable(__name__)
