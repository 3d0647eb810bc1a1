package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// catalog implements store.Catalog on the catalog_* tables.
type catalog struct {
	c *conn
}

func (t *tx) Catalog() store.Catalog { return &catalog{c: t.c} }

// exec runs a statement, reporting whether it changed a row.
func (k *catalog) exec(ctx context.Context, what, query string, args ...any) (bool, error) {
	res, err := k.c.ExecContext(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// getDoc reads one document row, or returns notFound.
func getDoc[T any](ctx context.Context, c *conn, notFound error, query string, args ...any) (*T, error) {
	var doc string
	var version int
	err := c.QueryRowContext(ctx, query, args...).Scan(&doc, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	return decodeDoc[T](doc, version)
}

// scanDocs decodes the (doc, doc_version) rows of a query, keeping those
// keep accepts (all when keep is nil), until limit (0: no limit) are kept.
func scanDocs[T any](rows *sql.Rows, keep func(*T) bool, limit int) ([]*T, error) {
	defer rows.Close()
	var out []*T
	for rows.Next() && (limit <= 0 || len(out) < limit) {
		var doc string
		var version int
		if err := rows.Scan(&doc, &version); err != nil {
			return nil, fmt.Errorf("read catalog: %w", err)
		}
		v, err := decodeDoc[T](doc, version)
		if err != nil {
			return nil, err
		}
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	return out, rows.Err()
}

func (k *catalog) InsertDatabase(ctx context.Context, db *glue.Database) error {
	doc, err := encodeDoc(db)
	if err != nil {
		return err
	}
	ok, err := k.exec(ctx, "insert database", `INSERT INTO catalog_databases (name, doc, doc_version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		db.Name, doc, docVersion)
	if err == nil && !ok {
		return glue.Errorf(glue.AlreadyExists, "Database already exists.")
	}
	return err
}

func (k *catalog) GetDatabase(ctx context.Context, name string) (*glue.Database, error) {
	return getDoc[glue.Database](ctx, k.c, store.DatabaseNotFound(name), `SELECT doc, doc_version FROM catalog_databases WHERE name = ?`, name)
}

func (k *catalog) ReplaceDatabase(ctx context.Context, db *glue.Database) error {
	doc, err := encodeDoc(db)
	if err != nil {
		return err
	}
	ok, err := k.exec(ctx, "update database", `UPDATE catalog_databases SET doc = ?, doc_version = ? WHERE name = ?`, doc, docVersion, db.Name)
	if err == nil && !ok {
		return store.DatabaseNotFound(db.Name)
	}
	return err
}

func (k *catalog) DeleteDatabase(ctx context.Context, name string) error {
	ok, err := k.exec(ctx, "delete database", `DELETE FROM catalog_databases WHERE name = ?`, name)
	if err == nil && !ok {
		return store.DatabaseNotFound(name)
	}
	return err
}

func (k *catalog) Databases(ctx context.Context, opts glue.ListOptions) ([]*glue.Database, error) {
	rows, err := k.c.QueryContext(ctx, `SELECT doc, doc_version FROM catalog_databases WHERE name > ? ORDER BY name LIMIT ?`,
		opts.After, limitOrAll(opts.Limit))
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	return scanDocs[glue.Database](rows, nil, 0)
}

// limitOrAll turns "0 means no limit" into SQLite's LIMIT -1.
func limitOrAll(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
