package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// catalog implements store.Catalog on the catalog_* tables.
type catalog struct {
	tx pgx.Tx
}

func (t *tx) Catalog() store.Catalog { return &catalog{tx: t.c} }

// exec runs a statement, reporting whether it changed a row.
func (k *catalog) exec(ctx context.Context, what, query string, args ...any) (bool, error) {
	tag, err := k.tx.Exec(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return tag.RowsAffected() > 0, nil
}

// getDoc reads one document row, or returns notFound.
func getDoc[T any](ctx context.Context, tx pgx.Tx, notFound error, query string, args ...any) (*T, error) {
	var doc string
	var version int
	err := tx.QueryRow(ctx, query, args...).Scan(&doc, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	return store.DecodeDoc[T](doc, version)
}

// scanDocs decodes the (doc, doc_version) rows of a query, keeping those
// keep accepts (all when keep is nil), until limit (0: no limit) are kept.
func scanDocs[T any](rows pgx.Rows, keep func(*T) bool, limit int) ([]*T, error) {
	defer rows.Close()
	var out []*T
	for (limit <= 0 || len(out) < limit) && rows.Next() {
		var doc string
		var version int
		if err := rows.Scan(&doc, &version); err != nil {
			return nil, fmt.Errorf("read catalog: %w", err)
		}
		v, err := store.DecodeDoc[T](doc, version)
		if err != nil {
			return nil, err
		}
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	rows.Close()
	return out, rows.Err()
}

func (k *catalog) InsertDatabase(ctx context.Context, db *glue.Database) error {
	doc, err := store.EncodeDoc(db)
	if err != nil {
		return err
	}
	ok, err := k.exec(ctx, "insert database", `INSERT INTO catalog_databases (name, doc, doc_version) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		db.Name, doc, store.DocVersion)
	if err == nil && !ok {
		return glue.Errorf(glue.AlreadyExists, "Database already exists.")
	}
	return err
}

func (k *catalog) GetDatabase(ctx context.Context, name string) (*glue.Database, error) {
	return getDoc[glue.Database](ctx, k.tx, store.DatabaseNotFound(name), `SELECT doc, doc_version FROM catalog_databases WHERE name = $1`, name)
}

func (k *catalog) ReplaceDatabase(ctx context.Context, db *glue.Database) error {
	doc, err := store.EncodeDoc(db)
	if err != nil {
		return err
	}
	ok, err := k.exec(ctx, "update database", `UPDATE catalog_databases SET doc = $1, doc_version = $2 WHERE name = $3`, doc, store.DocVersion, db.Name)
	if err == nil && !ok {
		return store.DatabaseNotFound(db.Name)
	}
	return err
}

func (k *catalog) DeleteDatabase(ctx context.Context, name string) error {
	ok, err := k.exec(ctx, "delete database", `DELETE FROM catalog_databases WHERE name = $1`, name)
	if err == nil && !ok {
		return store.DatabaseNotFound(name)
	}
	return err
}

func (k *catalog) Databases(ctx context.Context, opts glue.ListOptions) ([]*glue.Database, error) {
	rows, err := k.tx.Query(ctx, `SELECT doc, doc_version FROM catalog_databases WHERE name > $1 ORDER BY name LIMIT $2`,
		opts.After, limitOrAll(opts.Limit))
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	return scanDocs[glue.Database](rows, nil, 0)
}

// limitOrAll turns "0 means no limit" into LIMIT NULL, which is LIMIT ALL.
func limitOrAll(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}
