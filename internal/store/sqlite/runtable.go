package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// runRow is what a run table stores beside a run's document: the columns
// queries filter and order on, and where the assigned seq goes.
type runRow struct {
	id, owner, state string
	// extra holds the values of runSpec.extra, in order.
	extra []any
	seq   *int64
}

// runSpec describes one table of runs (workflow runs, job runs, crawls,
// blueprint runs): each row a JSON document keyed by id, with the run's
// owner (the workflow, job, crawler or blueprint it belongs to), its state,
// extra indexed columns, and seq ordering rows by creation. It mirrors
// collection for definitions and storetest's runKind.
type runSpec[T any] struct {
	table string
	// label names one run in messages: "Job run".
	label string
	// owner and state name the owner and state columns; owner is also the
	// owner's noun in not-found messages ("of job j").
	owner, state string
	// extra names further columns, set on insert and update.
	extra  []string
	row    func(*T) runRow
	setSeq func(*T, int64)

	insertSQL, updateSQL, selectSQL, getSQL, byIDSQL, listSQL, deleteSQL string
}

// newRunSpec builds the statements of a run table once, so every use of
// one statement is the same string for the statement cache.
func newRunSpec[T any](s runSpec[T]) *runSpec[T] {
	cols := append([]string{"id", s.owner, s.state}, s.extra...)
	sets := make([]string, 0, len(cols))
	for _, c := range append([]string{s.state}, s.extra...) {
		sets = append(sets, c+" = ?")
	}
	s.insertSQL = `INSERT INTO ` + s.table + ` (` + strings.Join(cols, ", ") + `, doc, doc_version) VALUES (` +
		strings.Repeat("?, ", len(cols)) + `?, ?) ON CONFLICT (id) DO NOTHING`
	s.updateSQL = `UPDATE ` + s.table + ` SET ` + strings.Join(sets, ", ") + `, doc = ?, doc_version = ? WHERE id = ?`
	s.selectSQL = `SELECT seq, doc_version, doc FROM ` + s.table + ` WHERE `
	s.getSQL = s.selectSQL + s.owner + ` = ? AND id = ?`
	s.byIDSQL = s.selectSQL + `id = ?`
	s.listSQL = s.selectSQL + s.owner + ` = ? AND seq < ? ORDER BY seq DESC LIMIT ?`
	s.deleteSQL = `DELETE FROM ` + s.table + ` WHERE ` + s.owner + ` = ?`
	return &s
}

// notFound is the EntityNotFound error for run id, of owner when owner is
// not "".
func (s *runSpec[T]) notFound(owner, id string) error {
	if owner == "" {
		return glue.Errorf(glue.EntityNotFound, "%s %s not found", s.label, id)
	}
	return glue.Errorf(glue.EntityNotFound, "%s %s of %s %s not found", s.label, id, s.owner, owner)
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
	r := t.spec.row(v)
	args := append([]any{r.id, r.owner, r.state}, r.extra...)
	res, err := t.tx.ExecContext(ctx, t.spec.insertSQL, append(args, doc, docVersion)...)
	if err != nil {
		return fmt.Errorf("insert %s: %w", strings.ToLower(t.spec.label), err)
	}
	return insertedSeq(res, r.seq, t.spec.label, r.id)
}

// Get returns a run of owner or glue.EntityNotFound.
func (t runTable[T]) Get(ctx context.Context, owner, id string) (*T, error) {
	return queryOne(ctx, t.tx, t.spec.setSeq, t.spec.notFound(owner, id), t.spec.getSQL, owner, id)
}

// byID returns a run by id alone or glue.EntityNotFound.
func (t runTable[T]) byID(ctx context.Context, id string) (*T, error) {
	return queryOne(ctx, t.tx, t.spec.setSeq, t.spec.notFound("", id), t.spec.byIDSQL, id)
}

// Update overwrites a stored run's document, state and extra columns.
func (t runTable[T]) Update(ctx context.Context, v *T) error {
	doc, err := encodeDoc(v)
	if err != nil {
		return err
	}
	r := t.spec.row(v)
	args := append(append([]any{r.state}, r.extra...), doc, docVersion, r.id)
	if _, err := t.tx.ExecContext(ctx, t.spec.updateSQL, args...); err != nil {
		return fmt.Errorf("update %s: %w", strings.ToLower(t.spec.label), err)
	}
	return nil
}

// List returns owner's runs newest first, starting below beforeSeq (0
// means from the newest), at most limit of them (0 means all).
func (t runTable[T]) List(ctx context.Context, owner string, beforeSeq int64, limit int) ([]*T, error) {
	return queryDocs(ctx, t.tx, t.spec.setSeq, t.spec.listSQL, owner, beforeClause(beforeSeq), pageLimit(limit))
}

// inStates returns runs in any of the states, oldest first; with owner ""
// across every owner.
func (t runTable[T]) inStates(ctx context.Context, owner string, states []any) ([]*T, error) {
	q := t.spec.selectSQL + t.spec.state + ` IN (` + strings.TrimSuffix(strings.Repeat("?,", len(states)), ",") + `)`
	if owner != "" {
		q += ` AND ` + t.spec.owner + ` = ?`
		states = append(states, owner)
	}
	return queryDocs(ctx, t.tx, t.spec.setSeq, q+` ORDER BY seq`, states...)
}

// where returns the runs whose column equals value, oldest first.
func (t runTable[T]) where(ctx context.Context, column string, value any) ([]*T, error) {
	return queryDocs(ctx, t.tx, t.spec.setSeq, t.spec.selectSQL+column+` = ? ORDER BY seq`, value)
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
