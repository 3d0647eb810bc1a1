package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (t *tx) Schedules() store.Schedules { return schedules{t.c} }
func (t *tx) Events() store.Events       { return events{t.c} }

// instant is a time as stored: UTC, to the millisecond, the precision the
// SQLite store keeps, so both stores agree on which fire times are equal.
func instant(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

type schedules struct{ tx pgx.Tx }

func scanSchedule(r pgx.CollectableRow) (*glue.ScheduleRecord, error) {
	var st glue.ScheduleRecord
	if err := r.Scan(&st.Key, &st.Expression, &st.LastFire); err != nil {
		return nil, err
	}
	st.LastFire = st.LastFire.UTC()
	return &st, nil
}

func (s schedules) Get(ctx context.Context, key string) (*glue.ScheduleRecord, error) {
	rows, err := s.tx.Query(ctx, `SELECT key, expression, last_fire FROM schedules WHERE key = $1`, key)
	if err != nil {
		return nil, fmt.Errorf("get schedule: %w", err)
	}
	st, err := pgx.CollectExactlyOneRow(rows, scanSchedule)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get schedule: %w", err)
	}
	return st, nil
}

func (s schedules) Put(ctx context.Context, st *glue.ScheduleRecord) error {
	_, err := s.tx.Exec(ctx, `INSERT INTO schedules (key, expression, last_fire) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET expression = excluded.expression, last_fire = excluded.last_fire`,
		st.Key, st.Expression, instant(st.LastFire))
	if err != nil {
		return fmt.Errorf("put schedule: %w", err)
	}
	return nil
}

func (s schedules) Delete(ctx context.Context, key string) error {
	_, err := s.tx.Exec(ctx, `DELETE FROM schedules WHERE key = $1`, key)
	return err
}

func (s schedules) List(ctx context.Context) ([]*glue.ScheduleRecord, error) {
	rows, err := s.tx.Query(ctx, `SELECT key, expression, last_fire FROM schedules ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	return pgx.CollectRows(rows, scanSchedule)
}

func (s schedules) Fired(ctx context.Context, key string, fireTime time.Time) (bool, error) {
	tag, err := s.tx.Exec(ctx, `INSERT INTO schedule_fires (key, fire_time) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		key, instant(fireTime))
	if err != nil {
		return false, fmt.Errorf("record schedule fire: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

type events struct{ tx pgx.Tx }

func (e events) Insert(ctx context.Context, ev *glue.Event) (bool, error) {
	err := e.tx.QueryRow(ctx, `INSERT INTO events (workflow, event_id, received_at) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING RETURNING seq`, ev.Workflow, ev.ID, instant(ev.ReceivedAt)).Scan(&ev.Seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert event: %w", err)
	}
	return true, nil
}

func (e events) Pending(ctx context.Context, workflow string) ([]*glue.Event, error) {
	rows, err := e.tx.Query(ctx, `SELECT seq, workflow, event_id, received_at FROM events WHERE run_id = '' AND workflow = $1 ORDER BY seq`, workflow)
	if err != nil {
		return nil, fmt.Errorf("pending events: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*glue.Event, error) {
		var ev glue.Event
		if err := r.Scan(&ev.Seq, &ev.Workflow, &ev.ID, &ev.ReceivedAt); err != nil {
			return nil, err
		}
		ev.ReceivedAt = ev.ReceivedAt.UTC()
		return &ev, nil
	})
}

func (e events) PendingWorkflows(ctx context.Context) ([]string, error) {
	rows, err := e.tx.Query(ctx, `SELECT DISTINCT workflow FROM events WHERE run_id = '' ORDER BY workflow`)
	if err != nil {
		return nil, fmt.Errorf("pending workflows: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func (e events) Assign(ctx context.Context, seqs []int64, runID string) error {
	if _, err := e.tx.Exec(ctx, `UPDATE events SET run_id = $1 WHERE seq = ANY($2)`, runID, seqs); err != nil {
		return fmt.Errorf("assign event: %w", err)
	}
	return nil
}

func (e events) DeleteWorkflow(ctx context.Context, workflow string) error {
	_, err := e.tx.Exec(ctx, `DELETE FROM events WHERE workflow = $1`, workflow)
	return err
}
