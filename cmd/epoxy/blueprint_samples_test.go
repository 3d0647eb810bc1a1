package main

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// Blueprints written for these tests in the spirit of the public samples
// of awslabs/aws-glue-blueprint-libs (not copies of them): generators that
// call S3 and the Data Catalog through plain boto3 clients while they lay
// out the workflow, parameters of every type, non-string DefaultArguments
// values and schedules built from a "frequency" parameter.

// bpHelpersPy is a module the sample-like archives share: creating a bucket
// when HeadBucket (with ExpectedBucketOwner) answers 404, and a database
// unless it already exists.
const bpHelpersPy = `from botocore.exceptions import ClientError


def ensure_bucket(s3, bucket, account, region):
    """Create bucket unless HeadBucket finds it; True when it was created."""
    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
        return False
    except ClientError as err:
        if err.response["Error"]["Code"] != "404":
            raise
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    return True


def ensure_database(glue, name):
    try:
        glue.create_database(DatabaseInput={"Name": name, "Description": "made by a blueprint"})
    except glue.exceptions.AlreadyExistsException:
        pass
`

// putBlueprintS3 stores archive in the built-in S3 (bucket "blueprints")
// and returns its s3:// location, as a user publishes a blueprint.
func putBlueprintS3(t *testing.T, b *testBundle, key string, archive []byte) string {
	t.Helper()
	ctx := context.Background()
	c := builtinS3(b.url, "AKIDTEST", "secret")
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("blueprints")}); err != nil {
		_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("blueprints")})
		require.NoError(t, err)
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("blueprints"), Key: aws.String(key), Body: bytes.NewReader(archive)})
	require.NoError(t, err)
	return "s3://blueprints/" + key
}

// crawlPathsCfg and crawlPathsLayout are a blueprint like the sample that
// crawls a list of S3 locations: the generator seeds each location with a
// CSV file (creating its bucket when missing), creates the database and
// lays out one crawler per location, each waiting for the previous one.
const crawlPathsCfg = `{
  "layoutGenerator": "crawl_paths.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String", "collection": false, "description": "Workflow to create."},
    "CrawlerRole": {"type": "IAMRoleName", "collection": false},
    "Locations": {"type": "S3Uri", "collection": true, "description": "Folders to catalog."},
    "Database": {"type": "String", "collection": false},
    "Prefix": {"type": "String", "collection": false, "description": "(Optional) table prefix.", "defaultValue": ""}
  }
}`

const crawlPathsLayout = `import boto3
from awsglue.blueprint.workflow import *
from awsglue.blueprint.job import *
from awsglue.blueprint.crawler import *
from crawl_paths.helpers import ensure_bucket, ensure_database

s3 = boto3.client("s3")  # made at import time, as generators do


def seed(location, index, account, region):
    bucket, _, folder = location[len("s3://"):].partition("/")
    created = ensure_bucket(s3, bucket, account, region)
    rows = "id,name,amount\n%d,first,1.5\n%d,second,2.25\n" % (index * 10 + 1, index * 10 + 2)
    s3.put_object(Bucket=bucket, Key=folder.rstrip("/") + "/part-0.csv", Body=rows.encode())
    print("seeded", location, "created bucket" if created else "bucket existed")


def generate_layout(user_params, system_params):
    region, account = system_params["region"], system_params["accountId"]
    glue = boto3.Session(region_name=region).client("glue")
    ensure_database(glue, user_params["Database"])
    name = user_params["WorkflowName"]
    crawlers, before = [], None
    for i, location in enumerate(user_params["Locations"]):
        seed(location, i, account, region)
        kw = {"DependsOn": {before: "SUCCEEDED"}} if before else {}
        crawler = Crawler(Name="%s_crawler_%d" % (name, i), Role=user_params["CrawlerRole"],
                          DatabaseName=user_params["Database"], TablePrefix=user_params["Prefix"],
                          Targets={"S3Targets": [{"Path": location}]}, **kw)
        crawlers.append(crawler)
        before = crawler
    return Workflow(Name=name, Entities=Entities(Jobs=[], Crawlers=crawlers))
`

// Ensure a crawl-the-locations blueprint runs end to end on one Epoxy: it
// registers from the built-in S3; its generator finds the first bucket
// missing (HeadBucket with ExpectedBucketOwner answers 404) and creates
// it, finds the second one existing, puts objects and creates the
// database; the workflow chains the crawlers (an empty TablePrefix is
// dropped, a given one kept); StartWorkflowRun crawls the built-in S3 for
// real and the tables appear in the catalog.
func TestBlueprintSample_CrawlLocationsEndToEnd(t *testing.T) {
	t.Parallel()
	requireBoto3(t)
	b := setup(t)
	ctx := context.Background()
	c := builtinS3(b.url, "AKIDTEST", "secret")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("existing")})
	require.NoError(t, err)

	archive := gluetest.BlueprintZip(t, "crawl_paths", crawlPathsCfg,
		map[string]string{"layout.py": crawlPathsLayout, "helpers.py": bpHelpersPy})
	createBlueprint(t, b, "crawl-paths", putBlueprintS3(t, b, "crawl_paths.zip", archive))
	waitBlueprintStatus(t, b, "crawl-paths", types.BlueprintStatusActive)

	locations := []string{"s3://fresh-data/landing/sales/", "s3://existing/ref/Stores/", "s3://fresh-data/landing/returns/"}
	run := runBlueprint(t, b, "crawl-paths", map[string]any{"WorkflowName": "crawl-wf", "CrawlerRole": "GlueCrawlerRole",
		"Locations": locations, "Database": "Lake"}, types.BlueprintRunStateSucceeded)
	requireBlueprintDetails(t, b, "crawl-wf", "crawl-paths", aws.ToString(run.RunId))
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("fresh-data")})
	require.NoError(t, err, "the generator created the missing bucket")
	require.Equal(t, "id,name,amount\n11,first,1.5\n12,second,2.25\n", getBody(t, c, "existing", "ref/Stores/part-0.csv", nil))
	db, err := b.client.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("lake")})
	require.NoError(t, err)
	require.Equal(t, "made by a blueprint", aws.ToString(db.Database.Description))

	crawlers := bpCrawlerNames(t, b)
	require.Len(t, crawlers, 3)
	s := crawlers[0][len("crawl-wf_crawler_0_"):]
	n := func(i string) string { return "crawl-wf_crawler_" + i + "_" + s }
	require.Equal(t, []string{n("0"), n("1"), n("2")}, crawlers)
	require.Empty(t, bpJobNames(t, b))
	for i, loc := range locations {
		cr := getCrawler(t, b, n(strconv.Itoa(i)))
		require.Equal(t, "Lake", aws.ToString(cr.DatabaseName), "kept as given")
		require.Equal(t, "GlueCrawlerRole", aws.ToString(cr.Role))
		require.Empty(t, aws.ToString(cr.TablePrefix), "an empty TablePrefix is not stored")
		require.Equal(t, []types.S3Target{{Path: aws.String(loc)}}, bpS3Targets(cr.Targets.S3Targets))
	}
	tr := func(i string) string { return "crawl-wf_" + n(i) + "_trigger" }
	require.Equal(t, bpSortedNames([]string{tr("1"), tr("2"), "crawl-wf_starting_trigger"}), bpTriggerNames(t, b))
	requireCondTrigger(t, b, tr("1"), "crawl-wf", bpCrawlerAction(n("1")), types.LogicalAnd, crawlCond(n("0"), types.CrawlStateSucceeded))
	requireCondTrigger(t, b, tr("2"), "crawl-wf", bpCrawlerAction(n("2")), types.LogicalAnd, crawlCond(n("1"), types.CrawlStateSucceeded))
	start := bpTrigger(t, b, "crawl-wf_starting_trigger")
	require.Equal(t, types.TriggerTypeOnDemand, start.Type)
	require.Equal(t, []types.Action{bpCrawlerAction(n("0"))}, bpActions(start.Actions))

	wr := startRun(t, b, "crawl-wf", nil)
	done := waitRunStatus(t, b, "crawl-wf", wr, types.WorkflowRunStatusCompleted, bpWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 3, SucceededActions: 3}, done)
	for table, loc := range map[string]string{"sales": locations[0], "stores": locations[1], "returns": locations[2]} {
		tb := getTable(t, b, "lake", table)
		require.Equal(t, loc, aws.ToString(tb.StorageDescriptor.Location), "table %s", table)
		require.Equal(t, []string{"id:bigint", "name:string", "amount:double"}, columnList(tb.StorageDescriptor.Columns), "table %s", table)
	}

	// A second run with a prefix: the buckets and the database exist now.
	run = runBlueprint(t, b, "crawl-paths", map[string]any{"WorkflowName": "crawl-again", "CrawlerRole": "GlueCrawlerRole",
		"Locations": locations[:1], "Database": "lake", "Prefix": "raw_"}, types.BlueprintRunStateSucceeded)
	requireBlueprintDetails(t, b, "crawl-again", "crawl-paths", aws.ToString(run.RunId))
	again := bpTrigger(t, b, "crawl-again_starting_trigger")
	require.Len(t, again.Actions, 1)
	require.Equal(t, "raw_", aws.ToString(getCrawler(t, b, aws.ToString(again.Actions[0].CrawlerName)).TablePrefix))
	done = waitRunStatus(t, b, "crawl-again", startRun(t, b, "crawl-again", nil), types.WorkflowRunStatusCompleted, bpWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, SucceededActions: 1}, done)
	require.Equal(t, locations[0], aws.ToString(getTable(t, b, "lake", "raw_sales").StorageDescriptor.Location))
}

// bpS3Targets keeps only the paths and exclusions of S3 targets.
func bpS3Targets(targets []types.S3Target) []types.S3Target {
	out := make([]types.S3Target, len(targets))
	for i, tg := range targets {
		out[i] = types.S3Target{Path: tg.Path, Exclusions: tg.Exclusions}
	}
	return out
}
