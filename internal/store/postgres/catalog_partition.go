package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/catalog/expr"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (k *catalog) InsertPartition(ctx context.Context, p *glue.Partition) error {
	id, err := k.tableID(ctx, p.DatabaseName, p.TableName)
	if err != nil {
		return err
	}
	return k.insertPartition(ctx, id, p)
}

// insertPartition stores a partition document and its indexed key rows.
func (k *catalog) insertPartition(ctx context.Context, tableID int64, p *glue.Partition) error {
	doc, err := store.EncodeDoc(p)
	if err != nil {
		return err
	}
	var id int64
	err = k.tx.QueryRow(ctx, `INSERT INTO catalog_partitions (table_id, vals, doc, doc_version) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING RETURNING id`, tableID, store.PartitionKey(p.Values), doc, store.DocVersion).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return glue.Errorf(glue.AlreadyExists, "Partition already exists.")
	}
	if err != nil {
		return fmt.Errorf("insert partition: %w", err)
	}
	for pos, v := range p.Values {
		if _, err := k.exec(ctx, "insert partition key", `INSERT INTO catalog_partition_keys (partition_id, table_id, pos, str, num) VALUES ($1, $2, $3, $4, $5)`,
			id, tableID, pos, v, expr.Number(v)); err != nil {
			return err
		}
	}
	return nil
}

func (k *catalog) GetPartition(ctx context.Context, db, table string, values []string) (*glue.Partition, error) {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return nil, err
	}
	return getDoc[glue.Partition](ctx, k.tx, store.PartitionNotFound(values),
		`SELECT doc, doc_version FROM catalog_partitions WHERE table_id = $1 AND vals = $2`, id, store.PartitionKey(values))
}

func (k *catalog) ReplacePartition(ctx context.Context, values []string, p *glue.Partition) error {
	id, err := k.tableID(ctx, p.DatabaseName, p.TableName)
	if err != nil {
		return err
	}
	if err := k.deletePartition(ctx, id, values); err != nil {
		return err
	}
	return k.insertPartition(ctx, id, p)
}

func (k *catalog) DeletePartition(ctx context.Context, db, table string, values []string) error {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return err
	}
	return k.deletePartition(ctx, id, values)
}

func (k *catalog) deletePartition(ctx context.Context, tableID int64, values []string) error {
	ok, err := k.exec(ctx, "delete partition", `DELETE FROM catalog_partitions WHERE table_id = $1 AND vals = $2`, tableID, store.PartitionKey(values))
	if err == nil && !ok {
		return store.PartitionNotFound(values)
	}
	return err
}

// driverProbeCap bounds the index entries read to estimate how many
// partitions a predicate selects; a predicate selecting more does not
// drive a query.
const driverProbeCap = 10_000

// Partitions answers the expression from the key index, as the SQLite
// store does. The top-level predicates that select fewer than
// driverProbeCap partitions (counted in the index, up to the cap) drive
// the query: the intersection of the ids they select, read from
// catalog_partition_keys by (table, position, value), are the candidates,
// and every predicate is then checked on them by key lookups. With no such
// predicate the table's partitions are read in order, checked the same
// way, until the page is full. No partition document is decoded unless it
// is returned. Queries are built per expression, so they run with
// QueryExecModeDescribeExec: the server types their parameters (num is
// NUMERIC, so numbers compare exactly and use the index) and pgx's
// statement cache does not fill up with one-off statements.
func (k *catalog) Partitions(ctx context.Context, db, table string, pq store.PartitionQuery) ([]*glue.Partition, error) {
	tid, err := k.tableID(ctx, db, table)
	if err != nil {
		return nil, err
	}
	q := &query{}
	driver, err := k.driver(ctx, tid, pq.Where, q)
	if err != nil {
		return nil, err
	}
	q.b.WriteString(`SELECT doc, doc_version FROM catalog_partitions p WHERE `)
	if driver != "" {
		q.b.WriteString(`p.id IN (` + driver + `) AND `)
	}
	q.b.WriteString(`p.table_id = ` + q.arg(tid) + ` AND p.vals > ` + q.arg(pq.After) + ` AND `)
	var where string
	where, q.args = expr.SQL(pq.Where, expr.PostgreSQL, q.args, func(pos int, cond string) string {
		return fmt.Sprintf("EXISTS (SELECT 1 FROM catalog_partition_keys k WHERE k.partition_id = p.id AND k.pos = %d AND %s)", pos, cond)
	})
	q.b.WriteString(where)
	if s := pq.Segment; s != nil && s.TotalSegments > 1 {
		q.b.WriteString(` AND p.id % ` + q.arg(s.TotalSegments) + ` = ` + q.arg(s.SegmentNumber))
	}
	q.b.WriteString(` ORDER BY p.vals LIMIT ` + q.arg(limitOrAll(pq.Limit)))
	rows, err := k.tx.Query(ctx, q.b.String(), append([]any{pgx.QueryExecModeDescribeExec}, q.args...)...)
	if err != nil {
		return nil, fmt.Errorf("list partitions: %w", err)
	}
	return scanDocs[glue.Partition](rows, nil, 0)
}

// driver returns the query of the candidate partition ids for e, adding
// its arguments to q, or "" when no top-level predicate is selective
// enough.
func (k *catalog) driver(ctx context.Context, tid int64, e expr.Expr, q *query) (string, error) {
	var parts []string
	for _, c := range expr.Conjuncts(e) {
		if _, ok := c.(*expr.Predicate); !ok {
			continue
		}
		probe := &query{}
		var ids string
		ids, probe.args = keyIDs(tid, c, nil)
		count := `SELECT count(*) FROM (` + ids + ` LIMIT ` + probe.arg(driverProbeCap) + `) ids`
		var n int
		if err := k.tx.QueryRow(ctx, count, append([]any{pgx.QueryExecModeDescribeExec}, probe.args...)...).Scan(&n); err != nil {
			return "", fmt.Errorf("list partitions: %w", err)
		}
		if n < driverProbeCap {
			ids, q.args = keyIDs(tid, c, q.args)
			parts = append(parts, ids)
		}
	}
	return strings.Join(parts, " INTERSECT "), nil
}

// keyIDs translates e, a predicate, to the query of the ids of the table's
// partitions it selects, numbering its arguments after args.
func keyIDs(tid int64, e expr.Expr, args []any) (string, []any) {
	return expr.SQL(e, expr.PostgreSQL, args, func(pos int, cond string) string {
		return fmt.Sprintf("SELECT partition_id FROM catalog_partition_keys WHERE table_id = %d AND pos = %d AND %s", tid, pos, cond)
	})
}

func (k *catalog) InsertPartitionIndex(ctx context.Context, db, table string, ix *glue.PartitionIndexDescriptor) error {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return err
	}
	doc, err := store.EncodeDoc(ix)
	if err != nil {
		return err
	}
	ok, err := k.exec(ctx, "insert partition index", `INSERT INTO catalog_partition_indexes (table_id, name, doc, doc_version) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, id, ix.IndexName, doc, store.DocVersion)
	if err == nil && !ok {
		return glue.Errorf(glue.AlreadyExists, "Partition index %s already exists.", ix.IndexName)
	}
	return err
}

func (k *catalog) PartitionIndexes(ctx context.Context, db, table string) ([]*glue.PartitionIndexDescriptor, error) {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return nil, err
	}
	rows, err := k.tx.Query(ctx, `SELECT doc, doc_version FROM catalog_partition_indexes WHERE table_id = $1 ORDER BY name`, id)
	if err != nil {
		return nil, fmt.Errorf("list partition indexes: %w", err)
	}
	return scanDocs[glue.PartitionIndexDescriptor](rows, nil, 0)
}

func (k *catalog) DeletePartitionIndex(ctx context.Context, db, table, name string) error {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return err
	}
	ok, err := k.exec(ctx, "delete partition index", `DELETE FROM catalog_partition_indexes WHERE table_id = $1 AND name = $2`, id, name)
	if err == nil && !ok {
		return glue.Errorf(glue.EntityNotFound, "Partition index %s not found.", name)
	}
	return err
}
