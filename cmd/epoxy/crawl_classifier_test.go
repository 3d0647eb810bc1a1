package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// Ensure a crawler naming custom classifiers tries them first, in its
// order: a '#'-delimited file with single quotes (which the built-in CSV
// classifier reads as one column of strings) becomes a table of the custom
// CSV classifier's typed columns, and a log the built-in classifiers do not
// recognise becomes a table of the Grok classifier's fields, classified as
// it says, with the GrokSerDe; an XML file's RowTag elements are the
// records of the XML classifier's table; a folder none recognises still
// falls to the built-in classifiers.
func TestCrawl_CustomClassifiers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"orders/o.txt": "id#note#amount\n1#'a#b'#2.5\n2#'it''s'#3\n",
		"access/a.log": "2024-01-02T03:04:05Z INFO 200 GET /index.html\n2024-01-02T03:04:06Z WARN 404 GET /missing\n",
		"plain/p.json": `{"k":1}` + "\n",
		"books/b.xml":  `<catalog><book id="1"><title>Go</title><price>9.5</price></book><book id="2"><title>Rust</title></book></catalog>`,
	})
	_, err := b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{CsvClassifier: &types.CreateCsvClassifierRequest{
		Name: aws.String("hash"), Delimiter: aws.String("#"), QuoteSymbol: aws.String("'"),
		ContainsHeader: types.CsvHeaderOptionPresent, CustomDatatypeConfigured: aws.Bool(true), CustomDatatypes: []string{"INT", "DOUBLE"}}})
	require.NoError(t, err)
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{GrokClassifier: &types.CreateGrokClassifierRequest{
		Name: aws.String("applog"), Classification: aws.String("applog"),
		GrokPattern:    aws.String(`%{TIMESTAMP_ISO8601:at} %{LOGLEVEL:level} %{STATUS:status:int} %{WORD:verb} %{URIPATH:path}`),
		CustomPatterns: aws.String("STATUS [1-5][0-9][0-9]")}})
	require.NoError(t, err)
	_, err = b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{XMLClassifier: &types.CreateXMLClassifierRequest{
		Name: aws.String("books"), Classification: aws.String("books"), RowTag: aws.String("book")}})
	require.NoError(t, err)
	createDatabase(t, b, "custom")
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("custom"), Role: aws.String(runRole),
		DatabaseName: aws.String("custom"), Classifiers: []string{"applog", "hash", "books"},
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(root)}}}})
	require.NoError(t, err)

	c := crawlOnce(t, b, "custom")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))

	orders := getTable(t, b, "custom", "orders")
	require.Equal(t, []string{"id:int", "note:string", "amount:double"}, columnList(orders.StorageDescriptor.Columns))
	require.Equal(t, "csv", orders.Parameters["classification"])
	require.Equal(t, "#", orders.Parameters["delimiter"])
	require.Equal(t, "1", orders.Parameters["skip.header.line.count"])
	require.Equal(t, map[string]string{"field.delim": "#"}, orders.StorageDescriptor.SerdeInfo.Parameters)

	access := getTable(t, b, "custom", "access")
	require.Equal(t, []string{"at:string", "level:string", "status:int", "verb:string", "path:string"},
		columnList(access.StorageDescriptor.Columns))
	require.Equal(t, "applog", access.Parameters["classification"])
	sd := access.StorageDescriptor
	require.Equal(t, "com.amazonaws.glue.serde.GrokSerDe", aws.ToString(sd.SerdeInfo.SerializationLibrary))
	require.Equal(t, map[string]string{"input.format": `%{TIMESTAMP_ISO8601:at} %{LOGLEVEL:level} %{STATUS:status:int} %{WORD:verb} %{URIPATH:path}`,
		"input.grokCustomPatterns": "STATUS [1-5][0-9][0-9]"}, sd.SerdeInfo.Parameters)
	require.Equal(t, "org.apache.hadoop.mapred.TextInputFormat", aws.ToString(sd.InputFormat))
	require.Equal(t, "2", access.Parameters["recordCount"])

	books := getTable(t, b, "custom", "books")
	require.Equal(t, []string{"_id:bigint", "title:string", "price:double"}, columnList(books.StorageDescriptor.Columns))
	require.Equal(t, "books", books.Parameters["classification"])
	require.Equal(t, "book", books.Parameters["rowTag"])
	require.Equal(t, "com.ibm.spss.hive.serde2.xml.XmlSerDe", aws.ToString(books.StorageDescriptor.SerdeInfo.SerializationLibrary))
	require.Equal(t, "2", books.Parameters["recordCount"])

	plain := getTable(t, b, "custom", "plain")
	require.Equal(t, "json", plain.Parameters["classification"])
	require.Equal(t, []string{"k:bigint"}, columnList(plain.StorageDescriptor.Columns))
}

// Ensure a crawl naming a classifier that does not exist fails naming it,
// and a JSON classifier's JsonPath picks the records of a document.
func TestCrawl_CustomClassifierJSONAndMissing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"feed/f.json": `{"meta":{"v":1},"items":[{"id":1,"name":"a"},{"id":2,"tags":["x"]}]}`})
	_, err := b.client.CreateClassifier(ctx, &glue.CreateClassifierInput{JsonClassifier: &types.CreateJsonClassifierRequest{
		Name: aws.String("items"), JsonPath: aws.String("$.items[*]")}})
	require.NoError(t, err)
	createDatabase(t, b, "feeds")
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("feeds"), Role: aws.String(runRole),
		DatabaseName: aws.String("feeds"), Classifiers: []string{"items"},
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(root + "/feed")}}}})
	require.NoError(t, err)
	c := crawlOnce(t, b, "feeds")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	feed := getTable(t, b, "feeds", "feed")
	require.Equal(t, []string{"id:bigint", "name:string", "tags:array<string>"}, columnList(feed.StorageDescriptor.Columns))
	require.Equal(t, "$.items[*]", feed.Parameters["jsonPath"])
	require.Equal(t, "org.openx.data.jsonserde.JsonSerDe", aws.ToString(feed.StorageDescriptor.SerdeInfo.SerializationLibrary))

	_, err = b.client.DeleteClassifier(ctx, &glue.DeleteClassifierInput{Name: aws.String("items")})
	require.NoError(t, err)
	c = crawlOnce(t, b, "feeds")
	require.Equal(t, types.LastCrawlStatusFailed, c.LastCrawl.Status)
	require.Contains(t, aws.ToString(c.LastCrawl.ErrorMessage), "classifier items does not exist")
}
