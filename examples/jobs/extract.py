"""Example Glue Python shell job: reads its arguments as Glue passes them."""
import sys

from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
print(f"extract: job {args['JOB_NAME']} extracting")
