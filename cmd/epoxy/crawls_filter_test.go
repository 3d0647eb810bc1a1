package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// crawlsWhere lists a crawler's crawls through one filter.
func crawlsWhere(t *testing.T, b *testBundle, crawler string, f types.CrawlsFilter) ([]types.CrawlerHistory, error) {
	t.Helper()
	out, err := b.client.ListCrawls(context.Background(), &glue.ListCrawlsInput{CrawlerName: aws.String(crawler), Filters: []types.CrawlsFilter{f}})
	if err != nil {
		return nil, err
	}
	return out.Crawls, nil
}

func timeFilter(field types.FieldName, op types.FilterOperator, ms int64) types.CrawlsFilter {
	return types.CrawlsFilter{FieldName: field, FilterOperator: op, FieldValue: aws.String(strconv.FormatInt(ms, 10))}
}

// Ensure ListCrawls reads START_TIME and END_TIME as epoch milliseconds, as
// AWS documents them.
func TestListCrawls_TimeFiltersAreEpochMillis(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.csv"), []byte("id\n1\n"), 0o644))
	s3Crawler(t, b, "timed", dir)
	_, err := b.client.StartCrawler(context.Background(), &glue.StartCrawlerInput{Name: aws.String("timed")})
	require.NoError(t, err)
	waitCrawlerReady(t, b, "timed")
	crawl := listCrawls(t, b, "timed")[0]
	start, end := crawl.StartTime.UnixMilli(), crawl.EndTime.UnixMilli()

	for _, c := range []struct {
		f    types.CrawlsFilter
		want int
	}{
		{timeFilter(types.FieldNameStartTime, types.FilterOperatorGe, start), 1},
		{timeFilter(types.FieldNameStartTime, types.FilterOperatorLt, start), 0},
		{timeFilter(types.FieldNameStartTime, types.FilterOperatorEq, start), 1},
		{timeFilter(types.FieldNameEndTime, types.FilterOperatorLe, end), 1},
		{timeFilter(types.FieldNameEndTime, types.FilterOperatorGt, end), 0},
	} {
		got, err := crawlsWhere(t, b, "timed", c.f)
		require.NoError(t, err)
		require.Len(t, got, c.want, "%s %s %s", c.f.FieldName, c.f.FilterOperator, *c.f.FieldValue)
	}
}

// Ensure ListCrawls refuses the filters Glue refuses, also when the crawler
// has no crawls, and names an unknown crawler as Glue does.
func TestListCrawls_FilterErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mustCrawler(t, b, "idle")
	_, err := crawlsWhere(t, b, "idle", types.CrawlsFilter{FieldName: types.FieldNameState, FilterOperator: types.FilterOperatorEq})
	requireCode(t, err, "InvalidInputException", "Filters[0].FieldValue")
	_, err = crawlsWhere(t, b, "idle", types.CrawlsFilter{FieldName: types.FieldNameState, FilterOperator: types.FilterOperatorGt, FieldValue: aws.String("COMPLETED")})
	requireCode(t, err, "InvalidInputException", "Filters[0].FilterOperator")
	_, err = crawlsWhere(t, b, "idle", types.CrawlsFilter{FieldName: types.FieldNameCrawlId, FilterOperator: types.FilterOperatorLe, FieldValue: aws.String("x")})
	requireCode(t, err, "InvalidInputException", "CRAWL_ID")
	_, err = crawlsWhere(t, b, "idle", timeFilter(types.FieldNameStartTime, types.FilterOperatorGt, 0))
	require.NoError(t, err)
	_, err = crawlsWhere(t, b, "idle", types.CrawlsFilter{FieldName: types.FieldNameStartTime, FilterOperator: types.FilterOperatorGt, FieldValue: aws.String("yesterday")})
	requireCode(t, err, "InvalidInputException", "Filters[0].FieldValue")
	got, err := crawlsWhere(t, b, "idle", types.CrawlsFilter{FieldName: types.FieldNameState, FilterOperator: types.FilterOperatorNe, FieldValue: aws.String("FAILED")})
	require.NoError(t, err)
	require.Empty(t, got)

	_, err = b.client.ListCrawls(context.Background(), &glue.ListCrawlsInput{CrawlerName: aws.String("ghost")})
	requireCode(t, err, "EntityNotFoundException", "Crawler entry with name ghost does not exist")
}

// Ensure GetCrawler returns an empty Classifiers list it was given.
func TestCrawler_KeepsEmptyClassifiers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("plain"), Role: aws.String("role"), Classifiers: []string{},
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String("/tmp/data")}}}})
	require.NoError(t, err)
	got, err := b.client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("plain")})
	require.NoError(t, err)
	require.NotNil(t, got.Crawler.Classifiers)
	require.Empty(t, got.Crawler.Classifiers)
	mustCrawler(t, b, "unset")
	got, err = b.client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("unset")})
	require.NoError(t, err)
	require.Nil(t, got.Crawler.Classifiers, "a crawler created without Classifiers has none")
}
