package sqlite

import (
	"context"
	"fmt"
	"strings"

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
	doc, err := encodeDoc(p)
	if err != nil {
		return err
	}
	var id int64
	err = k.c.QueryRowContext(ctx, `INSERT INTO catalog_partitions (table_id, vals, doc, doc_version) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING RETURNING id`, tableID, store.PartitionKey(p.Values), doc, docVersion).Scan(&id)
	if err != nil {
		if isNoRows(err) {
			return glue.Errorf(glue.AlreadyExists, "Partition already exists.")
		}
		return fmt.Errorf("insert partition: %w", err)
	}
	for pos, v := range p.Values {
		if _, err := k.exec(ctx, "insert partition key", `INSERT INTO catalog_partition_keys (partition_id, table_id, pos, str, num) VALUES (?, ?, ?, ?, ?)`,
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
	return getDoc[glue.Partition](ctx, k.c, store.PartitionNotFound(values),
		`SELECT doc, doc_version FROM catalog_partitions WHERE table_id = ? AND vals = ?`, id, store.PartitionKey(values))
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
	ok, err := k.exec(ctx, "delete partition", `DELETE FROM catalog_partitions WHERE table_id = ? AND vals = ?`, tableID, store.PartitionKey(values))
	if err == nil && !ok {
		return store.PartitionNotFound(values)
	}
	return err
}

// driverProbeCap bounds the index entries read to estimate how many
// partitions a predicate selects; a predicate selecting more does not
// drive a query.
const driverProbeCap = 10_000

// Partitions answers the expression from the key index. The top-level
// predicates that select fewer than driverProbeCap partitions (counted in
// the index, up to the cap) drive the query: the intersection of the ids
// they select, read from catalog_partition_keys by (table, position,
// value), are the candidates, and every predicate is then checked on them
// by primary-key lookups. With no such predicate the table's partitions
// are read in order, checked the same way, until the page is full. No
// partition document is decoded unless it is returned. Queries are built
// per expression and so bypass the statement cache.
func (k *catalog) Partitions(ctx context.Context, db, table string, q store.PartitionQuery) ([]*glue.Partition, error) {
	tid, err := k.tableID(ctx, db, table)
	if err != nil {
		return nil, err
	}
	where, args := expr.SQL(q.Where, expr.SQLite, nil, func(pos int, cond string) string {
		return fmt.Sprintf("EXISTS (SELECT 1 FROM catalog_partition_keys k WHERE k.partition_id = p.id AND k.pos = %d AND %s)", pos, cond)
	})
	var b strings.Builder
	driver, dargs, err := k.driver(ctx, tid, q.Where)
	if err != nil {
		return nil, err
	}
	if driver != "" {
		// The unary + keeps SQLite from scanning the (table_id, vals) index
		// instead of looking up the driver's partitions.
		b.WriteString(`SELECT doc, doc_version FROM catalog_partitions p WHERE p.id IN (` + driver + `) AND +p.table_id = ? AND +p.vals > ? AND ` + where)
	} else {
		b.WriteString(`SELECT doc, doc_version FROM catalog_partitions p WHERE p.table_id = ? AND p.vals > ? AND ` + where)
	}
	args = append(append(dargs, tid, q.After), args...)
	if s := q.Segment; s != nil && s.TotalSegments > 1 {
		b.WriteString(` AND p.id % ? = ?`)
		args = append(args, s.TotalSegments, s.SegmentNumber)
	}
	b.WriteString(` ORDER BY p.vals LIMIT ?`)
	args = append(args, limitOrAll(q.Limit))
	rows, err := k.c.tx.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("list partitions: %w", err)
	}
	return scanDocs[glue.Partition](rows, nil, 0)
}

// driver returns the query of the candidate partition ids for e, with its
// arguments, or "" when no top-level predicate is selective enough.
func (k *catalog) driver(ctx context.Context, tid int64, e expr.Expr) (string, []any, error) {
	var parts []string
	var args []any
	for _, c := range expr.Conjuncts(e) {
		if _, ok := c.(*expr.Predicate); !ok {
			continue
		}
		q, a := expr.SQL(c, expr.SQLite, nil, func(pos int, cond string) string {
			return fmt.Sprintf("SELECT partition_id FROM catalog_partition_keys WHERE table_id = %d AND pos = %d AND %s", tid, pos, cond)
		})
		var n int
		if err := k.c.tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+q+` LIMIT ?)`, append(a, driverProbeCap)...).Scan(&n); err != nil {
			return "", nil, fmt.Errorf("list partitions: %w", err)
		}
		if n < driverProbeCap {
			parts, args = append(parts, q), append(args, a...)
		}
	}
	return strings.Join(parts, " INTERSECT "), args, nil
}

func (k *catalog) InsertPartitionIndex(ctx context.Context, db, table string, ix *glue.PartitionIndexDescriptor) error {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return err
	}
	doc, err := encodeDoc(ix)
	if err != nil {
		return err
	}
	ok, err := k.exec(ctx, "insert partition index", `INSERT INTO catalog_partition_indexes (table_id, name, doc, doc_version) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, id, ix.IndexName, doc, docVersion)
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
	rows, err := k.c.QueryContext(ctx, `SELECT doc, doc_version FROM catalog_partition_indexes WHERE table_id = ? ORDER BY name`, id)
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
	ok, err := k.exec(ctx, "delete partition index", `DELETE FROM catalog_partition_indexes WHERE table_id = ? AND name = ?`, id, name)
	if err == nil && !ok {
		return glue.Errorf(glue.EntityNotFound, "Partition index %s not found.", name)
	}
	return err
}
