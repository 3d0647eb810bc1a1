package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// seedPartitions creates db.sales partitioned by region (string), year
// (int) and day (date) with one partition per combination, in batches.
func seedPartitions(t *testing.T, b *testBundle, regions, years, days []string) {
	t.Helper()
	createDatabase(t, b, "db")
	createTable(t, b, "db", tableInput("sales", "region", "string", "year", "int", "day", "date"))
	var batch []types.PartitionInput
	flush := func() {
		out, err := b.client.BatchCreatePartition(t.Context(), &glue.BatchCreatePartitionInput{DatabaseName: aws.String("db"),
			TableName: aws.String("sales"), PartitionInputList: batch})
		require.NoError(t, err)
		require.Empty(t, out.Errors)
		batch = nil
	}
	for _, r := range regions {
		for _, y := range years {
			for _, d := range days {
				batch = append(batch, types.PartitionInput{Values: []string{r, y, d},
					StorageDescriptor: &types.StorageDescriptor{Location: aws.String(fmt.Sprintf("s3://bucket/sales/%s/%s/%s/", r, y, d)),
						Columns: []types.Column{{Name: aws.String("id"), Type: aws.String("bigint")}}}})
				if len(batch) == 100 {
					flush()
				}
			}
		}
	}
	if len(batch) > 0 {
		flush()
	}
}

// getPartitions pages through GetPartitions and returns the partitions'
// values joined by "/".
func getPartitions(t *testing.T, b *testBundle, in *glue.GetPartitionsInput) []string {
	t.Helper()
	in.DatabaseName, in.TableName = aws.String("db"), aws.String("sales")
	out := []string{}
	p := glue.NewGetPartitionsPaginator(b.client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		require.NoError(t, err)
		for _, part := range page.Partitions {
			out = append(out, strings.Join(part.Values, "/"))
		}
	}
	return out
}

// Ensure GetPartitions answers Glue's expression language on string, int
// and date keys, page by page, and refuses bad expressions with
// InvalidInputException.
func TestCatalog_GetPartitionsExpression(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seedPartitions(t, b, []string{"eu", "us"}, []string{"2023", "2024", "10000"}, []string{"2024-01-01", "2024-06-30"})
	cases := []struct {
		expr string
		want []string
	}{
		{"", nil}, // all 12
		{"region = 'eu' AND year = 2024", []string{"eu/2024/2024-01-01", "eu/2024/2024-06-30"}},
		{"year > 2024 AND day < '2024-02-01'", []string{"eu/10000/2024-01-01", "us/10000/2024-01-01"}},
		{"year BETWEEN 2023 AND 2024 AND region <> 'eu' AND day = '2024-06-30'", []string{"us/2023/2024-06-30", "us/2024/2024-06-30"}},
		{"year IN (10000) AND NOT region LIKE 'e%'", []string{"us/10000/2024-01-01", "us/10000/2024-06-30"}},
		{"(region = 'us' OR year = 2023) AND day > '2024-03-01' AND year < 2024", []string{"eu/2023/2024-06-30", "us/2023/2024-06-30"}},
		{"region LIKE 'x%'", []string{}},
	}
	for _, c := range cases {
		got := getPartitions(t, b, &glue.GetPartitionsInput{Expression: aws.String(c.expr), MaxResults: aws.Int32(1)})
		if c.want == nil {
			require.Len(t, got, 12)
			require.True(t, slices.IsSorted(got))
			continue
		}
		require.Equal(t, c.want, got, c.expr)
	}
	for expr, frag := range map[string]string{
		"nokey = 'x'":        "Unknown column 'nokey'",
		"year = 'twenty'":    "not a valid int",
		"day > '2024-02-30'": "not a valid date",
		"region = 'eu' AND":  "syntax error",
	} {
		_, err := b.client.GetPartitions(t.Context(), &glue.GetPartitionsInput{DatabaseName: aws.String("db"), TableName: aws.String("sales"), Expression: aws.String(expr)})
		requireCode(t, err, "InvalidInputException", frag)
	}
	out, err := b.client.GetPartitions(t.Context(), &glue.GetPartitionsInput{DatabaseName: aws.String("db"), TableName: aws.String("sales"),
		Expression: aws.String("region = 'eu'"), ExcludeColumnSchema: aws.Bool(true), MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.Empty(t, out.Partitions[0].StorageDescriptor.Columns)
	require.Equal(t, "s3://bucket/sales/eu/10000/2024-01-01/", aws.ToString(out.Partitions[0].StorageDescriptor.Location))
}

// Ensure the segments of every split cover each partition exactly once,
// with and without an expression, as Spark's parallel catalog reads need.
func TestCatalog_GetPartitionsSegments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seedPartitions(t, b, []string{"eu", "us", "ap"}, []string{"2022", "2023", "2024", "2025"}, []string{"2024-01-01", "2024-01-02", "2024-01-03"})
	for _, expr := range []string{"", "year >= 2023 AND region <> 'ap'"} {
		whole := getPartitions(t, b, &glue.GetPartitionsInput{Expression: aws.String(expr)})
		for _, total := range []int32{1, 2, 3, 7, 10} {
			var union []string
			for n := range total {
				union = append(union, getPartitions(t, b, &glue.GetPartitionsInput{Expression: aws.String(expr), MaxResults: aws.Int32(5),
					Segment: &types.Segment{SegmentNumber: n, TotalSegments: aws.Int32(total)}})...)
			}
			slices.Sort(union)
			require.Equal(t, whole, union, "%q in %d segments", expr, total)
		}
	}
	_, err := b.client.GetPartitions(t.Context(), &glue.GetPartitionsInput{DatabaseName: aws.String("db"), TableName: aws.String("sales"),
		Segment: &types.Segment{SegmentNumber: 3, TotalSegments: aws.Int32(3)}})
	requireCode(t, err, "InvalidInputException", "SegmentNumber")
}

// Ensure single and batch partition operations work and that batches
// report per-partition errors in Glue's shape.
func TestCatalog_Partitions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	seedPartitions(t, b, []string{"eu"}, []string{"2024"}, []string{"2024-01-01", "2024-01-02"})
	db, tb := aws.String("db"), aws.String("sales")

	_, err := b.client.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: db, TableName: tb,
		PartitionInput: &types.PartitionInput{Values: []string{"eu", "2024", "2024-01-01"}}})
	requireCode(t, err, "AlreadyExistsException")
	_, err = b.client.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: db, TableName: tb,
		PartitionInput: &types.PartitionInput{Values: []string{"eu"}}})
	requireCode(t, err, "InvalidInputException", "3 partition keys")
	_, err = b.client.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: db, TableName: aws.String("nope"),
		PartitionInput: &types.PartitionInput{Values: []string{"eu"}}})
	requireCode(t, err, "EntityNotFoundException", "nope")

	created, err := b.client.BatchCreatePartition(ctx, &glue.BatchCreatePartitionInput{DatabaseName: db, TableName: tb,
		PartitionInputList: []types.PartitionInput{{Values: []string{"us", "2024", "2024-01-01"}}, {Values: []string{"eu", "2024", "2024-01-01"}}, {Values: []string{"x"}}}})
	require.NoError(t, err)
	require.Len(t, created.Errors, 2)
	require.Equal(t, []string{"eu", "2024", "2024-01-01"}, created.Errors[0].PartitionValues)
	require.Equal(t, "AlreadyExistsException", aws.ToString(created.Errors[0].ErrorDetail.ErrorCode))
	require.Equal(t, "InvalidInputException", aws.ToString(created.Errors[1].ErrorDetail.ErrorCode))

	got, err := b.client.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"us", "2024", "2024-01-01"}})
	require.NoError(t, err)
	require.Equal(t, "sales", aws.ToString(got.Partition.TableName))
	require.Equal(t, "db", aws.ToString(got.Partition.DatabaseName))
	require.NotNil(t, got.Partition.CreationTime)
	_, err = b.client.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"no", "2024", "2024-01-01"}})
	requireCode(t, err, "EntityNotFoundException")

	many, err := b.client.BatchGetPartition(ctx, &glue.BatchGetPartitionInput{DatabaseName: db, TableName: tb,
		PartitionsToGet: []types.PartitionValueList{{Values: []string{"us", "2024", "2024-01-01"}}, {Values: []string{"no", "2024", "2024-01-01"}}}})
	require.NoError(t, err)
	require.Len(t, many.Partitions, 1)
	require.Empty(t, many.UnprocessedKeys)

	_, err = b.client.UpdatePartition(ctx, &glue.UpdatePartitionInput{DatabaseName: db, TableName: tb, PartitionValueList: []string{"us", "2024", "2024-01-01"},
		PartitionInput: &types.PartitionInput{Values: []string{"us", "2025", "2024-01-01"}, Parameters: map[string]string{"k": "v"}}})
	require.NoError(t, err)
	moved, err := b.client.GetPartition(ctx, &glue.GetPartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"us", "2025", "2024-01-01"}})
	require.NoError(t, err)
	require.Equal(t, "v", moved.Partition.Parameters["k"])
	require.Equal(t, got.Partition.CreationTime, moved.Partition.CreationTime)
	require.Equal(t, []string{"us/2025/2024-01-01"}, getPartitions(t, b, &glue.GetPartitionsInput{Expression: aws.String("year = 2025")}), "the moved partition is found by its new values")

	upd, err := b.client.BatchUpdatePartition(ctx, &glue.BatchUpdatePartitionInput{DatabaseName: db, TableName: tb, Entries: []types.BatchUpdatePartitionRequestEntry{
		{PartitionValueList: []string{"eu", "2024", "2024-01-01"}, PartitionInput: &types.PartitionInput{Values: []string{"eu", "2024", "2024-01-01"}, Parameters: map[string]string{"a": "b"}}},
		{PartitionValueList: []string{"zz", "2024", "2024-01-01"}, PartitionInput: &types.PartitionInput{Values: []string{"zz", "2024", "2024-01-01"}}},
	}})
	require.NoError(t, err)
	require.Len(t, upd.Errors, 1)
	require.Equal(t, []string{"zz", "2024", "2024-01-01"}, upd.Errors[0].PartitionValueList)
	require.Equal(t, "EntityNotFoundException", aws.ToString(upd.Errors[0].ErrorDetail.ErrorCode))

	del, err := b.client.BatchDeletePartition(ctx, &glue.BatchDeletePartitionInput{DatabaseName: db, TableName: tb,
		PartitionsToDelete: []types.PartitionValueList{{Values: []string{"eu", "2024", "2024-01-01"}}, {Values: []string{"zz", "2024", "2024-01-01"}}}})
	require.NoError(t, err)
	require.Len(t, del.Errors, 1)
	require.Equal(t, "EntityNotFoundException", aws.ToString(del.Errors[0].ErrorDetail.ErrorCode))
	_, err = b.client.DeletePartition(ctx, &glue.DeletePartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"eu", "2024", "2024-01-02"}})
	require.NoError(t, err)
	_, err = b.client.DeletePartition(ctx, &glue.DeletePartitionInput{DatabaseName: db, TableName: tb, PartitionValues: []string{"eu", "2024", "2024-01-02"}})
	requireCode(t, err, "EntityNotFoundException")
	require.Equal(t, []string{"us/2025/2024-01-01"}, getPartitions(t, b, &glue.GetPartitionsInput{}))
}

// Ensure partition indexes can be created with a table or after it, listed
// with their key types, refused on non-keys or past Glue's limit, and
// deleted.
func TestCatalog_PartitionIndexes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	createDatabase(t, b, "db")
	_, err := b.client.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String("db"), TableInput: tableInput("t", "region", "string", "year", "int"),
		PartitionIndexes: []types.PartitionIndex{{IndexName: aws.String("by_year"), Keys: []string{"year"}}}})
	require.NoError(t, err)
	create := func(name string, keys ...string) error {
		_, err := b.client.CreatePartitionIndex(ctx, &glue.CreatePartitionIndexInput{DatabaseName: aws.String("db"), TableName: aws.String("t"),
			PartitionIndex: &types.PartitionIndex{IndexName: aws.String(name), Keys: keys}})
		return err
	}
	require.NoError(t, create("by_region_year", "region", "year"))
	requireCode(t, create("by_year", "year"), "AlreadyExistsException")
	requireCode(t, create("bad", "body"), "InvalidInputException", "body")
	require.NoError(t, create("third", "region"))
	requireCode(t, create("fourth", "year"), "ResourceNumberLimitExceededException")

	out, err := b.client.GetPartitionIndexes(ctx, &glue.GetPartitionIndexesInput{DatabaseName: aws.String("db"), TableName: aws.String("t")})
	require.NoError(t, err)
	require.Len(t, out.PartitionIndexDescriptorList, 3)
	ix := out.PartitionIndexDescriptorList[0]
	require.Equal(t, "by_region_year", aws.ToString(ix.IndexName))
	require.Equal(t, types.PartitionIndexStatusActive, ix.IndexStatus)
	require.Equal(t, "int", aws.ToString(ix.Keys[1].Type))

	_, err = b.client.DeletePartitionIndex(ctx, &glue.DeletePartitionIndexInput{DatabaseName: aws.String("db"), TableName: aws.String("t"), IndexName: aws.String("third")})
	require.NoError(t, err)
	_, err = b.client.DeletePartitionIndex(ctx, &glue.DeletePartitionIndexInput{DatabaseName: aws.String("db"), TableName: aws.String("t"), IndexName: aws.String("third")})
	requireCode(t, err, "EntityNotFoundException", "third")
}
