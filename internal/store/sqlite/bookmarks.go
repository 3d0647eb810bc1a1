package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (t *tx) JobBookmarks() store.JobBookmarks { return bookmarks{t.c} }

type bookmarks struct{ tx *conn }

func (b bookmarks) Get(ctx context.Context, job string) (*glue.JobBookmarkRecord, error) {
	var doc string
	err := b.tx.QueryRowContext(ctx, `SELECT doc FROM job_bookmarks WHERE job = ?`, job).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get job bookmark: %w", err)
	}
	var r glue.JobBookmarkRecord
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		return nil, fmt.Errorf("decode job bookmark of %s: %w", job, err)
	}
	return &r, nil
}

func (b bookmarks) Put(ctx context.Context, r *glue.JobBookmarkRecord) error {
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = b.tx.ExecContext(ctx, `INSERT INTO job_bookmarks (job, doc) VALUES (?, ?)
		ON CONFLICT (job) DO UPDATE SET doc = excluded.doc`, r.JobName, string(doc))
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
