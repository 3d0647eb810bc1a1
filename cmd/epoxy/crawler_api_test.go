package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

func TestCrawler_Lifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{
		Name: aws.String("c"), Role: aws.String("role"), DatabaseName: aws.String("db"), TablePrefix: aws.String("raw_"),
		Targets: &types.CrawlerTargets{
			S3Targets:      []types.S3Target{{Path: aws.String("s3://bucket/data"), Exclusions: []string{"**.tmp"}}},
			CatalogTargets: []types.CatalogTarget{{DatabaseName: aws.String("db"), Tables: []string{"t"}}},
		},
		Schedule:           aws.String("cron(0 12 * * ? *)"),
		SchemaChangePolicy: &types.SchemaChangePolicy{UpdateBehavior: types.UpdateBehaviorLog, DeleteBehavior: types.DeleteBehaviorLog},
		RecrawlPolicy:      &types.RecrawlPolicy{RecrawlBehavior: types.RecrawlBehaviorCrawlEverything},
		Configuration:      aws.String(`{"Version":1.0}`),
	})
	require.NoError(t, err)
	got, err := b.client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("c")})
	require.NoError(t, err)
	c := got.Crawler
	require.Equal(t, types.CrawlerStateReady, c.State)
	require.Equal(t, "cron(0 12 * * ? *)", *c.Schedule.ScheduleExpression)
	require.Equal(t, types.ScheduleStateScheduled, c.Schedule.State)
	require.Equal(t, []string{"**.tmp"}, c.Targets.S3Targets[0].Exclusions)
	require.Equal(t, "t", c.Targets.CatalogTargets[0].Tables[0])
	require.Equal(t, types.UpdateBehaviorLog, c.SchemaChangePolicy.UpdateBehavior)
	require.Equal(t, types.RecrawlBehaviorCrawlEverything, c.RecrawlPolicy.RecrawlBehavior)
	require.Equal(t, "raw_", *c.TablePrefix)
	require.Equal(t, int64(1), c.Version)
	require.NotNil(t, c.CreationTime)

	_, err = b.client.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("c"), DatabaseName: aws.String("db2")})
	require.NoError(t, err)
	got, err = b.client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("c")})
	require.NoError(t, err)
	require.Equal(t, "db2", *got.Crawler.DatabaseName)
	require.Equal(t, "raw_", *got.Crawler.TablePrefix, "members not in the update are kept")
	require.Equal(t, int64(2), got.Crawler.Version)

	_, err = b.client.DeleteCrawler(ctx, &glue.DeleteCrawlerInput{Name: aws.String("c")})
	require.NoError(t, err)
	_, err = b.client.DeleteCrawler(ctx, &glue.DeleteCrawlerInput{Name: aws.String("c")})
	requireCode(t, err, "EntityNotFoundException")
}

func TestCrawler_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustCrawler(t, b, "c")
	_, err := b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("c"), Role: aws.String("r"),
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String("/x")}}}})
	requireCode(t, err, "AlreadyExistsException")
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("d"), Role: aws.String("r"), Targets: &types.CrawlerTargets{}})
	requireCode(t, err, "InvalidInputException", "Targets")
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("d"), Role: aws.String("r"),
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String("/x")}}}, Schedule: aws.String("cron(bad)")})
	requireCode(t, err, "InvalidInputException", "Schedule")
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("d"), Role: aws.String("r"),
		Targets:     &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String("/x")}}},
		TablePrefix: aws.String(strings.Repeat("p", 129))})
	requireValidation(t, err, "1 validation error detected: Value '"+strings.Repeat("p", 129)+"' at 'tablePrefix' failed to satisfy constraint: Member must have length less than or equal to 128")
	_, err = b.client.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("ghost")})
	requireCode(t, err, "EntityNotFoundException")

	batch, err := b.client.BatchGetCrawlers(ctx, &glue.BatchGetCrawlersInput{CrawlerNames: []string{"c", "ghost"}})
	require.NoError(t, err)
	require.Len(t, batch.Crawlers, 1)
	require.Equal(t, []string{"ghost"}, batch.CrawlersNotFound)
}

func TestTags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w"), Tags: map[string]string{"a": "1"}})
	require.NoError(t, err)
	arn := aws.String("arn:aws:glue:us-east-1:123456789012:workflow/w")
	_, err = b.client.TagResource(ctx, &glue.TagResourceInput{ResourceArn: arn, TagsToAdd: map[string]string{"b": "2", "a": "3"}})
	require.NoError(t, err)
	tags, err := b.client.GetTags(ctx, &glue.GetTagsInput{ResourceArn: arn})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"a": "3", "b": "2"}, tags.Tags)
	_, err = b.client.UntagResource(ctx, &glue.UntagResourceInput{ResourceArn: arn, TagsToRemove: []string{"a"}})
	require.NoError(t, err)
	tags, err = b.client.GetTags(ctx, &glue.GetTagsInput{ResourceArn: arn})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"b": "2"}, tags.Tags)

	many := map[string]string{}
	for i := range 50 {
		many[string(rune('A'+i))+"k"] = "v"
	}
	_, err = b.client.TagResource(ctx, &glue.TagResourceInput{ResourceArn: arn, TagsToAdd: many})
	requireCode(t, err, "InvalidInputException", "at most 50 tags")

	_, err = b.client.GetTags(ctx, &glue.GetTagsInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:123456789012:workflow/ghost")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.GetTags(ctx, &glue.GetTagsInput{ResourceArn: aws.String("arn:aws:s3:::bucket")})
	requireValidation(t, err, "1 validation error detected: Value 'arn:aws:s3:::bucket' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-(cn|us-gov|iso(-[bef])?))?:glue:.*")
	_, err = b.client.GetTags(ctx, &glue.GetTagsInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:999999999999:workflow/w")})
	requireCode(t, err, "EntityNotFoundException", "account")

	// The region comes from the request's signature.
	west := newClient(b.url, "us-west-2")
	_, err = west.GetTags(ctx, &glue.GetTagsInput{ResourceArn: arn})
	requireCode(t, err, "EntityNotFoundException", "us-west-2")
	_, err = west.GetTags(ctx, &glue.GetTagsInput{ResourceArn: aws.String("arn:aws:glue:us-west-2:123456789012:workflow/w")})
	require.NoError(t, err)
}
