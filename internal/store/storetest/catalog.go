package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/catalog/expr"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func testCatalog(t *testing.T, open OpenFunc) {
	t.Run("Cascade", func(t *testing.T) {
		t.Parallel()
		testCatalogCascade(t, open)
	})
	t.Run("Versions", func(t *testing.T) {
		t.Parallel()
		testCatalogVersions(t, open)
	})
	t.Run("Expressions", func(t *testing.T) {
		t.Parallel()
		testCatalogExpressions(t, open)
	})
	t.Run("Segments", func(t *testing.T) {
		t.Parallel()
		testCatalogSegments(t, open)
	})
}

// partitionedTable is a table partitioned by region (string), year (int)
// and day (date).
func partitionedTable(db, name string) *glue.Table {
	return &glue.Table{Name: name, DatabaseName: db, VersionId: "1", CreateTime: glue.At(ms), UpdateTime: glue.At(ms),
		PartitionKeys: []glue.Column{{Name: "region", Type: "string"}, {Name: "year", Type: "int"}, {Name: "day", Type: "date"}}}
}

// seedCatalog stores database db with table t and partitions for every
// region, year and day given.
func seedCatalog(t *testing.T, b *bundle, regions, years, days []string) {
	t.Helper()
	b.update(t, func(tx store.Tx) error {
		c := tx.Catalog()
		if err := c.InsertDatabase(b.ctx, &glue.Database{Name: "db", CreateTime: glue.At(ms)}); err != nil {
			return err
		}
		if err := c.InsertTable(b.ctx, partitionedTable("db", "t")); err != nil {
			return err
		}
		for _, r := range regions {
			for _, y := range years {
				for _, d := range days {
					p := &glue.Partition{Values: []string{r, y, d}, DatabaseName: "db", TableName: "t", CreationTime: glue.At(ms)}
					if err := c.InsertPartition(b.ctx, p); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// partitions returns the values of the partitions q selects, paging
// through them pageSize at a time.
func partitions(t *testing.T, b *bundle, q store.PartitionQuery, pageSize int) [][]string {
	t.Helper()
	var out [][]string
	q.Limit = pageSize
	for {
		var page []*glue.Partition
		b.view(t, func(tx store.Tx) (err error) {
			page, err = tx.Catalog().Partitions(b.ctx, "db", "t", q)
			return err
		})
		for _, p := range page {
			out = append(out, p.Values)
		}
		if len(page) < pageSize {
			return out
		}
		q.After = store.PartitionKey(page[len(page)-1].Values)
	}
}

// Ensure deleting a database deletes its tables and their partitions, and
// deleting a table its partitions, versions and indexes.
func testCatalogCascade(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	seedCatalog(t, b, []string{"eu"}, []string{"2024"}, []string{"2024-01-01"})
	b.update(t, func(tx store.Tx) error {
		c := tx.Catalog()
		requireCode(t, c.InsertDatabase(b.ctx, &glue.Database{Name: "db"}), glue.AlreadyExists)
		requireCode(t, c.InsertTable(b.ctx, partitionedTable("db", "t")), glue.AlreadyExists)
		requireCode(t, c.InsertTable(b.ctx, partitionedTable("nodb", "t")), glue.EntityNotFound, "nodb")
		requireCode(t, c.InsertPartition(b.ctx, &glue.Partition{Values: []string{"eu", "2024", "2024-01-01"}, DatabaseName: "db", TableName: "t"}), glue.AlreadyExists)
		require.NoError(t, c.InsertPartitionIndex(b.ctx, "db", "t", &glue.PartitionIndexDescriptor{IndexName: "ix", IndexStatus: "ACTIVE"}))
		return c.DeleteDatabase(b.ctx, "db")
	})
	b.update(t, func(tx store.Tx) error {
		c := tx.Catalog()
		_, err := c.GetTable(b.ctx, "db", "t")
		requireCode(t, err, glue.EntityNotFound, "db")
		require.NoError(t, c.InsertDatabase(b.ctx, &glue.Database{Name: "db"}))
		require.NoError(t, c.InsertTable(b.ctx, partitionedTable("db", "t")))
		ps, err := c.Partitions(b.ctx, "db", "t", store.PartitionQuery{})
		require.NoError(t, err)
		require.Empty(t, ps, "the partitions went with the database")
		ixs, err := c.PartitionIndexes(b.ctx, "db", "t")
		require.NoError(t, err)
		require.Empty(t, ixs)
		vs, err := c.TableVersions(b.ctx, "db", "t", 0, 0)
		require.NoError(t, err)
		require.Len(t, vs, 1)
		return nil
	})
}

// Ensure UpdateTable keeps every version, newest first, and versions can
// be deleted one by one.
func testCatalogVersions(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	seedCatalog(t, b, nil, nil, nil)
	b.update(t, func(tx store.Tx) error {
		c := tx.Catalog()
		for v := 2; v <= 4; v++ {
			tb := partitionedTable("db", "t")
			tb.VersionId, tb.Description = fmt.Sprint(v), describe(fmt.Sprint("v", v))
			require.NoError(t, c.UpdateTable(b.ctx, tb))
		}
		cur, err := c.GetTable(b.ctx, "db", "t")
		require.NoError(t, err)
		require.Equal(t, "4", cur.VersionId)
		page, err := c.TableVersions(b.ctx, "db", "t", 4, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"3", "2"}, versionIDs(page))
		require.NoError(t, c.DeleteTableVersion(b.ctx, "db", "t", "2"))
		requireCode(t, c.DeleteTableVersion(b.ctx, "db", "t", "2"), glue.EntityNotFound)
		all, err := c.TableVersions(b.ctx, "db", "t", 0, 0)
		require.NoError(t, err)
		require.Equal(t, []string{"4", "3", "1"}, versionIDs(all))
		v3, err := c.TableVersion(b.ctx, "db", "t", "3")
		require.NoError(t, err)
		require.Equal(t, "v3", deref(v3.Table.Description))
		return nil
	})
}

func versionIDs(vs []*glue.TableVersion) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.VersionId)
	}
	return out
}

// Ensure the store answers expressions exactly as expr.Match does, page by
// page, in the order of the partitions' values.
func testCatalogExpressions(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	regions := []string{"eu", "us", "ap", "e_u", "x*y"}
	years := []string{"999", "2023", "2024", "10000", "n/a", "NaN", "inf", "0x7E8"}
	days := []string{"2024-01-01", "2024-02-29", "2024-12-31"}
	seedCatalog(t, b, regions, years, days)
	tb := partitionedTable("db", "t")
	all := partitions(t, b, store.PartitionQuery{}, 1000)
	require.Len(t, all, len(regions)*len(years)*len(days))
	for _, s := range []string{
		"", "region = 'eu'", "year > 2023", "year < 2024", "year BETWEEN 999 AND 2023", "year IN (999, 10000)",
		"day >= '2024-02-29'", "region LIKE 'e%'", "region LIKE 'e_u'", "region LIKE 'x*y'", "region LIKE 'x%'",
		"NOT year > 2023", "region = 'us' OR (year = 2024 AND NOT day = '2024-01-01')", "year <> 2024",
		"region NOT IN ('eu', 'us') AND day NOT BETWEEN '2024-01-02' AND '2024-12-30'",
	} {
		e, err := expr.Parse(s, tb.PartitionKeys)
		require.NoError(t, err, s)
		var want [][]string
		for _, vs := range all {
			if expr.Match(e, vs) {
				want = append(want, vs)
			}
		}
		require.Equal(t, want, partitions(t, b, store.PartitionQuery{Where: e}, 7), s)
	}
}

// Ensure segments split a table's partitions without overlap or loss, also
// under an expression.
func testCatalogSegments(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	seedCatalog(t, b, []string{"eu", "us", "ap"}, []string{"2022", "2023", "2024"}, []string{"2024-01-01", "2024-01-02", "2024-01-03"})
	e, err := expr.Parse("year >= 2023", partitionedTable("db", "t").PartitionKeys)
	require.NoError(t, err)
	for _, where := range []expr.Expr{nil, e} {
		whole := partitions(t, b, store.PartitionQuery{Where: where}, 1000)
		for total := 1; total <= 10; total++ {
			var union [][]string
			for n := range total {
				union = append(union, partitions(t, b, store.PartitionQuery{Where: where, Segment: &glue.Segment{SegmentNumber: n, TotalSegments: total}}, 4)...)
			}
			slices.SortFunc(union, func(a, b []string) int { return slices.Compare(a, b) })
			sorted := slices.Clone(whole)
			slices.SortFunc(sorted, func(a, b []string) int { return slices.Compare(a, b) })
			require.Equal(t, sorted, union, "%d segments", total)
		}
	}
}
