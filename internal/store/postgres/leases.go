package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/store"
)

// Leases returns the stored leases (see store.Leases).
func (t *tx) Leases() store.Leases { return leases{t} }

type leases struct{ t *tx }

func (l leases) Get(ctx context.Context, name string) (*store.Lease, error) {
	out := &store.Lease{Name: name}
	var until int64
	err := l.t.c.QueryRow(ctx, `SELECT holder, term, until_ms, info FROM leases WHERE name = $1`, name).
		Scan(&out.Holder, &out.Term, &until, &out.Info)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get lease %s: %w", name, err)
	}
	out.Until = time.UnixMilli(until).UTC()
	return out, nil
}

func (l leases) Put(ctx context.Context, v *store.Lease) error {
	_, err := l.t.c.Exec(ctx, `INSERT INTO leases (name, holder, term, until_ms, info) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, term = excluded.term, until_ms = excluded.until_ms, info = excluded.info`,
		v.Name, v.Holder, v.Term, v.Until.UnixMilli(), v.Info)
	if err != nil {
		return fmt.Errorf("put lease %s: %w", v.Name, err)
	}
	return nil
}

func (l leases) Delete(ctx context.Context, name string) error {
	if _, err := l.t.c.Exec(ctx, `DELETE FROM leases WHERE name = $1`, name); err != nil {
		return fmt.Errorf("delete lease %s: %w", name, err)
	}
	return nil
}

func (l leases) List(ctx context.Context, prefix string) ([]*store.Lease, error) {
	rows, err := l.t.c.Query(ctx, `SELECT name, holder, term, until_ms, info FROM leases
		WHERE left(name, $1) = $2 ORDER BY name`, len(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("list leases: %w", err)
	}
	defer rows.Close()
	var out []*store.Lease
	for rows.Next() {
		v := &store.Lease{}
		var until int64
		if err := rows.Scan(&v.Name, &v.Holder, &v.Term, &until, &v.Info); err != nil {
			return nil, fmt.Errorf("list leases: %w", err)
		}
		v.Until = time.UnixMilli(until).UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// Settings returns the stored settings (see store.Settings).
func (t *tx) Settings() store.Settings { return settings{t} }

type settings struct{ t *tx }

func (s settings) Get(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.t.c.QueryRow(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("get setting %s: %w", name, err)
	}
	return v, true, nil
}

func (s settings) Put(ctx context.Context, name, value string) error {
	if _, err := s.t.c.Exec(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value); err != nil {
		return fmt.Errorf("put setting %s: %w", name, err)
	}
	return nil
}
