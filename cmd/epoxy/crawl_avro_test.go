package main

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/hamba/avro/v2/ocf"
	"github.com/stretchr/testify/require"
)

// Ensure a crawl classifies Avro object container files from their
// header's schema: the table has the record's fields as columns, the
// AvroSerDe and Avro container formats, and the records counted.
func TestCrawl_Avro(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var buf bytes.Buffer
	enc, err := ocf.NewEncoder(`{"type":"record","name":"Event","fields":[{"name":"id","type":"long"},
		{"name":"kind","type":["null","string"]},{"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}}]}`,
		&buf, ocf.WithCodec(ocf.Deflate))
	require.NoError(t, err)
	for i := range 4 {
		require.NoError(t, enc.Encode(map[string]any{"id": int64(i), "kind": map[string]any{"string": "click"}, "at": int64(i)}))
	}
	require.NoError(t, enc.Close())
	root := t.TempDir()
	writeTree(t, root, map[string]string{"events/part-0.avro": buf.String()})
	createDatabase(t, b, "avro")
	_, err = b.client.CreateCrawler(t.Context(), &glue.CreateCrawlerInput{Name: aws.String("avro"), Role: aws.String(runRole),
		DatabaseName: aws.String("avro"), Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(root + "/events")}}}})
	require.NoError(t, err)
	c := crawlOnce(t, b, "avro")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	events := getTable(t, b, "avro", "events")
	require.Equal(t, []string{"id:bigint", "kind:string", "at:timestamp"}, columnList(events.StorageDescriptor.Columns))
	require.Equal(t, "avro", events.Parameters["classification"])
	require.Equal(t, "4", events.Parameters["recordCount"])
	sd := events.StorageDescriptor
	require.Equal(t, "org.apache.hadoop.hive.serde2.avro.AvroSerDe", aws.ToString(sd.SerdeInfo.SerializationLibrary))
	require.Equal(t, "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat", aws.ToString(sd.InputFormat))
	require.Equal(t, "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat", aws.ToString(sd.OutputFormat))
}
