package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// createDatabase creates a database through the API.
func createDatabase(t *testing.T, b *testBundle, name string) {
	t.Helper()
	_, err := b.client.CreateDatabase(t.Context(), &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: aws.String(name)}})
	require.NoError(t, err)
}

// tableInput returns a table with two columns, partitioned by the given
// keys (name, type pairs).
func tableInput(name string, keys ...string) *types.TableInput {
	in := &types.TableInput{Name: aws.String(name), TableType: aws.String("EXTERNAL_TABLE"),
		StorageDescriptor: &types.StorageDescriptor{Location: aws.String("s3://bucket/" + name + "/"),
			Columns: []types.Column{{Name: aws.String("id"), Type: aws.String("bigint")}, {Name: aws.String("body"), Type: aws.String("string")}}}}
	for i := 0; i+1 < len(keys); i += 2 {
		in.PartitionKeys = append(in.PartitionKeys, types.Column{Name: aws.String(keys[i]), Type: aws.String(keys[i+1])})
	}
	return in
}

func createTable(t *testing.T, b *testBundle, db string, in *types.TableInput) {
	t.Helper()
	_, err := b.client.CreateTable(t.Context(), &glue.CreateTableInput{DatabaseName: aws.String(db), TableInput: in})
	require.NoError(t, err)
}

// Ensure databases can be created, read, listed page by page, updated and
// deleted, with Glue's errors for duplicates and missing ones.
func TestCatalog_Databases(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	_, err := b.client.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: aws.String("Sales"),
		Description: aws.String("orders"), LocationUri: aws.String("s3://bucket/sales/"), Parameters: map[string]string{"k": "v"}}})
	require.NoError(t, err)
	_, err = b.client.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: aws.String("sales")}})
	requireCode(t, err, "AlreadyExistsException")

	got, err := b.client.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("SALES")})
	require.NoError(t, err)
	require.Equal(t, "sales", aws.ToString(got.Database.Name), "names are stored in lower case")
	require.Equal(t, "orders", aws.ToString(got.Database.Description))
	require.Equal(t, "123456789012", aws.ToString(got.Database.CatalogId))
	require.NotNil(t, got.Database.CreateTime)

	_, err = b.client.UpdateDatabase(ctx, &glue.UpdateDatabaseInput{Name: aws.String("sales"),
		DatabaseInput: &types.DatabaseInput{Name: aws.String("sales"), Description: aws.String("all orders")}})
	require.NoError(t, err)
	got2, err := b.client.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("sales")})
	require.NoError(t, err)
	require.Equal(t, "all orders", aws.ToString(got2.Database.Description))
	require.Empty(t, got2.Database.LocationUri, "an update replaces the definition")
	require.Equal(t, got.Database.CreateTime, got2.Database.CreateTime)
	_, err = b.client.UpdateDatabase(ctx, &glue.UpdateDatabaseInput{Name: aws.String("sales"), DatabaseInput: &types.DatabaseInput{Name: aws.String("other")}})
	requireCode(t, err, "InvalidInputException", "renamed")

	for i := range 5 {
		createDatabase(t, b, fmt.Sprintf("db%d", i))
	}
	var names []string
	p := glue.NewGetDatabasesPaginator(b.client, &glue.GetDatabasesInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(out.DatabaseList), 2)
		for _, d := range out.DatabaseList {
			names = append(names, aws.ToString(d.Name))
		}
	}
	require.Equal(t, []string{"db0", "db1", "db2", "db3", "db4", "sales"}, names)

	_, err = b.client.DeleteDatabase(ctx, &glue.DeleteDatabaseInput{Name: aws.String("sales")})
	require.NoError(t, err)
	_, err = b.client.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("sales")})
	requireCode(t, err, "EntityNotFoundException", "sales")
	_, err = b.client.DeleteDatabase(ctx, &glue.DeleteDatabaseInput{Name: aws.String("sales")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String("db0"), CatalogId: aws.String("999999999999")})
	requireCode(t, err, "EntityNotFoundException", "999999999999")
	_, err = b.client.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &types.DatabaseInput{Name: aws.String(strings.Repeat("d", 256))}})
	requireValidation(t, err, "1 validation error detected: Value '"+strings.Repeat("d", 256)+"' at 'databaseInput.name' failed to satisfy constraint: Member must have length less than or equal to 255")
}

// Ensure tables can be created, read, listed with a name expression,
// searched and deleted, one or in a batch with per-table errors.
func TestCatalog_Tables(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	_, err := b.client.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("nodb"), TableInput: tableInput("t")})
	requireCode(t, err, "EntityNotFoundException", "nodb")
	createDatabase(t, b, "db")
	createDatabase(t, b, "other")
	for _, n := range []string{"Orders", "orders_2024", "customers", "items"} {
		createTable(t, b, "db", tableInput(n, "year", "string"))
	}
	createTable(t, b, "other", tableInput("orders_archive"))
	_, err = b.client.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: tableInput("orders")})
	requireCode(t, err, "AlreadyExistsException")
	_, err = b.client.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: tableInput("dup", "k", "string", "K", "int")})
	requireCode(t, err, "InvalidInputException", "PartitionKeys")

	got, err := b.client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("DB"), Name: aws.String("ORDERS")})
	require.NoError(t, err)
	tb := got.Table
	require.Equal(t, "orders", aws.ToString(tb.Name))
	require.Equal(t, "db", aws.ToString(tb.DatabaseName))
	require.Equal(t, "1", aws.ToString(tb.VersionId))
	require.Equal(t, "s3://bucket/Orders/", aws.ToString(tb.StorageDescriptor.Location))
	require.Equal(t, "year", aws.ToString(tb.PartitionKeys[0].Name))
	require.NotNil(t, tb.CreateTime)
	_, err = b.client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("db"), Name: aws.String("nope")})
	requireCode(t, err, "EntityNotFoundException", "nope")

	tables := func(expr string) []string {
		var names []string
		p := glue.NewGetTablesPaginator(b.client, &glue.GetTablesInput{DatabaseName: aws.String("db"), Expression: aws.String(expr), MaxResults: aws.Int32(1)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			for _, t := range out.TableList {
				names = append(names, aws.ToString(t.Name))
			}
		}
		return names
	}
	require.Equal(t, []string{"customers", "items", "orders", "orders_2024"}, tables(""))
	require.Equal(t, []string{"customers", "items", "orders", "orders_2024"}, tables("*"))
	require.Equal(t, []string{"orders", "orders_2024"}, tables("orders.*"))
	require.Equal(t, []string{"orders"}, tables("ORDERS"), "the expression matches whole names, ignoring case")
	require.Equal(t, []string{"customers", "items"}, tables("cust.*|items"))
	_, err = b.client.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("db"), Expression: aws.String("(")})
	requireCode(t, err, "InvalidInputException", "Expression")

	search, err := b.client.SearchTables(ctx, &glue.SearchTablesInput{SearchText: aws.String("orders")})
	require.NoError(t, err)
	require.Equal(t, []string{"db.orders", "db.orders_2024", "other.orders_archive"}, qualified(search.TableList))
	search, err = b.client.SearchTables(ctx, &glue.SearchTablesInput{SearchText: aws.String("orders"),
		Filters: []types.PropertyPredicate{{Key: aws.String("DatabaseName"), Value: aws.String("other"), Comparator: types.ComparatorEquals}}})
	require.NoError(t, err)
	require.Equal(t, []string{"other.orders_archive"}, qualified(search.TableList))

	del, err := b.client.BatchDeleteTable(ctx, &glue.BatchDeleteTableInput{DatabaseName: aws.String("db"), TablesToDelete: []string{"items", "ghost"}})
	require.NoError(t, err)
	require.Len(t, del.Errors, 1)
	require.Equal(t, "ghost", aws.ToString(del.Errors[0].TableName))
	require.Equal(t, "EntityNotFoundException", aws.ToString(del.Errors[0].ErrorDetail.ErrorCode))
	_, err = b.client.DeleteTable(ctx, &glue.DeleteTableInput{DatabaseName: aws.String("db"), Name: aws.String("customers")})
	require.NoError(t, err)
	require.Equal(t, []string{"orders", "orders_2024"}, tables(""))
}

func qualified(ts []types.Table) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, aws.ToString(t.DatabaseName)+"."+aws.ToString(t.Name))
	}
	return out
}

// Ensure each UpdateTable keeps a new version, readable and deletable one
// by one or in a batch, and that SkipArchive and a stale VersionId are
// honoured.
func TestCatalog_TableVersions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	createDatabase(t, b, "db")
	createTable(t, b, "db", tableInput("t"))
	update := func(desc, version string, skip bool) error {
		in := tableInput("t")
		in.Description = aws.String(desc)
		req := &glue.UpdateTableInput{DatabaseName: aws.String("db"), TableInput: in, SkipArchive: aws.Bool(skip)}
		if version != "" {
			req.VersionId = aws.String(version)
		}
		_, err := b.client.UpdateTable(ctx, req)
		return err
	}
	require.NoError(t, update("two", "", false))
	require.NoError(t, update("three", "2", false))
	requireCode(t, update("stale", "2", false), "ConcurrentModificationException")

	cur, err := b.client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("db"), Name: aws.String("t")})
	require.NoError(t, err)
	require.Equal(t, "3", aws.ToString(cur.Table.VersionId))
	require.Equal(t, "three", aws.ToString(cur.Table.Description))

	v1, err := b.client.GetTableVersion(ctx, &glue.GetTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("t"), VersionId: aws.String("1")})
	require.NoError(t, err)
	require.Nil(t, v1.TableVersion.Table.Description)
	latest, err := b.client.GetTableVersion(ctx, &glue.GetTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("t")})
	require.NoError(t, err)
	require.Equal(t, "3", aws.ToString(latest.TableVersion.VersionId))

	versions := func() []string {
		var ids []string
		p := glue.NewGetTableVersionsPaginator(b.client, &glue.GetTableVersionsInput{DatabaseName: aws.String("db"), TableName: aws.String("t"), MaxResults: aws.Int32(2)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			for _, v := range out.TableVersions {
				ids = append(ids, aws.ToString(v.VersionId))
			}
		}
		return ids
	}
	require.Equal(t, []string{"3", "2", "1"}, versions())
	require.NoError(t, update("four", "", true))
	require.Equal(t, []string{"4", "2", "1"}, versions(), "SkipArchive replaces the current version")

	_, err = b.client.DeleteTableVersion(ctx, &glue.DeleteTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("t"), VersionId: aws.String("1")})
	require.NoError(t, err)
	res, err := b.client.BatchDeleteTableVersion(ctx, &glue.BatchDeleteTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("t"),
		VersionIds: []string{"2", "1", "x"}})
	require.NoError(t, err)
	require.Len(t, res.Errors, 2)
	for _, e := range res.Errors {
		require.Equal(t, "EntityNotFoundException", aws.ToString(e.ErrorDetail.ErrorCode))
	}
	require.Equal(t, []string{"4"}, versions())
	_, err = b.client.GetTableVersion(ctx, &glue.GetTableVersionInput{DatabaseName: aws.String("db"), TableName: aws.String("t"), VersionId: aws.String("2")})
	requireCode(t, err, "EntityNotFoundException")
}

// Ensure deleting a database deletes its tables, their versions and
// partitions: a database created again under the name is empty.
func TestCatalog_DeleteDatabaseCascades(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	createDatabase(t, b, "db")
	createTable(t, b, "db", tableInput("t", "year", "string"))
	_, err := b.client.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: aws.String("db"), TableName: aws.String("t"),
		PartitionInput: &types.PartitionInput{Values: []string{"2024"}}})
	require.NoError(t, err)
	_, err = b.client.DeleteDatabase(ctx, &glue.DeleteDatabaseInput{Name: aws.String("db")})
	require.NoError(t, err)
	_, err = b.client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("db"), Name: aws.String("t")})
	requireCode(t, err, "EntityNotFoundException", "db")

	createDatabase(t, b, "db")
	out, err := b.client.GetTables(ctx, &glue.GetTablesInput{DatabaseName: aws.String("db")})
	require.NoError(t, err)
	require.Empty(t, out.TableList)
	createTable(t, b, "db", tableInput("t", "year", "string"))
	parts, err := b.client.GetPartitions(ctx, &glue.GetPartitionsInput{DatabaseName: aws.String("db"), TableName: aws.String("t")})
	require.NoError(t, err)
	require.Empty(t, parts.Partitions)
	vs, err := b.client.GetTableVersions(ctx, &glue.GetTableVersionsInput{DatabaseName: aws.String("db"), TableName: aws.String("t")})
	require.NoError(t, err)
	require.Len(t, vs.TableVersions, 1)
}

// Ensure the timestamps a client sends in a TableInput or a PartitionInput
// (the SDK writes epoch seconds) are accepted and read back to the
// millisecond, and that those the catalog keeps are set.
func TestCatalog_InputTimestamps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	createDatabase(t, b, "db")
	accessed := time.Date(2025, 6, 7, 8, 9, 10, 123_000_000, time.UTC)
	analyzed := accessed.Add(90 * time.Minute)
	in := tableInput("events", "day", "string")
	in.LastAccessTime, in.LastAnalyzedTime = aws.Time(accessed), aws.Time(analyzed)
	createTable(t, b, "db", in)
	_, err := b.client.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: aws.String("db"), TableName: aws.String("events"),
		PartitionInput: &types.PartitionInput{Values: []string{"2025-06-07"}, LastAccessTime: aws.Time(accessed), LastAnalyzedTime: aws.Time(analyzed)}})
	require.NoError(t, err)

	got, err := b.client.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("db"), Name: aws.String("events")})
	require.NoError(t, err)
	require.True(t, accessed.Equal(aws.ToTime(got.Table.LastAccessTime)), "LastAccessTime %v", got.Table.LastAccessTime)
	require.True(t, analyzed.Equal(aws.ToTime(got.Table.LastAnalyzedTime)), "LastAnalyzedTime %v", got.Table.LastAnalyzedTime)
	require.NotNil(t, got.Table.CreateTime)
	part, err := b.client.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: aws.String("db"), TableName: aws.String("events"),
		PartitionValues: []string{"2025-06-07"}})
	require.NoError(t, err)
	require.True(t, accessed.Equal(aws.ToTime(part.Partition.LastAccessTime)), "LastAccessTime %v", part.Partition.LastAccessTime)
	require.True(t, analyzed.Equal(aws.ToTime(part.Partition.LastAnalyzedTime)), "LastAnalyzedTime %v", part.Partition.LastAnalyzedTime)
}
