package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (t *tx) Schedules() store.Schedules { return schedules{t.c} }
func (t *tx) Events() store.Events       { return events{t.c} }

const timeFormat = "2006-01-02T15:04:05.000Z07:00"

type schedules struct{ tx *conn }

func (s schedules) Get(ctx context.Context, key string) (*glue.ScheduleRecord, error) {
	var st glue.ScheduleRecord
	var last string
	err := s.tx.QueryRowContext(ctx, `SELECT key, expression, last_fire FROM schedules WHERE key = ?`, key).Scan(&st.Key, &st.Expression, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get schedule: %w", err)
	}
	st.LastFire, err = time.Parse(timeFormat, last)
	return &st, err
}

func (s schedules) Put(ctx context.Context, st *glue.ScheduleRecord) error {
	_, err := s.tx.ExecContext(ctx, `INSERT INTO schedules (key, expression, last_fire) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET expression = excluded.expression, last_fire = excluded.last_fire`,
		st.Key, st.Expression, st.LastFire.UTC().Format(timeFormat))
	if err != nil {
		return fmt.Errorf("put schedule: %w", err)
	}
	return nil
}

func (s schedules) Delete(ctx context.Context, key string) error {
	_, err := s.tx.ExecContext(ctx, `DELETE FROM schedules WHERE key = ?`, key)
	return err
}

func (s schedules) List(ctx context.Context) ([]*glue.ScheduleRecord, error) {
	rows, err := s.tx.QueryContext(ctx, `SELECT key, expression, last_fire FROM schedules ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	defer rows.Close()
	var out []*glue.ScheduleRecord
	for rows.Next() {
		var st glue.ScheduleRecord
		var last string
		if err := rows.Scan(&st.Key, &st.Expression, &last); err != nil {
			return nil, err
		}
		if st.LastFire, err = time.Parse(timeFormat, last); err != nil {
			return nil, err
		}
		out = append(out, &st)
	}
	return out, rows.Err()
}

func (s schedules) Fired(ctx context.Context, key string, fireTime time.Time) (bool, error) {
	res, err := s.tx.ExecContext(ctx, `INSERT INTO schedule_fires (key, fire_time) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		key, fireTime.UTC().Format(timeFormat))
	if err != nil {
		return false, fmt.Errorf("record schedule fire: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

type events struct{ tx *conn }

func (e events) Insert(ctx context.Context, ev *glue.Event) (bool, error) {
	res, err := e.tx.ExecContext(ctx, `INSERT INTO events (workflow, event_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		ev.Workflow, ev.ID, ev.ReceivedAt.UTC().Format(timeFormat))
	if err != nil {
		return false, fmt.Errorf("insert event: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 1 {
		ev.Seq, _ = res.LastInsertId()
	}
	return n == 1, nil
}

func (e events) Pending(ctx context.Context, workflow string) ([]*glue.Event, error) {
	rows, err := e.tx.QueryContext(ctx, `SELECT seq, workflow, event_id, received_at FROM events WHERE run_id = '' AND workflow = ? ORDER BY seq`, workflow)
	if err != nil {
		return nil, fmt.Errorf("pending events: %w", err)
	}
	defer rows.Close()
	var out []*glue.Event
	for rows.Next() {
		var ev glue.Event
		var at string
		if err := rows.Scan(&ev.Seq, &ev.Workflow, &ev.ID, &at); err != nil {
			return nil, err
		}
		if ev.ReceivedAt, err = time.Parse(timeFormat, at); err != nil {
			return nil, err
		}
		out = append(out, &ev)
	}
	return out, rows.Err()
}

func (e events) PendingWorkflows(ctx context.Context) ([]string, error) {
	rows, err := e.tx.QueryContext(ctx, `SELECT DISTINCT workflow FROM events WHERE run_id = '' ORDER BY workflow`)
	if err != nil {
		return nil, fmt.Errorf("pending workflows: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

func (e events) Assign(ctx context.Context, seqs []int64, runID string) error {
	for _, s := range seqs {
		if _, err := e.tx.ExecContext(ctx, `UPDATE events SET run_id = ? WHERE seq = ?`, runID, s); err != nil {
			return fmt.Errorf("assign event: %w", err)
		}
	}
	return nil
}

func (e events) DeleteWorkflow(ctx context.Context, workflow string) error {
	_, err := e.tx.ExecContext(ctx, `DELETE FROM events WHERE workflow = ?`, workflow)
	return err
}
