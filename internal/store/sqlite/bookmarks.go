package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (t *tx) JobBookmarks() store.JobBookmarks { return bookmarks{t.c} }

type bookmarks struct{ tx *conn }

func (b bookmarks) Get(ctx context.Context, job string) (*glue.JobBookmarkRecord, error) {
	var version int
	var doc string
	err := b.tx.QueryRowContext(ctx, `SELECT doc_version, doc FROM job_bookmarks WHERE job = ?`, job).Scan(&version, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get job bookmark: %w", err)
	}
	r, err := decodeDoc[glue.JobBookmarkRecord](doc, version)
	if err != nil {
		return nil, fmt.Errorf("job bookmark of %s: %w", job, err)
	}
	return r, nil
}

func (b bookmarks) Put(ctx context.Context, r *glue.JobBookmarkRecord) error {
	doc, err := encodeDoc(r)
	if err != nil {
		return err
	}
	_, err = b.tx.ExecContext(ctx, `INSERT INTO job_bookmarks (job, doc_version, doc) VALUES (?, ?, ?)
		ON CONFLICT (job) DO UPDATE SET doc_version = excluded.doc_version, doc = excluded.doc`, r.JobName, store.DocVersion, doc)
	if err != nil {
		return fmt.Errorf("put job bookmark: %w", err)
	}
	return nil
}

func (b bookmarks) Delete(ctx context.Context, job string) error {
	if _, err := b.tx.ExecContext(ctx, `DELETE FROM job_bookmarks WHERE job = ?`, job); err != nil {
		return fmt.Errorf("delete job bookmark: %w", err)
	}
	return nil
}
