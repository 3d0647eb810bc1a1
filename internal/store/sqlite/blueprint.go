package sqlite

import (
	"context"
	"fmt"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (t *tx) Blueprints() store.Collection[glue.BlueprintRecord] {
	return &collection[glue.BlueprintRecord]{tx: t.c, kind: glue.KindBlueprint}
}

func (t *tx) BlueprintRuns() store.BlueprintRuns { return blueprintRuns{t.c} }

type blueprintRuns struct{ tx *conn }

func setBlueprintRunSeq(r *glue.BlueprintRunRecord, s int64) { r.Seq = s }

func (b blueprintRuns) Insert(ctx context.Context, r *glue.BlueprintRunRecord) error {
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	res, err := b.tx.ExecContext(ctx, `INSERT INTO blueprint_runs (id, blueprint, state, doc) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		r.Run.RunID, r.Run.BlueprintName, r.Run.State, doc)
	if err != nil {
		return fmt.Errorf("insert blueprint run: %w", err)
	}
	return insertedSeq(res, &r.Seq, "Blueprint run", r.Run.RunID)
}

func (b blueprintRuns) Get(ctx context.Context, blueprint, id string) (*glue.BlueprintRunRecord, error) {
	return queryOne(ctx, b.tx, setBlueprintRunSeq, glue.Errorf(glue.EntityNotFound, "Blueprint run %s of blueprint %s not found", id, blueprint),
		`SELECT seq, doc FROM blueprint_runs WHERE blueprint = ? AND id = ?`, blueprint, id)
}

func (b blueprintRuns) Update(ctx context.Context, r *glue.BlueprintRunRecord) error {
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	if _, err := b.tx.ExecContext(ctx, `UPDATE blueprint_runs SET state = ?, doc = ? WHERE id = ?`, r.Run.State, doc, r.Run.RunID); err != nil {
		return fmt.Errorf("update blueprint run: %w", err)
	}
	return nil
}

func (b blueprintRuns) List(ctx context.Context, blueprint string, beforeSeq int64, limit int) ([]*glue.BlueprintRunRecord, error) {
	return queryDocs(ctx, b.tx, setBlueprintRunSeq, `SELECT seq, doc FROM blueprint_runs WHERE blueprint = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
		blueprint, beforeClause(beforeSeq), pageLimit(limit))
}

func (b blueprintRuns) InStates(ctx context.Context, states ...glue.BlueprintRunState) ([]*glue.BlueprintRunRecord, error) {
	ph, args := placeholders(states)
	return queryDocs(ctx, b.tx, setBlueprintRunSeq, `SELECT seq, doc FROM blueprint_runs WHERE state IN (`+ph+`) ORDER BY seq`, args...)
}

func (b blueprintRuns) DeleteBlueprint(ctx context.Context, blueprint string) error {
	_, err := b.tx.ExecContext(ctx, `DELETE FROM blueprint_runs WHERE blueprint = ?`, blueprint)
	return err
}
