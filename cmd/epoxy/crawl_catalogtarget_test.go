package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// Ensure a crawler with CatalogTargets re-crawls the location of a table
// created through the API and updates it in place: the new column and the
// new partition are added; under DELETE_FROM_DATABASE a partition whose
// folder is gone is deleted; a table that does not exist fails the crawl;
// DEPRECATE_IN_DATABASE (also by default) is refused at CreateCrawler and
// UpdateCrawler.
func TestCrawl_CatalogTargets(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"sales/year=2024/a.csv": "id,item\n1,apple\n",
		"sales/year=2025/b.csv": "id,item,price\n2,pear,1.5\n",
	})
	createDatabase(t, b, "shop")
	_, err := b.client.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("shop"), TableInput: &types.TableInput{
		Name: aws.String("sales"), TableType: aws.String("EXTERNAL_TABLE"),
		PartitionKeys: []types.Column{{Name: aws.String("year"), Type: aws.String("string")}},
		StorageDescriptor: &types.StorageDescriptor{Location: aws.String(root + "/sales/"),
			Columns: []types.Column{{Name: aws.String("id"), Type: aws.String("bigint")}, {Name: aws.String("item"), Type: aws.String("string")}}}}})
	require.NoError(t, err)

	targets := &types.CrawlerTargets{CatalogTargets: []types.CatalogTarget{{DatabaseName: aws.String("shop"), Tables: []string{"sales"}}}}
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("recrawl"), Role: aws.String(runRole), Targets: targets})
	requireCode(t, err, "InvalidInputException", "SchemaChangePolicy.DeleteBehavior must be LOG or DELETE_FROM_DATABASE")
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("recrawl"), Role: aws.String(runRole), Targets: targets,
		SchemaChangePolicy: &types.SchemaChangePolicy{UpdateBehavior: types.UpdateBehaviorUpdateInDatabase, DeleteBehavior: types.DeleteBehaviorLog}})
	require.NoError(t, err)

	c := crawlOnce(t, b, "recrawl")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	sales := getTable(t, b, "shop", "sales")
	require.Equal(t, []string{"id:bigint", "item:string", "price:double"}, columnList(sales.StorageDescriptor.Columns))
	require.Equal(t, []string{"year:string"}, columnList(sales.PartitionKeys))
	require.Equal(t, root+"/sales/", aws.ToString(sales.StorageDescriptor.Location))
	require.Equal(t, "csv", sales.Parameters["classification"])
	require.Equal(t, "recrawl", sales.Parameters["UPDATED_BY_CRAWLER"])
	require.Equal(t, map[string]string{"2024": root + "/sales/year=2024/", "2025": root + "/sales/year=2025/"}, partitionsOf(t, b, "shop", "sales"))
	m := crawlerMetrics(t, b, "recrawl")
	require.Equal(t, int32(1), m.TablesUpdated)
	require.Equal(t, int32(0), m.TablesCreated)

	_, err = b.client.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("recrawl"),
		SchemaChangePolicy: &types.SchemaChangePolicy{DeleteBehavior: types.DeleteBehaviorDeprecateInDatabase}})
	requireCode(t, err, "InvalidInputException", "got DEPRECATE_IN_DATABASE")
	_, err = b.client.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("recrawl"),
		SchemaChangePolicy: &types.SchemaChangePolicy{DeleteBehavior: types.DeleteBehaviorDeleteFromDatabase}})
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(filepath.Join(root, "sales", "year=2024")))
	c = crawlOnce(t, b, "recrawl")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	require.Equal(t, map[string]string{"2025": root + "/sales/year=2025/"}, partitionsOf(t, b, "shop", "sales"))

	_, err = b.client.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("recrawl"), Targets: &types.CrawlerTargets{
		CatalogTargets: []types.CatalogTarget{{DatabaseName: aws.String("shop"), Tables: []string{"sales", "returns"}}}}})
	require.NoError(t, err)
	c = crawlOnce(t, b, "recrawl")
	require.Equal(t, types.LastCrawlStatusFailed, c.LastCrawl.Status)
	require.Contains(t, aws.ToString(c.LastCrawl.ErrorMessage), "CatalogTargets[0] table shop.returns: the table does not exist")
}
