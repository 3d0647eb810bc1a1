package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/runtable"
)

// runSpec is a table of runs with its statements.
type runSpec[T any] struct {
	runtable.Spec[T]
	// wakes, if set, tells whether a run written in this state is work a
	// dispatcher should pick up now: the write then notifies WorkChannel.
	wakes                                                                                            func(*T) bool
	insertSQL, updateSQL, selectSQL, getSQL, byIDSQL, listSQL, inStatesSQL, inStatesOfSQL, deleteSQL string
}

// placeholders returns "$from, ..., $(from+n-1)".
func placeholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ps, ", ")
}

// newRunSpec builds the statements of a run table once.
func newRunSpec[T any](spec runtable.Spec[T]) *runSpec[T] {
	s := runSpec[T]{Spec: spec}
	cols := s.Columns()
	sets := make([]string, 0, len(cols))
	for i, c := range append([]string{s.State}, s.Extra...) {
		sets = append(sets, c+" = $"+strconv.Itoa(i+1))
	}
	n := len(sets)
	s.insertSQL = `INSERT INTO ` + s.Table + ` (` + strings.Join(cols, ", ") + `, doc, doc_version) VALUES (` +
		placeholders(1, len(cols)+2) + `) ON CONFLICT (id) DO NOTHING RETURNING seq`
	s.updateSQL = `UPDATE ` + s.Table + ` SET ` + strings.Join(sets, ", ") + `, doc = $` + strconv.Itoa(n+1) +
		`, doc_version = $` + strconv.Itoa(n+2) + ` WHERE id = $` + strconv.Itoa(n+3)
	s.selectSQL = `SELECT seq, doc_version, doc FROM ` + s.Table + ` WHERE `
	s.getSQL = s.selectSQL + s.Owner + ` = $1 AND id = $2`
	s.byIDSQL = s.selectSQL + `id = $1`
	s.listSQL = s.selectSQL + s.Owner + ` = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`
	s.inStatesSQL = s.selectSQL + s.State + ` = ANY($1) ORDER BY seq`
	s.inStatesOfSQL = s.selectSQL + s.State + ` = ANY($1) AND ` + s.Owner + ` = $2 ORDER BY seq`
	s.deleteSQL = `DELETE FROM ` + s.Table + ` WHERE ` + s.Owner + ` = $1`
	return &s
}

// runTable implements the operations every kind of run shares on one
// transaction.
type runTable[T any] struct {
	tx   pgx.Tx
	spec *runSpec[T]
}

// Insert stores a new run and assigns its Seq.
func (t runTable[T]) Insert(ctx context.Context, v *T) error {
	doc, err := store.EncodeDoc(v)
	if err != nil {
		return err
	}
	r := t.spec.Row(v)
	err = t.tx.QueryRow(ctx, t.spec.insertSQL, append(r.Values(), doc, store.DocVersion)...).Scan(r.Seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return t.spec.AlreadyExists(r.ID)
	}
	if err != nil {
		return fmt.Errorf("insert %s: %w", strings.ToLower(t.spec.Label), err)
	}
	return t.notify(ctx, v)
}

// notify sends a notification on WorkChannel, delivered when the
// transaction commits (and not at all if it rolls back), when v is new
// work. PostgreSQL folds identical notifications of one transaction into
// one.
func (t runTable[T]) notify(ctx context.Context, v *T) error {
	if t.spec.wakes == nil || !t.spec.wakes(v) {
		return nil
	}
	if _, err := t.tx.Exec(ctx, `SELECT pg_notify($1, '')`, WorkChannel); err != nil {
		return fmt.Errorf("notify new work: %w", err)
	}
	return nil
}

// Get returns a run of owner or glue.EntityNotFound.
func (t runTable[T]) Get(ctx context.Context, owner, id string) (*T, error) {
	return queryOne(ctx, t.tx, t.spec.SetSeq, t.spec.NotFound(owner, id), t.spec.getSQL, owner, id)
}

// byID returns a run by id alone or glue.EntityNotFound.
func (t runTable[T]) byID(ctx context.Context, id string) (*T, error) {
	return queryOne(ctx, t.tx, t.spec.SetSeq, t.spec.NotFound("", id), t.spec.byIDSQL, id)
}

// Update overwrites a stored run's document, state and extra columns.
func (t runTable[T]) Update(ctx context.Context, v *T) error {
	doc, err := store.EncodeDoc(v)
	if err != nil {
		return err
	}
	r := t.spec.Row(v)
	args := append(append([]any{r.State}, r.Extra...), doc, store.DocVersion, r.ID)
	if _, err := t.tx.Exec(ctx, t.spec.updateSQL, args...); err != nil {
		return fmt.Errorf("update %s: %w", strings.ToLower(t.spec.Label), err)
	}
	return t.notify(ctx, v)
}

// List returns owner's runs newest first, starting below beforeSeq (0
// means from the newest), at most limit of them (0 means all).
func (t runTable[T]) List(ctx context.Context, owner string, beforeSeq int64, limit int) ([]*T, error) {
	if beforeSeq <= 0 {
		beforeSeq = 1<<63 - 1
	}
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	return queryDocs(ctx, t.tx, t.spec.SetSeq, t.spec.listSQL, owner, beforeSeq, lim)
}

// inStates returns runs in any of the states, oldest first; with owner ""
// across every owner.
func (t runTable[T]) inStates(ctx context.Context, owner string, states []string) ([]*T, error) {
	if owner == "" {
		return queryDocs(ctx, t.tx, t.spec.SetSeq, t.spec.inStatesSQL, states)
	}
	return queryDocs(ctx, t.tx, t.spec.SetSeq, t.spec.inStatesOfSQL, states, owner)
}

// where returns the runs whose column equals value, oldest first.
func (t runTable[T]) where(ctx context.Context, column string, value any) ([]*T, error) {
	return queryDocs(ctx, t.tx, t.spec.SetSeq, t.spec.selectSQL+column+` = $1 ORDER BY seq`, value)
}

// deleteOwner deletes every run of owner.
func (t runTable[T]) deleteOwner(ctx context.Context, owner string) error {
	_, err := t.tx.Exec(ctx, t.spec.deleteSQL, owner)
	return err
}

// queryDocs runs a query selecting (seq, doc_version, doc) and decodes
// every row, handing each seq to setSeq.
func queryDocs[T any](ctx context.Context, q pgx.Tx, setSeq func(*T, int64), query string, args ...any) ([]*T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var seq int64
		var version int
		var doc string
		if err := rows.Scan(&seq, &version, &doc); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		v, err := store.DecodeDoc[T](doc, version)
		if err != nil {
			return nil, err
		}
		setSeq(v, seq)
		out = append(out, v)
	}
	return out, rows.Err()
}

// queryOne returns the first row of queryDocs, or notFound.
func queryOne[T any](ctx context.Context, q pgx.Tx, setSeq func(*T, int64), notFound error, query string, args ...any) (*T, error) {
	out, err := queryDocs(ctx, q, setSeq, query, args...)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound
	}
	return out[0], nil
}
