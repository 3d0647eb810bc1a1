package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// writeTree writes files (relative path → content) under root.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	}
}

// crawlOnce starts a crawl of name and waits for it to end (StartCrawler
// makes the crawler RUNNING before it answers), returning the crawler.
func crawlOnce(t *testing.T, b *testBundle, name string) *types.Crawler {
	t.Helper()
	_, err := b.client.StartCrawler(context.Background(), &glue.StartCrawlerInput{Name: aws.String(name)})
	require.NoError(t, err)
	return waitCrawlerReady(t, b, name)
}

func getTable(t *testing.T, b *testBundle, db, name string) *types.Table {
	t.Helper()
	out, err := b.client.GetTable(context.Background(), &glue.GetTableInput{DatabaseName: aws.String(db), Name: aws.String(name)})
	require.NoError(t, err)
	return out.Table
}

// columnList renders columns as name:type pairs.
func columnList(cols []types.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = aws.ToString(c.Name) + ":" + aws.ToString(c.Type)
	}
	return out
}

// partitionsOf returns a table's partitions as value lists with their
// locations.
func partitionsOf(t *testing.T, b *testBundle, db, table string) map[string]string {
	t.Helper()
	out, err := b.client.GetPartitions(context.Background(), &glue.GetPartitionsInput{DatabaseName: aws.String(db), TableName: aws.String(table)})
	require.NoError(t, err)
	m := map[string]string{}
	for _, p := range out.Partitions {
		m[filepath.Join(p.Values...)] = aws.ToString(p.StorageDescriptor.Location)
	}
	return m
}

func crawlerMetrics(t *testing.T, b *testBundle, name string) types.CrawlerMetrics {
	t.Helper()
	out, err := b.client.GetCrawlerMetrics(context.Background(), &glue.GetCrawlerMetricsInput{CrawlerNameList: []string{name}})
	require.NoError(t, err)
	require.Len(t, out.CrawlerMetricsList, 1)
	return out.CrawlerMetricsList[0]
}

// Ensure a crawl of a local tree writes one table per dataset folder with
// the schema Glue infers: CSV with a header under Hive-style k=v folders
// (partition keys year and month) and JSON lines under plain folders
// (partition_0, partition_1) with nested structs and arrays; a re-crawl
// adds the new partition and the new column; removed data (a table's
// folder, a partition's) is deleted
// under DELETE_FROM_DATABASE; GetCrawlerMetrics counts the tables.
func TestCrawl_LocalCatalog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"sales/year=2024/month=01/a.csv": "id,item,price\n1,apple,1.5\n2,pear,2\n",
		"sales/year=2024/month=02/b.csv": "id,item,price\n3,plum,3\n",
		"events/2024/01/e.json":          `{"id":1,"user":{"name":"a","age":3},"tags":["x"]}` + "\n",
		"events/2024/02/f.json":          `{"id":2,"user":{"name":"b"},"tags":[],"ok":true}` + "\n",
		"events/2024/02/skip.tmp":        "not data",
		"refunds/r.csv":                  "code,reason\nx1,late\n",
	})
	createDatabase(t, b, "lake")
	_, err := b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("local"), Role: aws.String(runRole),
		DatabaseName: aws.String("lake"), TablePrefix: aws.String("raw_"),
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(root), Exclusions: []string{"**.tmp"}}}}})
	require.NoError(t, err)

	c := crawlOnce(t, b, "local")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	tables, err := b.client.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("lake")})
	require.NoError(t, err)
	require.Len(t, tables.TableList, 3)

	sales := getTable(t, b, "lake", "raw_sales")
	require.Equal(t, "EXTERNAL_TABLE", aws.ToString(sales.TableType))
	require.Equal(t, []string{"id:bigint", "item:string", "price:double"}, columnList(sales.StorageDescriptor.Columns))
	require.Equal(t, []string{"year:string", "month:string"}, columnList(sales.PartitionKeys))
	require.Equal(t, root+"/sales/", aws.ToString(sales.StorageDescriptor.Location))
	require.Equal(t, "org.apache.hadoop.mapred.TextInputFormat", aws.ToString(sales.StorageDescriptor.InputFormat))
	require.Equal(t, "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat", aws.ToString(sales.StorageDescriptor.OutputFormat))
	require.Equal(t, "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", aws.ToString(sales.StorageDescriptor.SerdeInfo.SerializationLibrary))
	require.Equal(t, map[string]string{"field.delim": ","}, sales.StorageDescriptor.SerdeInfo.Parameters)
	for k, v := range map[string]string{"classification": "csv", "compressionType": "none", "typeOfData": "file",
		"delimiter": ",", "skip.header.line.count": "1", "areColumnsQuoted": "false", "objectCount": "2",
		"recordCount": "3", "UPDATED_BY_CRAWLER": "local", "CrawlerSchemaSerializerVersion": "1.0",
		"CrawlerSchemaDeserializerVersion": "1.0"} {
		require.Equal(t, v, sales.Parameters[k], "parameter %s", k)
	}
	require.NotEmpty(t, sales.Parameters["sizeKey"])
	require.NotEmpty(t, sales.Parameters["averageRecordSize"])
	require.Equal(t, map[string]string{"2024/01": root + "/sales/year=2024/month=01/", "2024/02": root + "/sales/year=2024/month=02/"},
		partitionsOf(t, b, "lake", "raw_sales"))

	events := getTable(t, b, "lake", "raw_events")
	require.Equal(t, []string{"id:bigint", "user:struct<name:string,age:bigint>", "tags:array<string>", "ok:boolean"},
		columnList(events.StorageDescriptor.Columns))
	require.Equal(t, []string{"partition_0:string", "partition_1:string"}, columnList(events.PartitionKeys))
	require.Equal(t, "org.openx.data.jsonserde.JsonSerDe", aws.ToString(events.StorageDescriptor.SerdeInfo.SerializationLibrary))
	require.Equal(t, "json", events.Parameters["classification"])
	require.Equal(t, map[string]string{"2024/01": root + "/events/2024/01/", "2024/02": root + "/events/2024/02/"},
		partitionsOf(t, b, "lake", "raw_events"))
	m := crawlerMetrics(t, b, "local")
	require.Equal(t, int32(3), m.TablesCreated)

	// Re-crawl: a new partition with a new column.
	writeTree(t, root, map[string]string{"sales/year=2024/month=03/c.csv": "id,item,price,qty\n4,fig,1,7\n"})
	c = crawlOnce(t, b, "local")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	sales = getTable(t, b, "lake", "raw_sales")
	require.Equal(t, []string{"id:bigint", "item:string", "price:double", "qty:bigint"}, columnList(sales.StorageDescriptor.Columns))
	require.Len(t, partitionsOf(t, b, "lake", "raw_sales"), 3)
	m = crawlerMetrics(t, b, "local")
	require.Equal(t, [3]int32{0, 1, 0}, [3]int32{m.TablesCreated, m.TablesUpdated, m.TablesDeleted})

	// Removed data: deleted from the database under DELETE_FROM_DATABASE.
	require.NoError(t, os.RemoveAll(filepath.Join(root, "refunds")))
	require.NoError(t, os.RemoveAll(filepath.Join(root, "sales", "year=2024", "month=01")))
	_, err = b.client.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("local"),
		SchemaChangePolicy: &types.SchemaChangePolicy{UpdateBehavior: types.UpdateBehaviorLog, DeleteBehavior: types.DeleteBehaviorDeleteFromDatabase}})
	require.NoError(t, err)
	c = crawlOnce(t, b, "local")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	_, err = b.client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("lake"), Name: aws.String("raw_refunds")})
	requireCode(t, err, "EntityNotFoundException")
	require.Len(t, partitionsOf(t, b, "lake", "raw_sales"), 2)
	m = crawlerMetrics(t, b, "local")
	require.Equal(t, [3]int32{0, 0, 1}, [3]int32{m.TablesCreated, m.TablesUpdated, m.TablesDeleted})
}

// Ensure a crawl of the built-in S3 reads gzip-compressed CSV without a
// header under Hive-style folders, and that a crawl into a database that
// does not exist fails saying so.
func TestCrawl_BuiltinS3Catalog(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	s3c := builtinS3(b.url, "AKIDTEST", "secret")
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bucket")})
	require.NoError(t, err)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("1|a|2024-01-02\n2|b|2024-01-03\n"))
	require.NoError(t, zw.Close())
	for _, key := range []string{"data/Orders-2024/dt=2024-01-01/part-0.csv.gz", "data/Orders-2024/dt=2024-01-02/part-0.csv.gz"} {
		_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key), Body: bytes.NewReader(gz.Bytes())})
		require.NoError(t, err)
	}
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("s3"), Role: aws.String(runRole),
		DatabaseName: aws.String("missing"),
		Targets:      &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String("s3://bucket/data/Orders-2024/")}}}})
	require.NoError(t, err)
	c := crawlOnce(t, b, "s3")
	require.Equal(t, types.LastCrawlStatusFailed, c.LastCrawl.Status)
	require.Contains(t, aws.ToString(c.LastCrawl.ErrorMessage), "database missing does not exist")

	createDatabase(t, b, "missing")
	c = crawlOnce(t, b, "s3")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	orders := getTable(t, b, "missing", "orders_2024")
	require.Equal(t, []string{"col0:bigint", "col1:string", "col2:date"}, columnList(orders.StorageDescriptor.Columns))
	require.Equal(t, []string{"dt:string"}, columnList(orders.PartitionKeys))
	require.Equal(t, "s3://bucket/data/Orders-2024/", aws.ToString(orders.StorageDescriptor.Location))
	require.Equal(t, map[string]string{"delimiter": "|", "compressionType": "gzip", "objectCount": "2", "recordCount": "4"},
		map[string]string{"delimiter": orders.Parameters["delimiter"], "compressionType": orders.Parameters["compressionType"],
			"objectCount": orders.Parameters["objectCount"], "recordCount": orders.Parameters["recordCount"]})
	require.NotContains(t, orders.Parameters, "skip.header.line.count")
	require.True(t, orders.StorageDescriptor.Compressed)
	require.Equal(t, map[string]string{"2024-01-01": "s3://bucket/data/Orders-2024/dt=2024-01-01/", "2024-01-02": "s3://bucket/data/Orders-2024/dt=2024-01-02/"},
		partitionsOf(t, b, "missing", "orders_2024"))
	require.Equal(t, int32(1), crawlerMetrics(t, b, "s3").TablesCreated)
}

// Ensure the re-crawl policies: UpdateBehavior LOG leaves a table's
// columns alone while new partitions are still added; a folder gone under
// the default DEPRECATE_IN_DATABASE marks its table DEPRECATED_BY_CRAWLER;
// CRAWL_NEW_FOLDERS_ONLY adds the new folders' partitions and keeps the
// table where it was even when only one dataset has new folders.
func TestCrawl_RecrawlPolicies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"clicks/day=1/a.json": `{"id":1,"page":"a"}` + "\n",
		"views/v.csv":         "n,when\n1,2024-01-01\n",
	})
	createDatabase(t, b, "web")
	_, err := b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("web"), Role: aws.String(runRole),
		DatabaseName: aws.String("web"), Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String("file://" + root)}}},
		SchemaChangePolicy: &types.SchemaChangePolicy{UpdateBehavior: types.UpdateBehaviorLog}})
	require.NoError(t, err)
	c := crawlOnce(t, b, "web")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	require.Equal(t, "file://"+root+"/clicks/", aws.ToString(getTable(t, b, "web", "clicks").StorageDescriptor.Location))
	require.Equal(t, []string{"n:bigint", "when:date"}, columnList(getTable(t, b, "web", "views").StorageDescriptor.Columns))

	// LOG: a new column is not added, the new partition is; views is gone
	// and deprecated.
	writeTree(t, root, map[string]string{"clicks/day=2/b.json": `{"id":2,"page":"b","ms":3}` + "\n"})
	require.NoError(t, os.RemoveAll(filepath.Join(root, "views")))
	c = crawlOnce(t, b, "web")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	clicks := getTable(t, b, "web", "clicks")
	require.Equal(t, []string{"id:bigint", "page:string"}, columnList(clicks.StorageDescriptor.Columns))
	require.Len(t, partitionsOf(t, b, "web", "clicks"), 2)
	require.Equal(t, "web", getTable(t, b, "web", "views").Parameters["DEPRECATED_BY_CRAWLER"])
	m := crawlerMetrics(t, b, "web")
	require.Equal(t, [3]int32{0, 0, 1}, [3]int32{m.TablesCreated, m.TablesUpdated, m.TablesDeleted})

	// CRAWL_NEW_FOLDERS_ONLY needs LOG for both behaviors, as in Glue; then
	// only day=3 is read and the table stays clicks.
	newOnly := &types.RecrawlPolicy{RecrawlBehavior: types.RecrawlBehaviorCrawlNewFoldersOnly}
	_, err = b.client.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("web"), RecrawlPolicy: newOnly})
	var invalid *types.InvalidInputException
	require.ErrorAs(t, err, &invalid, "DeleteBehavior is still the default")
	require.Contains(t, err.Error(), `"Crawl new folders only" Amazon S3 target can have only LOG DeleteBehavior value`)
	_, err = b.client.UpdateCrawler(ctx, &glue.UpdateCrawlerInput{Name: aws.String("web"), RecrawlPolicy: newOnly,
		SchemaChangePolicy: &types.SchemaChangePolicy{UpdateBehavior: types.UpdateBehaviorLog, DeleteBehavior: types.DeleteBehaviorLog}})
	require.NoError(t, err)
	writeTree(t, root, map[string]string{"clicks/day=3/c.json": `{"id":3,"page":"c"}` + "\n"})
	c = crawlOnce(t, b, "web")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	require.Equal(t, map[string]string{"1": "file://" + root + "/clicks/day=1/", "2": "file://" + root + "/clicks/day=2/",
		"3": "file://" + root + "/clicks/day=3/"}, partitionsOf(t, b, "web", "clicks"))
	require.Contains(t, aws.ToString(listCrawls(t, b, "web")[0].Summary), "1 files in 1 folders")
	tables, err := b.client.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("web")})
	require.NoError(t, err)
	require.Len(t, tables.TableList, 2)
}

type parquetRow struct {
	ID    int64    `parquet:"id"`
	Name  string   `parquet:"name"`
	Score float64  `parquet:"score,optional"`
	Tags  []string `parquet:"tags,list"`
}

// Ensure a crawl reads a Parquet file's schema and row count from its
// footer, on a local path and in the built-in S3, and writes the table
// with Glue's Parquet SerDe and formats.
func TestCrawl_Parquet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetRow](&buf)
	_, err := w.Write([]parquetRow{{ID: 1, Name: "a", Tags: []string{"x"}}, {ID: 2, Name: "b", Score: 0.5}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	root := t.TempDir()
	writeTree(t, root, map[string]string{"scores/dt=2024-01-01/part-0.parquet": buf.String()})
	s3c := builtinS3(b.url, "AKIDTEST", "secret")
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pqdata")})
	require.NoError(t, err)
	_, err = s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pqdata"), Key: aws.String("s3scores/dt=2024-01-02/part-0.parquet"),
		Body: bytes.NewReader(buf.Bytes())})
	require.NoError(t, err)
	createDatabase(t, b, "pq")
	_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String("pq"), Role: aws.String(runRole), DatabaseName: aws.String("pq"),
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String(root + "/scores")}, {Path: aws.String("s3://pqdata/s3scores")}}}})
	require.NoError(t, err)
	c := crawlOnce(t, b, "pq")
	require.Equal(t, types.LastCrawlStatusSucceeded, c.LastCrawl.Status, aws.ToString(c.LastCrawl.ErrorMessage))
	for _, name := range []string{"scores", "s3scores"} {
		tbl := getTable(t, b, "pq", name)
		require.Equal(t, []string{"id:bigint", "name:string", "score:double", "tags:array<string>"}, columnList(tbl.StorageDescriptor.Columns))
		require.Equal(t, []string{"dt:string"}, columnList(tbl.PartitionKeys))
		require.Equal(t, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", aws.ToString(tbl.StorageDescriptor.SerdeInfo.SerializationLibrary))
		require.Equal(t, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", aws.ToString(tbl.StorageDescriptor.InputFormat))
		require.Equal(t, "parquet", tbl.Parameters["classification"])
		require.Equal(t, "2", tbl.Parameters["recordCount"])
		require.Equal(t, strconv.Itoa(buf.Len()), tbl.Parameters["sizeKey"])
	}
	require.Equal(t, int32(2), crawlerMetrics(t, b, "pq").TablesCreated)
}
