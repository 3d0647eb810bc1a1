package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/stretchr/testify/require"

	gluedom "github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
)

// seedLargeTable stores db.events, partitioned by year (int), month (int),
// day (int) and source (string), with n partitions.
//
// White-box: the partitions are written through the store directly, in one
// transaction, since creating 100,000 partitions through the API would
// take most of the benchmark's time and measure something else.
func seedLargeTable(tb testing.TB, b *testBundle, n int) {
	tb.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	err := b.app.store.Update(ctx, func(tx store.Tx) error {
		c := tx.Catalog()
		if err := c.InsertDatabase(ctx, &gluedom.Database{Name: "db", CreateTime: gluedom.At(now)}); err != nil {
			return err
		}
		t := &gluedom.Table{Name: "events", DatabaseName: "db", VersionId: "1", CreateTime: gluedom.At(now), UpdateTime: gluedom.At(now),
			PartitionKeys: []gluedom.Column{{Name: "year", Type: "int"}, {Name: "month", Type: "int"}, {Name: "day", Type: "int"}, {Name: "source", Type: "string"}}}
		if err := c.InsertTable(ctx, t); err != nil {
			return err
		}
		for i := range n {
			vs := []string{fmt.Sprint(2000 + i/(12*28*10)), fmt.Sprint(1 + i/(28*10)%12), fmt.Sprint(1 + i/10%28), fmt.Sprint("src", i%10)}
			loc := "s3://bucket/events/" + vs[0] + "/" + vs[1] + "/" + vs[2] + "/" + vs[3] + "/"
			if err := c.InsertPartition(ctx, &gluedom.Partition{Values: vs, DatabaseName: "db", TableName: "events", CreationTime: gluedom.At(now),
				StorageDescriptor: &gluedom.StorageDescriptor{Location: &loc}}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(tb, err)
}

// BenchmarkGetPartitionsExpression measures GetPartitions through the SDK
// on a table of 100,000 partitions, with an expression that selects 10 of
// them (one day of one month of one year, every source), on SQLite and,
// when TEST_DATABASE_URL is set, on PostgreSQL. It reports the median
// latency as p50-ms.
func BenchmarkGetPartitionsExpression(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchGetPartitionsExpression(b, testConfig(b)) })
	b.Run("postgres", func(b *testing.B) {
		cfg := testConfig(b)
		var err error
		cfg.store, err = parseStore(pgtest.URL(b))
		require.NoError(b, err)
		benchGetPartitionsExpression(b, cfg)
	})
}

func benchGetPartitionsExpression(b *testing.B, cfg *serveConfig) {
	tb := setupWith(b, cfg)
	seedLargeTable(b, tb, 100_000)
	in := &glue.GetPartitionsInput{DatabaseName: aws.String("db"), TableName: aws.String("events"),
		Expression: aws.String("year = 2015 AND month BETWEEN 6 AND 6 AND day IN (14) AND source LIKE 'src%'")}
	ctx := context.Background()
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		out, err := tb.client.GetPartitions(ctx, in)
		lat = append(lat, time.Since(start))
		if err != nil || len(out.Partitions) != 10 {
			b.Fatalf("GetPartitions: %v, %d partitions", err, len(out.Partitions))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}
