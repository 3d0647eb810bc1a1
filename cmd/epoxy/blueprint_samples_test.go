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

// tidyCfg and tidyLayout are a blueprint like the samples that rewrite a
// catalog table's files (compaction, conversion, partitioning): the
// generator checks its parameters (raising botocore's ClientError as
// those samples do), uploads its bundled ETL script to a bucket it creates
// when missing, creates the database and a staging table unless they
// exist, and lays out crawler → job → crawler. DefaultArguments carry
// booleans, a float and an int; Cadence builds the start trigger's
// schedule: Weekly puts Python's weekday (Monday=0) in cron's
// day-of-week field, Custom passes CustomCron through unchanged, and Event
// and Manual give the library's two special OnSchedule values.
const tidyCfg = `{
  "layoutGenerator": "tidy.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String", "collection": false},
    "GlueRole": {"type": "IAMRoleName", "collection": false},
    "SourceLocation": {"type": "S3Uri", "collection": false},
    "TargetDatabase": {"type": "String", "collection": false},
    "TargetTable": {"type": "String", "collection": false},
    "TargetLocation": {"type": "S3Uri", "collection": false},
    "ControlSize": {"type": "Boolean", "collection": false, "defaultValue": false},
    "TargetFileMB": {"type": "Double", "collection": false, "defaultValue": 64},
    "KeepManifest": {"type": "Boolean", "collection": false, "defaultValue": true},
    "Workers": {"type": "Integer", "defaultValue": 2},
    "Cadence": {"type": "String", "collection": false, "defaultValue": "",
                "allowedValues": ["Hourly", "Daily", "Weekly", "Monthly", "Custom", "Event", "Manual", ""]},
    "CustomCron": {"type": "String", "collection": false, "defaultValue": ""},
    "Weekday": {"type": "Integer", "defaultValue": 2}
  }
}`

const tidyLayout = `import boto3
from botocore.exceptions import ClientError
from awsglue.blueprint.workflow import Workflow, Entities
from awsglue.blueprint.job import Job
from awsglue.blueprint.crawler import *
from tidy.helpers import ensure_bucket, ensure_database

CADENCES = {"Hourly": "7 0/1 * * ? *", "Daily": "7 3 * * ? *", "Weekly": "7 3 ? * {weekday} *", "Monthly": "7 3 9 * ? *"}


def schedule(p):
    if not p["Cadence"]:
        return None
    if p["Cadence"] == "Custom":
        return p["CustomCron"]
    if p["Cadence"] in ("Event", "Manual"):
        return {"Event": "EVENT", "Manual": "ON_DEMAND"}[p["Cadence"]]
    return "cron(" + CADENCES[p["Cadence"]].format(weekday=p["Weekday"]) + ")"


def refuse(message):
    raise ClientError({"Error": {"Code": "InvalidInputException", "Message": message}}, "check_parameters")


def generate_layout(user_params, system_params):
    p = user_params
    region, account = system_params["region"], system_params["accountId"]
    if p["SourceLocation"] == p["TargetLocation"]:
        refuse("SourceLocation and TargetLocation must differ.")
    session = boto3.Session(region_name=region)
    glue, s3 = session.client("glue"), session.client("s3")
    name = p["WorkflowName"]

    scripts = "epoxy-scripts-%s-%s" % (account, region)
    ensure_bucket(s3, scripts, account, region)
    key = name + "/tidy_" + p["TargetTable"] + ".py"
    with open("tidy/tidy.py", "rb") as f:
        s3.upload_fileobj(f, scripts, key)

    ensure_database(glue, p["TargetDatabase"])
    staging = "staging_" + p["TargetTable"]
    try:
        found = glue.get_table(DatabaseName=p["TargetDatabase"], Name=staging)
        if found["Table"]["StorageDescriptor"]["Location"] != p["SourceLocation"]:
            refuse("the staging table reads another location")
    except glue.exceptions.EntityNotFoundException:
        glue.create_table(DatabaseName=p["TargetDatabase"], TableInput={
            "Name": staging, "StorageDescriptor": {"Location": p["SourceLocation"]},
            "Parameters": {"groupFiles": "inPartition", "groupSize": "1048576"}})

    source = Crawler(Name=name + "_source", Role=p["GlueRole"],
                     Targets={"CatalogTargets": [{"DatabaseName": p["TargetDatabase"], "Tables": [staging]}]},
                     Grouping={"TableGroupingPolicy": "CombineCompatibleSchemas"},
                     SchemaChangePolicy={"DeleteBehavior": "LOG"})
    arguments = {"--job-language": "python", "--enable-metrics": "", "--control_size": p["ControlSize"],
                 "--target_mb": p["TargetFileMB"], "--manifest": p["KeepManifest"], "--parallelism": p["Workers"],
                 "--target_path": p["TargetLocation"], "--TempDir": "s3://%s/%s/tmp/" % (scripts, name)}
    job = Job(Name=name + "_tidy_" + p["TargetTable"], Role=p["GlueRole"],
              Command={"Name": "glueetl", "ScriptLocation": "s3://%s/%s" % (scripts, key), "PythonVersion": "3"},
              DefaultArguments=arguments, WorkerType="G.1X", NumberOfWorkers=p["Workers"], GlueVersion="2.0",
              DependsOn={source: "SUCCEEDED"})
    target = Crawler(Name=name + "_target", Role=p["GlueRole"], DatabaseName=p["TargetDatabase"],
                     Targets={"S3Targets": [{"Path": p["TargetLocation"]}]}, DependsOn={job: "SUCCEEDED"})
    return Workflow(Name=name, Entities=Entities(Jobs=[job], Crawlers=[source, target]), OnSchedule=schedule(p))
`

// tidyScript is the ETL script the tidy archive bundles.
const tidyScript = "print('tidy up')\n"

// Ensure a table-rewriting blueprint generates its workflow the way Glue
// does, in a region other than us-east-1 (CreateBucket with a
// LocationConstraint): its script is uploaded, the database and staging
// table created, the job's non-string DefaultArguments stored as their
// JSON text, the crawler's unknown Grouping dropped, and the triggers
// chain crawler → job → crawler.
func TestBlueprintSample_TableRewrite(t *testing.T) {
	t.Parallel()
	requireBoto3(t)
	cfg := testConfig(t)
	cfg.Region = "eu-west-1"
	b := setupWith(t, cfg)
	ctx := context.Background()
	archive := gluetest.BlueprintZip(t, "tidy", tidyCfg,
		map[string]string{"layout.py": tidyLayout, "helpers.py": bpHelpersPy, "tidy.py": tidyScript})
	createBlueprint(t, b, "tidy", putBlueprintS3(t, b, "tidy.zip", archive))
	waitBlueprintStatus(t, b, "tidy", types.BlueprintStatusActive)

	params := map[string]any{"WorkflowName": "tidy-wf", "GlueRole": "GlueJobRole", "SourceLocation": "s3://raw/events/",
		"TargetDatabase": "curated", "TargetTable": "events", "TargetLocation": "s3://curated/events/"}
	run := runBlueprint(t, b, "tidy", params, types.BlueprintRunStateSucceeded)
	requireBlueprintDetails(t, b, "tidy-wf", "tidy", aws.ToString(run.RunId))

	scripts := "epoxy-scripts-123456789012-eu-west-1"
	c := builtinS3(b.url, "AKIDTEST", "secret")
	require.Equal(t, tidyScript, getBody(t, c, scripts, "tidy-wf/tidy_events.py", nil))
	staging := getTable(t, b, "curated", "staging_events")
	require.Equal(t, "s3://raw/events/", aws.ToString(staging.StorageDescriptor.Location))
	require.Equal(t, "inPartition", staging.Parameters["groupFiles"])

	s := bpSuffix(t, b, "tidy-wf_tidy_events")
	job, source, target := "tidy-wf_tidy_events_"+s, "tidy-wf_source_"+s, "tidy-wf_target_"+s
	j, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String(job)})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"--job-language": "python", "--enable-metrics": "", "--control_size": "false",
		"--target_mb": "64.0", "--manifest": "true", "--parallelism": "2", "--target_path": "s3://curated/events/",
		"--TempDir": "s3://" + scripts + "/tidy-wf/tmp/"}, j.Job.DefaultArguments)
	require.Equal(t, "glueetl", aws.ToString(j.Job.Command.Name))
	require.Equal(t, "s3://"+scripts+"/tidy-wf/tidy_events.py", aws.ToString(j.Job.Command.ScriptLocation))
	require.Equal(t, "3", aws.ToString(j.Job.Command.PythonVersion))
	require.Equal(t, types.WorkerTypeG1x, j.Job.WorkerType)
	require.Equal(t, int32(2), aws.ToInt32(j.Job.NumberOfWorkers))
	require.Equal(t, "2.0", aws.ToString(j.Job.GlueVersion))
	require.Equal(t, "GlueJobRole", aws.ToString(j.Job.Role))

	src := getCrawler(t, b, source)
	require.Len(t, src.Targets.CatalogTargets, 1)
	require.Equal(t, "curated", aws.ToString(src.Targets.CatalogTargets[0].DatabaseName))
	require.Equal(t, []string{"staging_events"}, src.Targets.CatalogTargets[0].Tables)
	require.Equal(t, types.DeleteBehaviorLog, src.SchemaChangePolicy.DeleteBehavior)
	require.Equal(t, []types.S3Target{{Path: aws.String("s3://curated/events/")}}, bpS3Targets(getCrawler(t, b, target).Targets.S3Targets))

	tJob, tTarget := "tidy-wf_"+job+"_trigger", "tidy-wf_"+target+"_trigger"
	require.Equal(t, bpSortedNames([]string{tJob, tTarget, "tidy-wf_starting_trigger"}), bpTriggerNames(t, b))
	requireCondTrigger(t, b, tJob, "tidy-wf", jobAction(job), types.LogicalAnd, crawlCond(source, types.CrawlStateSucceeded))
	requireCondTrigger(t, b, tTarget, "tidy-wf", bpCrawlerAction(target), types.LogicalAnd, jobCond(job, types.JobRunStateSucceeded))
	start := bpTrigger(t, b, "tidy-wf_starting_trigger")
	require.Equal(t, types.TriggerTypeOnDemand, start.Type)
	require.Equal(t, []types.Action{bpCrawlerAction(source)}, bpActions(start.Actions))
	require.Len(t, getGraph(t, b, "tidy-wf").Nodes, 3+3)

	// The generator's own refusal fails the run with its message.
	params["WorkflowName"], params["TargetLocation"] = "tidy-same", "s3://raw/events/"
	failed := runBlueprint(t, b, "tidy", params, types.BlueprintRunStateFailed)
	require.Contains(t, aws.ToString(failed.ErrorMessage),
		"An error occurred (InvalidInputException) when calling the check_parameters operation: SourceLocation and TargetLocation must differ.")
	require.NotContains(t, bpWorkflowNames(t, b), "tidy-same")
}

// Ensure the schedules a frequency parameter produces are accepted or
// refused as Glue's CreateTrigger does (docs/behaviour.md, Blueprints):
// valid cron(...) expressions give an activated SCHEDULED start trigger,
// OnSchedule "EVENT" an EVENT trigger with a batch of one and "ON_DEMAND"
// an ON_DEMAND one; a
// Python weekday of 0 in the day-of-week field (1-7), a cron without the
// cron(...) wrapper and one firing every minute fail the run, which rolls
// back everything it created; a value outside allowedValues is refused by
// StartBlueprintRun itself.
func TestBlueprintSample_Schedules(t *testing.T) {
	t.Parallel()
	requireBoto3(t)
	b := setup(t)
	archive := gluetest.BlueprintZip(t, "tidy", tidyCfg,
		map[string]string{"layout.py": tidyLayout, "helpers.py": bpHelpersPy, "tidy.py": tidyScript})
	registerBlueprint(t, b, "tidy", archive)
	params := func(workflow, cadence string, more ...any) map[string]any {
		p := map[string]any{"WorkflowName": workflow, "GlueRole": "GlueJobRole", "SourceLocation": "s3://raw/x/",
			"TargetDatabase": "sched", "TargetTable": workflow, "TargetLocation": "s3://curated/x/", "Cadence": cadence}
		for i := 0; i+1 < len(more); i += 2 {
			p[more[i].(string)] = more[i+1]
		}
		return p
	}

	for _, tc := range []struct {
		workflow, cadence string
		more              []any
		want              string
	}{
		{"hourly", "Hourly", nil, "cron(7 0/1 * * ? *)"},
		{"monthly", "Monthly", nil, "cron(7 3 9 * ? *)"},
		{"weekly-tue", "Weekly", []any{"Weekday", 3}, "cron(7 3 ? * 3 *)"},
		{"custom", "Custom", []any{"CustomCron", "cron(30 4 ? * MON-FRI *)"}, "cron(30 4 ? * MON-FRI *)"},
	} {
		runBlueprint(t, b, "tidy", params(tc.workflow, tc.cadence, tc.more...), types.BlueprintRunStateSucceeded)
		start := bpTrigger(t, b, tc.workflow+"_starting_trigger")
		require.Equal(t, types.TriggerTypeScheduled, start.Type, tc.workflow)
		require.Equal(t, types.TriggerStateActivated, start.State, tc.workflow)
		require.Equal(t, tc.want, aws.ToString(start.Schedule), tc.workflow)
	}
	runBlueprint(t, b, "tidy", params("on-event", "Event"), types.BlueprintRunStateSucceeded)
	event := bpTrigger(t, b, "on-event_starting_trigger")
	require.Equal(t, types.TriggerTypeEvent, event.Type)
	require.Equal(t, &types.EventBatchingCondition{BatchSize: aws.Int32(1)}, event.EventBatchingCondition)
	require.Empty(t, aws.ToString(event.Schedule))
	runBlueprint(t, b, "tidy", params("manual", "Manual"), types.BlueprintRunStateSucceeded)
	manual := bpTrigger(t, b, "manual_starting_trigger")
	require.Equal(t, types.TriggerTypeOnDemand, manual.Type)
	require.Empty(t, aws.ToString(manual.Schedule))
	workflows, jobs, triggers := bpWorkflowNames(t, b), bpJobNames(t, b), bpTriggerNames(t, b)

	for _, tc := range []struct {
		workflow, cadence string
		more              []any
		fragments         []string
	}{
		{"weekly-mon", "Weekly", []any{"Weekday", 0}, []string{"Schedule", "cron(7 3 ? * 0 *)"}},
		{"bare", "Custom", []any{"CustomCron", "7 3 * * ? *"}, []string{"Schedule", "7 3 * * ? *"}},
		{"every-minute", "Custom", []any{"CustomCron", "cron(* * * * ? *)"}, []string{"Schedule", "5 minutes"}},
	} {
		run := runBlueprint(t, b, "tidy", params(tc.workflow, tc.cadence, tc.more...), types.BlueprintRunStateFailed)
		msg := aws.ToString(run.ErrorMessage)
		require.Contains(t, msg, "create trigger "+tc.workflow+"_starting_trigger: ", tc.workflow)
		for _, f := range tc.fragments {
			require.Contains(t, msg, f, tc.workflow)
		}
		require.Empty(t, aws.ToString(run.RollbackErrorMessage), tc.workflow)
	}
	require.Equal(t, workflows, bpWorkflowNames(t, b), "failed runs leave no workflow")
	require.Equal(t, jobs, bpJobNames(t, b), "failed runs leave no job")
	require.Equal(t, triggers, bpTriggerNames(t, b), "failed runs leave no trigger")

	err := startBlueprintRunErr(b, "tidy", bpParams(t, params("yearly", "Yearly")))
	requireCode(t, err, "InvalidInputException", "Cadence")
}

// moverCfg and moverLayout are a blueprint like the samples that copy
// between a JDBC database and S3 through a Glue connection (jdbc_to_s3,
// s3_to_jdbc, custom_connection_to_catalog): one job using the connection,
// its worker type a parameter, its script uploaded to a bucket created
// when missing. SourceSchema and RedshiftRole are described as optional
// but have no defaultValue, so a run must give them.
const moverCfg = `{
  "layoutGenerator": "mover.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String", "collection": false},
    "JobRole": {"type": "IAMRoleName", "collection": false},
    "Engine": {"type": "String", "defaultValue": "mysql", "allowedValues": ["mysql", "postgresql", "redshift"]},
    "Connection": {"type": "String", "collection": false},
    "SourceSchema": {"type": "String", "collection": false, "description": "(Optional) schema to read."},
    "SourceTable": {"type": "String", "collection": false},
    "RedshiftRole": {"type": "String", "collection": false, "description": "(Optional) needed for Redshift."},
    "Output": {"type": "S3Uri", "collection": false},
    "PartitionKeys": {"type": "String", "collection": true, "defaultValue": [""]},
    "Bookmarks": {"type": "Boolean", "collection": false, "defaultValue": true},
    "WorkerType": {"type": "String", "defaultValue": "G.1X", "allowedValues": ["G.1X", "G.2X"]},
    "Workers": {"type": "Integer", "defaultValue": 5}
  }
}`

const moverLayout = `import boto3
from awsglue.blueprint.workflow import Workflow, Entities
from awsglue.blueprint.job import Job
from awsglue.blueprint.crawler import *
from mover.helpers import ensure_bucket


def generate_layout(user_params, system_params):
    p = user_params
    region, account = system_params["region"], system_params["accountId"]
    s3 = boto3.Session(region_name=region).client("s3")
    scripts, temp = "mover-scripts-" + account, "mover-temp-" + account
    for bucket in (scripts, temp):
        ensure_bucket(s3, bucket, account, region)
    key = "%s/copy_%s.py" % (p["WorkflowName"], p["SourceTable"])
    with open("mover/copy.py", "rb") as f:
        s3.upload_fileobj(f, scripts, key)

    arguments = {"--account_id": account, "--region": region, "--TempDir": "s3://%s/%s/" % (temp, p["WorkflowName"]),
                 "--connection": p["Connection"], "--engine": p["Engine"], "--table": p["SourceTable"],
                 "--output": p["Output"], "--job-bookmark-option": "job-bookmark-" + ("enable" if p["Bookmarks"] else "disable")}
    if p["SourceSchema"]:
        arguments["--schema"] = p["SourceSchema"]
    if p["RedshiftRole"]:
        arguments["--redshift_role"] = p["RedshiftRole"]
    keys = [k for k in p["PartitionKeys"] if k]
    if keys:
        arguments["--partition_keys"] = ",".join(keys)
    job = Job(Name="%s_copy_%s" % (p["WorkflowName"], p["SourceTable"]), Role=p["JobRole"],
              Command={"Name": "glueetl", "ScriptLocation": "s3://%s/%s" % (scripts, key), "PythonVersion": "3"},
              DefaultArguments=arguments, Connections={"Connections": [p["Connection"]]},
              WorkerType=p["WorkerType"], NumberOfWorkers=p["Workers"], GlueVersion="4.0")
    return Workflow(Name=p["WorkflowName"], Entities=Entities(Jobs=[job], Crawlers=[]))
`

// Ensure a connection-based copy blueprint generates its one-job workflow:
// parameters described "(Optional)" without a defaultValue are mandatory,
// the job keeps its connection, worker type and Glue version, a collection
// of partition keys is joined by the generator, and the start trigger is
// on demand. The connection need not exist (Glue's CreateJob does not look
// it up); a run of the job would need it.
func TestBlueprintSample_ConnectionCopy(t *testing.T) {
	t.Parallel()
	requireBoto3(t)
	b := setup(t)
	ctx := context.Background()
	archive := gluetest.BlueprintZip(t, "mover", moverCfg,
		map[string]string{"layout.py": moverLayout, "helpers.py": bpHelpersPy, "copy.py": "print('copy')\n"})
	registerBlueprint(t, b, "mover", archive)

	params := map[string]any{"WorkflowName": "orders-to-s3", "JobRole": "GlueJobRole", "Connection": "warehouse-mysql",
		"SourceTable": "orders", "Output": "s3://exports/orders/"}
	err := startBlueprintRunErr(b, "mover", bpParams(t, params))
	requireCode(t, err, "InvalidInputException", "SourceSchema")
	params["SourceSchema"] = ""
	err = startBlueprintRunErr(b, "mover", bpParams(t, params))
	requireCode(t, err, "InvalidInputException", "RedshiftRole")
	params["RedshiftRole"] = ""
	err = startBlueprintRunErr(b, "mover", bpParams(t, map[string]any{"WorkflowName": "x", "JobRole": "r", "Connection": "c",
		"SourceSchema": "", "SourceTable": "t", "RedshiftRole": "", "Output": "s3://exports/", "WorkerType": "G.8X"}))
	requireCode(t, err, "InvalidInputException", "WorkerType")

	params["PartitionKeys"], params["Bookmarks"], params["WorkerType"] = []string{"country", "day"}, false, "G.2X"
	run := runBlueprint(t, b, "mover", params, types.BlueprintRunStateSucceeded)
	requireBlueprintDetails(t, b, "orders-to-s3", "mover", aws.ToString(run.RunId))
	s := bpSuffix(t, b, "orders-to-s3_copy_orders")
	j, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("orders-to-s3_copy_orders_" + s)})
	require.NoError(t, err)
	require.Equal(t, []string{"warehouse-mysql"}, j.Job.Connections.Connections)
	require.Equal(t, types.WorkerTypeG2x, j.Job.WorkerType)
	require.Equal(t, int32(5), aws.ToInt32(j.Job.NumberOfWorkers))
	require.Equal(t, "4.0", aws.ToString(j.Job.GlueVersion))
	require.Equal(t, map[string]string{"--account_id": "123456789012", "--region": "us-east-1",
		"--TempDir": "s3://mover-temp-123456789012/orders-to-s3/", "--connection": "warehouse-mysql", "--engine": "mysql",
		"--table": "orders", "--output": "s3://exports/orders/", "--job-bookmark-option": "job-bookmark-disable",
		"--partition_keys": "country,day"}, j.Job.DefaultArguments)
	c := builtinS3(b.url, "AKIDTEST", "secret")
	require.Equal(t, "print('copy')\n", getBody(t, c, "mover-scripts-123456789012", "orders-to-s3/copy_orders.py", nil))
	require.Equal(t, []string{"orders-to-s3_starting_trigger"}, bpTriggerNames(t, b))
	start := bpTrigger(t, b, "orders-to-s3_starting_trigger")
	require.Equal(t, types.TriggerTypeOnDemand, start.Type)
	require.Equal(t, []types.Action{jobAction("orders-to-s3_copy_orders_" + s)}, bpActions(start.Actions))
	require.Empty(t, bpCrawlerNames(t, b))
}

// loaderCfg and loaderLayout are a blueprint like the samples that load S3
// data into another store or re-encode it (s3_to_dynamodb, encoding,
// standard_table_to_governed): S3Uri parameters with placeholder defaults,
// a Double whose default goes into DefaultArguments, HeadBucket without
// ExpectedBucketOwner whose every ClientError means "create it", and a
// workflow of one job and an explicitly empty crawler list.
const loaderCfg = `{
  "layoutGenerator": "loader.layout.generate_layout",
  "parameterSpec": {
    "WorkflowName": {"type": "String", "collection": false},
    "IAMRole": {"type": "IAMRoleName", "collection": false},
    "Input": {"type": "S3Uri", "collection": false, "defaultValue": "s3://path/to/input/"},
    "Output": {"type": "S3Uri", "collection": false, "defaultValue": "s3://path/to/output/"},
    "Encoding": {"type": "String", "collection": false, "defaultValue": "sjis"},
    "Target": {"type": "String", "collection": false},
    "WritePercent": {"type": "Double", "collection": false, "defaultValue": 0.5},
    "Workers": {"type": "Integer", "defaultValue": 5}
  }
}`

const loaderLayout = `import boto3
from botocore.client import ClientError
from awsglue.blueprint.workflow import *
from awsglue.blueprint.job import *
from awsglue.blueprint.crawler import *


def generate_layout(user_params, system_params):
    p = user_params
    s3 = boto3.Session(region_name=system_params["region"]).client("s3")
    bucket = "loader-%s-%s" % (system_params["accountId"], system_params["region"])
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as err:
        print(err, err.response["ResponseMetadata"]["HTTPStatusCode"])
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="load.py", Body=b"print('load')\n")
    arguments = {"--input_path": p["Input"], "--output_path": p["Output"], "--encoding": p["Encoding"],
                 "--target": p["Target"], "--write_percent": p["WritePercent"], "--enable-metrics": ""}
    job = Job(Name=p["WorkflowName"] + "_load", Role=p["IAMRole"], Command={"Name": "glueetl",
              "ScriptLocation": "s3://%s/load.py" % bucket}, DefaultArguments=arguments,
              WorkerType="G.1X", NumberOfWorkers=p["Workers"], GlueVersion="2.0", MaxRetries=0, Timeout=0)
    return Workflow(Name=p["WorkflowName"], Description=None, Entities=Entities(Jobs=[job], Crawlers=[]))
`

// Ensure a load blueprint generates its workflow with its defaults: the
// placeholder S3Uri defaults, the Double 0.5 as "0.5", falsy job fields
// (MaxRetries=0, Timeout=0) left to Glue's defaults, Description=None as
// no description; and that a second run finds the bucket and reuses it.
func TestBlueprintSample_Load(t *testing.T) {
	t.Parallel()
	requireBoto3(t)
	b := setup(t)
	ctx := context.Background()
	registerBlueprint(t, b, "loader", gluetest.BlueprintZip(t, "loader", loaderCfg, map[string]string{"layout.py": loaderLayout}))

	for _, wf := range []string{"load-a", "load-b"} {
		run := runBlueprint(t, b, "loader", map[string]any{"WorkflowName": wf, "IAMRole": "GlueJobRole", "Target": "orders"},
			types.BlueprintRunStateSucceeded)
		require.Nil(t, requireBlueprintDetails(t, b, wf, "loader", aws.ToString(run.RunId)).Description)
		s := bpSuffix(t, b, wf+"_load")
		j, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String(wf + "_load_" + s)})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"--input_path": "s3://path/to/input/", "--output_path": "s3://path/to/output/",
			"--encoding": "sjis", "--target": "orders", "--write_percent": "0.5", "--enable-metrics": ""}, j.Job.DefaultArguments)
		require.Equal(t, int32(0), j.Job.MaxRetries)
		require.Equal(t, int32(2880), aws.ToInt32(j.Job.Timeout), "Glue's default timeout")
		require.Equal(t, "s3://loader-123456789012-us-east-1/load.py", aws.ToString(j.Job.Command.ScriptLocation))
	}
}
