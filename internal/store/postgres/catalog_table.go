package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// tableID returns the row id of a table, or glue.EntityNotFound naming the
// database when that is what is missing.
func (k *catalog) tableID(ctx context.Context, db, name string) (int64, error) {
	var id int64
	err := k.tx.QueryRow(ctx, `SELECT id FROM catalog_tables WHERE db = $1 AND name = $2`, db, name).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := k.GetDatabase(ctx, db); err != nil {
			return 0, err
		}
		return 0, store.TableNotFound(name)
	}
	if err != nil {
		return 0, fmt.Errorf("read table: %w", err)
	}
	return id, nil
}

func (k *catalog) InsertTable(ctx context.Context, t *glue.Table) error {
	if _, err := k.GetDatabase(ctx, t.DatabaseName); err != nil {
		return err
	}
	v, ok := store.TableVersionNumber(t.VersionId)
	if !ok {
		return fmt.Errorf("insert table: bad version %q", t.VersionId)
	}
	doc, err := store.EncodeDoc(t)
	if err != nil {
		return err
	}
	var id int64
	err = k.tx.QueryRow(ctx, `INSERT INTO catalog_tables (db, name, version, doc, doc_version) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING RETURNING id`, t.DatabaseName, t.Name, v, doc, store.DocVersion).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return glue.Errorf(glue.AlreadyExists, "Table already exists.")
	}
	if err != nil {
		return fmt.Errorf("insert table: %w", err)
	}
	_, err = k.exec(ctx, "insert table version", `INSERT INTO catalog_table_versions (table_id, version, doc, doc_version) VALUES ($1, $2, $3, $4)`,
		id, v, doc, store.DocVersion)
	return err
}

func (k *catalog) GetTable(ctx context.Context, db, name string) (*glue.Table, error) {
	t, err := getDoc[glue.Table](ctx, k.tx, nil, `SELECT doc, doc_version FROM catalog_tables WHERE db = $1 AND name = $2`, db, name)
	if t == nil && err == nil {
		_, err = k.tableID(ctx, db, name)
	}
	return t, err
}

func (k *catalog) UpdateTable(ctx context.Context, t *glue.Table) error {
	id, err := k.tableID(ctx, t.DatabaseName, t.Name)
	if err != nil {
		return err
	}
	v, ok := store.TableVersionNumber(t.VersionId)
	if !ok {
		return fmt.Errorf("update table: bad version %q", t.VersionId)
	}
	doc, err := store.EncodeDoc(t)
	if err != nil {
		return err
	}
	if _, err := k.exec(ctx, "update table", `UPDATE catalog_tables SET version = $1, doc = $2, doc_version = $3 WHERE id = $4`,
		v, doc, store.DocVersion, id); err != nil {
		return err
	}
	_, err = k.exec(ctx, "insert table version", `INSERT INTO catalog_table_versions (table_id, version, doc, doc_version) VALUES ($1, $2, $3, $4)`,
		id, v, doc, store.DocVersion)
	return err
}

func (k *catalog) DeleteTable(ctx context.Context, db, name string) error {
	id, err := k.tableID(ctx, db, name)
	if err != nil {
		return err
	}
	_, err = k.exec(ctx, "delete table", `DELETE FROM catalog_tables WHERE id = $1`, id)
	return err
}

func (k *catalog) Tables(ctx context.Context, db string, q store.TableQuery) ([]*glue.Table, error) {
	if _, err := k.GetDatabase(ctx, db); err != nil {
		return nil, err
	}
	rows, err := k.tx.Query(ctx, `SELECT doc, doc_version FROM catalog_tables WHERE db = $1 AND name > $2 ORDER BY name`, db, q.After)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return scanDocs(rows, q.Match, q.Limit)
}

func (k *catalog) AllTables(ctx context.Context, q store.TableQuery) ([]*glue.Table, error) {
	db, name, _ := strings.Cut(q.After, "\x00")
	rows, err := k.tx.Query(ctx, `SELECT doc, doc_version FROM catalog_tables WHERE (db, name) > ($1, $2) ORDER BY db, name`, db, name)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return scanDocs(rows, q.Match, q.Limit)
}

func (k *catalog) TableVersion(ctx context.Context, db, table, version string) (*glue.TableVersion, error) {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return nil, err
	}
	v, ok := store.TableVersionNumber(version)
	notFound := store.TableVersionNotFound(version, table)
	if !ok {
		return nil, notFound
	}
	t, err := getDoc[glue.Table](ctx, k.tx, notFound, `SELECT doc, doc_version FROM catalog_table_versions WHERE table_id = $1 AND version = $2`, id, v)
	if err != nil {
		return nil, err
	}
	return &glue.TableVersion{Table: t, VersionId: t.VersionId}, nil
}

func (k *catalog) TableVersions(ctx context.Context, db, table string, before int64, limit int) ([]*glue.TableVersion, error) {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return nil, err
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := k.tx.Query(ctx, `SELECT doc, doc_version FROM catalog_table_versions WHERE table_id = $1 AND version < $2
		ORDER BY version DESC LIMIT $3`, id, before, limitOrAll(limit))
	if err != nil {
		return nil, fmt.Errorf("list table versions: %w", err)
	}
	ts, err := scanDocs[glue.Table](rows, nil, 0)
	out := make([]*glue.TableVersion, len(ts))
	for i, t := range ts {
		out[i] = &glue.TableVersion{Table: t, VersionId: t.VersionId}
	}
	return out, err
}

func (k *catalog) DeleteTableVersion(ctx context.Context, db, table, version string) error {
	id, err := k.tableID(ctx, db, table)
	if err != nil {
		return err
	}
	v, _ := store.TableVersionNumber(version)
	ok, err := k.exec(ctx, "delete table version", `DELETE FROM catalog_table_versions WHERE table_id = $1 AND version = $2`, id, v)
	if err == nil && !ok {
		return store.TableVersionNotFound(version, table)
	}
	return err
}
