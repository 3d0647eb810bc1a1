package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// pipelineProducer writes two days of CSV into the built-in S3 with a plain
// boto3 client, Hive-style by day.
const pipelineProducer = `import boto3
s3 = boto3.client("s3")
s3.create_bucket(Bucket="lake")
for day, rows in (("2026-01-01", "1,10\n2,20\n"), ("2026-01-02", "3,30\n")):
    s3.put_object(Bucket="lake", Key="sales/day=%s/part-0.csv" % day, Body="id,amount\n" + rows)
`

// pipelineConsumer reads the table the crawler wrote with a plain boto3
// Glue client and fails unless it has the inferred schema and partitions.
const pipelineConsumer = `import sys, boto3
glue = boto3.client("glue")
table = glue.get_table(DatabaseName="lake", Name="sales")["Table"]
cols = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
keys = [k["Name"] for k in table["PartitionKeys"]]
parts = sorted(p["Values"][0] for p in glue.get_partitions(DatabaseName="lake", TableName="sales")["Partitions"])
print(cols, keys, parts)
if cols != [("id", "bigint"), ("amount", "bigint")] or keys != ["day"] or parts != ["2026-01-01", "2026-01-02"]:
    sys.exit("unexpected table: %s %s %s" % (cols, keys, parts))
`

// Ensure a whole Glue pipeline runs offline on one Epoxy: a job writes CSV
// to the built-in S3 with plain boto3.client("s3"), a crawler catalogs it,
// and a last job reads the table with boto3.client("glue").get_table — all
// through triggers of one workflow run.
func TestPipeline_JobCrawlerJob(t *testing.T) {
	requireBoto3(t)
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	_, err := b.client.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("lake")}})
	require.NoError(t, err)
	scriptJob(t, b, "produce", pyScript(t, dir, "produce", pipelineProducer))
	scriptJob(t, b, "consume", pyScript(t, dir, "consume", pipelineConsumer))
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("catalog-sales"), Role: aws.String(runRole),
		DatabaseName: aws.String("lake"),
		Targets:      &gluetypes.CrawlerTargets{S3Targets: []gluetypes.S3Target{{Path: aws.String("s3://lake/sales/")}}}})
	require.NoError(t, err)
	mustWorkflow(t, b, "pipeline")
	mustTrigger(t, b, startTrigger("pipeline", "start", jobAction("produce")))
	mustTrigger(t, b, condTrigger("pipeline", "crawl", gluetypes.LogicalAnd,
		[]gluetypes.Condition{jobCond("produce", gluetypes.JobRunStateSucceeded)}, gluetypes.Action{CrawlerName: aws.String("catalog-sales")}))
	mustTrigger(t, b, condTrigger("pipeline", "read", gluetypes.LogicalAnd,
		[]gluetypes.Condition{crawlCond("catalog-sales", gluetypes.CrawlStateSucceeded)}, jobAction("consume")))

	run := waitRunStatus(t, b, "pipeline", startRun(t, b, "pipeline", nil), gluetypes.WorkflowRunStatusCompleted, runWait)
	require.Equal(t, gluetypes.WorkflowRunStatistics{TotalActions: 3, SucceededActions: 3}, *run.Statistics, describeRun(run))
	require.Equal(t, gluetypes.JobRunStateSucceeded, onlyJobRun(t, run, "consume").JobRunState, describeRun(run))
	table, err := b.client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("lake"), Name: aws.String("sales")})
	require.NoError(t, err)
	require.Equal(t, "s3://lake/sales/", aws.ToString(table.Table.StorageDescriptor.Location))
	require.Equal(t, "csv", table.Table.Parameters["classification"])
}
