package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/epoxy-run/epoxy/internal/store/runtable"
)

// runSpec is a table of runs with its statements. It mirrors collection
// for definitions and storetest's runKind.
type runSpec[T any] struct {
	runtable.Spec[T]
	insertSQL, updateSQL, selectSQL, getSQL, byIDSQL, listSQL, deleteSQL string
}

// newRunSpec builds the statements of a run table once, so every use of
// one statement is the same string for the statement cache.
func newRunSpec[T any](spec runtable.Spec[T]) *runSpec[T] {
	s := runSpec[T]{Spec: spec}
	cols := s.Columns()
	sets := make([]string, 0, len(cols))
	for _, c := range append([]string{s.State}, s.Extra...) {
		sets = append(sets, c+" = ?")
	}
	s.insertSQL = `INSERT INTO ` + s.Table + ` (` + strings.Join(cols, ", ") + `, doc, doc_version) VALUES (` +
		strings.Repeat("?, ", len(cols)) + `?, ?) ON CONFLICT (id) DO NOTHING`
	s.updateSQL = `UPDATE ` + s.Table + ` SET ` + strings.Join(sets, ", ") + `, doc = ?, doc_version = ? WHERE id = ?`
	s.selectSQL = `SELECT seq, doc_version, doc FROM ` + s.Table + ` WHERE `
	s.getSQL = s.selectSQL + s.Owner + ` = ? AND id = ?`
	s.byIDSQL = s.selectSQL + `id = ?`
	s.listSQL = s.selectSQL + s.Owner + ` = ? AND seq < ? ORDER BY seq DESC LIMIT ?`
	s.deleteSQL = `DELETE FROM ` + s.Table + ` WHERE ` + s.Owner + ` = ?`
	return &s
}

// runTable implements the operations every kind of run shares on one
// transaction.
type runTable[T any] struct {
	tx   *conn
	spec *runSpec[T]
}

// Insert stores a new run and assigns its Seq.
func (t runTable[T]) Insert(ctx context.Context, v *T) error {
	doc, err := encodeDoc(v)
	if err != nil {
		return err
	}
	r := t.spec.Row(v)
	res, err := t.tx.ExecContext(ctx, t.spec.insertSQL, append(r.Values(), doc, docVersion)...)
	if err != nil {
		return fmt.Errorf("insert %s: %w", strings.ToLower(t.spec.Label), err)
	}
	return insertedSeq(res, r.Seq, t.spec.AlreadyExists(r.ID))
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
	doc, err := encodeDoc(v)
	if err != nil {
		return err
	}
	r := t.spec.Row(v)
	args := append(append([]any{r.State}, r.Extra...), doc, docVersion, r.ID)
	if _, err := t.tx.ExecContext(ctx, t.spec.updateSQL, args...); err != nil {
		return fmt.Errorf("update %s: %w", strings.ToLower(t.spec.Label), err)
	}
	return nil
}

// List returns owner's runs newest first, starting below beforeSeq (0
// means from the newest), at most limit of them (0 means all).
func (t runTable[T]) List(ctx context.Context, owner string, beforeSeq int64, limit int) ([]*T, error) {
	return queryDocs(ctx, t.tx, t.spec.SetSeq, t.spec.listSQL, owner, beforeClause(beforeSeq), pageLimit(limit))
}

// inStates returns runs in any of the states, oldest first; with owner ""
// across every owner.
func (t runTable[T]) inStates(ctx context.Context, owner string, states []any) ([]*T, error) {
	q := t.spec.selectSQL + t.spec.State + ` IN (` + strings.TrimSuffix(strings.Repeat("?,", len(states)), ",") + `)`
	if owner != "" {
		q += ` AND ` + t.spec.Owner + ` = ?`
		states = append(states, owner)
	}
	return queryDocs(ctx, t.tx, t.spec.SetSeq, q+` ORDER BY seq`, states...)
}

// where returns the runs whose column equals value, oldest first.
func (t runTable[T]) where(ctx context.Context, column string, value any) ([]*T, error) {
	return queryDocs(ctx, t.tx, t.spec.SetSeq, t.spec.selectSQL+column+` = ? ORDER BY seq`, value)
}

// deleteOwner deletes every run of owner.
func (t runTable[T]) deleteOwner(ctx context.Context, owner string) error {
	_, err := t.tx.ExecContext(ctx, t.spec.deleteSQL, owner)
	return err
}

// anys converts states to query arguments.
func anys[S ~string](states []S) []any {
	out := make([]any, len(states))
	for i, s := range states {
		out[i] = string(s)
	}
	return out
}
