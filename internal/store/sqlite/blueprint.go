package sqlite

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (t *tx) Blueprints() store.Collection[glue.BlueprintRecord] {
	return &collection[glue.BlueprintRecord]{tx: t.c, kind: glue.KindBlueprint}
}

func (t *tx) BlueprintRuns() store.BlueprintRuns {
	return blueprintRuns{runTable[glue.BlueprintRunRecord]{t.c, blueprintRunSpec}}
}

var blueprintRunSpec = newRunSpec(runSpec[glue.BlueprintRunRecord]{
	table: "blueprint_runs", label: "Blueprint run", owner: "blueprint", state: "state",
	row: func(r *glue.BlueprintRunRecord) runRow {
		return runRow{id: r.Run.RunID, owner: r.Run.BlueprintName, state: string(r.Run.State), seq: &r.Seq}
	},
	setSeq: func(r *glue.BlueprintRunRecord, s int64) { r.Seq = s },
})

type blueprintRuns struct {
	runTable[glue.BlueprintRunRecord]
}

func (b blueprintRuns) InStates(ctx context.Context, states ...glue.BlueprintRunState) ([]*glue.BlueprintRunRecord, error) {
	return b.inStates(ctx, "", anys(states))
}

func (b blueprintRuns) DeleteBlueprint(ctx context.Context, blueprint string) error {
	return b.deleteOwner(ctx, blueprint)
}
