package sqlite

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/runtable"
)

func (t *tx) Blueprints() store.Collection[glue.BlueprintRecord] {
	return &collection[glue.BlueprintRecord]{tx: t.c, kind: glue.KindBlueprint}
}

func (t *tx) Classifiers() store.Collection[glue.Classifier] {
	return &collection[glue.Classifier]{tx: t.c, kind: glue.KindClassifier}
}

func (t *tx) Functions() store.Collection[glue.UserDefinedFunction] {
	return &collection[glue.UserDefinedFunction]{tx: t.c, kind: glue.KindUserDefinedFunction}
}

func (t *tx) BlueprintRuns() store.BlueprintRuns {
	return blueprintRuns{runTable[glue.BlueprintRunRecord]{t.c, blueprintRunSpec}}
}

var blueprintRunSpec = newRunSpec(runtable.BlueprintRuns)

type blueprintRuns struct {
	runTable[glue.BlueprintRunRecord]
}

func (b blueprintRuns) InStates(ctx context.Context, states ...glue.BlueprintRunState) ([]*glue.BlueprintRunRecord, error) {
	return b.inStates(ctx, "", anys(states))
}

func (b blueprintRuns) DeleteBlueprint(ctx context.Context, blueprint string) error {
	return b.deleteOwner(ctx, blueprint)
}
