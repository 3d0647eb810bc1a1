package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// BenchmarkCrawl1000Partitions crawls a local tree of 1,000 Hive-style
// partitions of 10 small CSV files each (10,000 files) into a new
// database per op: the whole first crawl, listing, sampling every file,
// creating the table and its 1,000 partitions.
func BenchmarkCrawl1000Partitions(b *testing.B) {
	bundle := setupWith(b, testConfig(b))
	ctx := context.Background()
	root := b.TempDir()
	files := map[string]string{}
	for p := range 1000 {
		for f := range 10 {
			files[fmt.Sprintf("events/day=%04d/part-%d.csv", p, f)] = "id,name,score\n1,a,0.5\n2,b,1\n"
		}
	}
	writeTree(b, root, files)
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf("bench%d", i)
		_, err := bundle.client.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: aws.String(name)}})
		require.NoError(b, err)
		_, err = bundle.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String(name), Role: aws.String(runRole),
			DatabaseName: aws.String(name), Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(root + "/events")}}}})
		require.NoError(b, err)
		_, err = bundle.client.StartCrawler(ctx, &glue.StartCrawlerInput{Name: aws.String(name)})
		require.NoError(b, err)
		gluetest.Eventually(b, runWait, func() bool {
			out, err := bundle.client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String(name)})
			require.NoError(b, err)
			return out.Crawler.State == types.CrawlerStateReady && out.Crawler.LastCrawl != nil
		}, "crawl %s did not end", name)
		out, err := bundle.client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String(name), Name: aws.String("events")})
		require.NoError(b, err)
		require.Equal(b, "10000", out.Table.Parameters["objectCount"])
	}
}
