package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/store"
)

// Logs returns the shipped job output (see store.Logs).
func (t *tx) Logs() store.Logs { return logs{t.c} }

type logs struct{ tx *conn }

func (l logs) End(ctx context.Context, runID, stream string) (store.LogEnd, error) {
	var end store.LogEnd
	err := l.tx.QueryRowContext(ctx, `SELECT end_offset, final FROM job_logs WHERE run_id = ? AND stream = ?
		ORDER BY start_offset DESC LIMIT 1`, runID, stream).Scan(&end.Offset, &end.Final)
	if errors.Is(err, sql.ErrNoRows) {
		return store.LogEnd{}, nil
	}
	if err != nil {
		return end, fmt.Errorf("end of job log: %w", err)
	}
	end.Stored = true
	return end, nil
}

func (l logs) Append(ctx context.Context, runID, stream string, c *store.LogChunk) (bool, error) {
	end, err := l.End(ctx, runID, stream)
	if err != nil {
		return false, err
	}
	if ok, err := store.CheckLogAppend(end, runID, stream, c); !ok {
		return false, err
	}
	data := c.Data
	if data == nil {
		data = []byte{}
	}
	_, err = l.tx.ExecContext(ctx, `INSERT INTO job_logs (run_id, stream, start_offset, end_offset, final, data, stamps)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, runID, stream, c.Offset, c.End(), c.Final, data, store.EncodeLogStamps(c.Stamps))
	if err != nil {
		return false, fmt.Errorf("append job log: %w", err)
	}
	return true, nil
}

func (l logs) Read(ctx context.Context, runID, stream string, from int64, limit int) ([]*store.LogChunk, error) {
	rows, err := l.tx.QueryContext(ctx, `SELECT start_offset, final, data, stamps FROM job_logs
		WHERE run_id = ? AND stream = ? AND end_offset > ? ORDER BY end_offset, start_offset LIMIT ?`, runID, stream, from, limit)
	if err != nil {
		return nil, fmt.Errorf("read job log: %w", err)
	}
	defer rows.Close()
	var out []*store.LogChunk
	for rows.Next() {
		c := &store.LogChunk{}
		var stamps string
		if err := rows.Scan(&c.Offset, &c.Final, &c.Data, &stamps); err != nil {
			return nil, fmt.Errorf("read job log: %w", err)
		}
		if c.Stamps, err = store.DecodeLogStamps(stamps); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
