package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// JobBookmarks returns the stored bookmark resets (see store.JobBookmarks).
func (t *tx) JobBookmarks() store.JobBookmarks { return bookmarks{t} }

type bookmarks struct{ t *tx }

func (b bookmarks) Get(ctx context.Context, job string) (*glue.JobBookmarkRecord, error) {
	var version int
	var doc string
	err := b.t.c.QueryRow(ctx, `SELECT doc_version, doc FROM job_bookmarks WHERE job = $1`, job).Scan(&version, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get job bookmark: %w", err)
	}
	r, err := store.DecodeDoc[glue.JobBookmarkRecord](doc, version)
	if err != nil {
		return nil, fmt.Errorf("job bookmark of %s: %w", job, err)
	}
	return r, nil
}

func (b bookmarks) Put(ctx context.Context, r *glue.JobBookmarkRecord) error {
	doc, err := store.EncodeDoc(r)
	if err != nil {
		return err
	}
	_, err = b.t.c.Exec(ctx, `INSERT INTO job_bookmarks (job, doc_version, doc) VALUES ($1, $2, $3)
		ON CONFLICT (job) DO UPDATE SET doc_version = excluded.doc_version, doc = excluded.doc`, r.JobName, store.DocVersion, doc)
	if err != nil {
		return fmt.Errorf("put job bookmark: %w", err)
	}
	return nil
}

func (b bookmarks) Delete(ctx context.Context, job string) error {
	if _, err := b.t.c.Exec(ctx, `DELETE FROM job_bookmarks WHERE job = $1`, job); err != nil {
		return fmt.Errorf("delete job bookmark: %w", err)
	}
	return nil
}
