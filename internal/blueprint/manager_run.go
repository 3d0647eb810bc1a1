package blueprint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// StartBlueprintRun checks that the blueprint has an active version and that
// the parameters fit its spec, records the run as RUNNING and runs it in the
// background: generate the layout, create its entities, roll back on failure.
func (m *Manager) StartBlueprintRun(ctx context.Context, name, parameters, roleArn string) (string, error) {
	run := &glue.BlueprintRunRecord{Run: glue.BlueprintRun{BlueprintName: name, RunID: glue.NewUUID(),
		State: glue.BlueprintRunRunning, StartedOn: glue.At(m.now()), Parameters: parameters, RoleArn: roleArn}}
	var rec *glue.BlueprintRecord
	var params map[string]any
	var def *Definition
	err := m.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if rec, err = tx.Blueprints().Get(ctx, name); err != nil {
			return err
		}
		if !rec.Usable() {
			return glue.Errorf(glue.IllegalBlueprintState, "Blueprint %s is %s and has no successfully registered version to run", name, rec.Blueprint.Status)
		}
		last := rec.Blueprint.LastActiveDefinition
		if def, err = ParseDefinition(rec.ActiveGenerator, last.ParameterSpec); err != nil {
			return err
		}
		if params, err = def.ResolveParameters(parameters); err != nil {
			return err
		}
		return tx.BlueprintRuns().Insert(ctx, run)
	})
	if err != nil {
		return "", err
	}
	archive := strings.TrimPrefix(rec.Blueprint.LastActiveDefinition.BlueprintServiceLocation, "file://")
	m.background(func(ctx context.Context) { m.execute(ctx, run.Run.RunID, name, archive, def, params) })
	return run.Run.RunID, nil
}

// execute performs a blueprint run and records its end.
func (m *Manager) execute(ctx context.Context, runID, name, archive string, def *Definition, params map[string]any) {
	wf, runErr := m.generateAndApply(ctx, runID, name, archive, def, params)
	err := m.updateRun(ctx, name, runID, func(r *glue.BlueprintRun) {
		r.CompletedOn = glue.At(m.now())
		r.State, r.WorkflowName = glue.BlueprintRunSucceeded, wf
		var ae *ApplyError
		switch {
		case errors.As(runErr, &ae):
			r.State, r.ErrorMessage = glue.BlueprintRunFailed, ae.Err.Error()
			if ae.Rollback != nil {
				r.RollbackErrorMessage = ae.Rollback.Error()
			}
		case runErr != nil:
			r.State, r.ErrorMessage = glue.BlueprintRunFailed, runErr.Error()
		}
	})
	if err != nil && ctx.Err() == nil {
		m.log.Error("record blueprint run", "blueprint", name, "run", runID, "err", err)
	}
}

// generateAndApply extracts the registered archive, runs its layout
// generator and creates the layout's entities, showing the run as
// ROLLING_BACK while a failed creation is undone. A failed creation is an
// *ApplyError.
func (m *Manager) generateAndApply(ctx context.Context, runID, name, archive string, def *Definition, params map[string]any) (string, error) {
	data, err := m.readCopy(ctx, archive)
	if err != nil {
		return "", fmt.Errorf("read the registered archive: %w", err)
	}
	dir, err := os.MkdirTemp("", "epoxy-blueprint-")
	if err != nil {
		return "", fmt.Errorf("create the run's working directory: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := Extract(data, dir); err != nil {
		return "", err
	}
	layout, err := m.runner.Generate(ctx, dir, def, params, m.system, NewSuffix())
	if err != nil {
		return "", err
	}
	opts := ApplyOptions{OnRollback: func() { m.markRollingBack(ctx, name, runID) }}
	return Apply(ctx, m.creator, layout, glue.BlueprintDetails{BlueprintName: name, RunID: runID}, opts)
}

// readCopy reads a registered archive copy, named by its path, from the
// data directory.
func (m *Manager) readCopy(ctx context.Context, path string) ([]byte, error) {
	rel, err := m.files.Rel(path)
	if err != nil {
		return nil, err
	}
	return m.files.ReadFile(ctx, rel, MaxArchiveSize+1)
}

// markRollingBack records that a run is rolling back what it created.
func (m *Manager) markRollingBack(ctx context.Context, name, runID string) {
	err := m.updateRun(ctx, name, runID, func(r *glue.BlueprintRun) { r.State = glue.BlueprintRunRollingBack })
	if err != nil && ctx.Err() == nil {
		m.log.Error("record blueprint rollback", "blueprint", name, "run", runID, "err", err)
	}
}

// updateRun changes a stored run with change.
func (m *Manager) updateRun(ctx context.Context, name, runID string, change func(*glue.BlueprintRun)) error {
	return m.store.Update(ctx, func(tx store.Tx) error {
		r, err := tx.BlueprintRuns().Get(ctx, name, runID)
		if err != nil {
			return err
		}
		change(&r.Run)
		return tx.BlueprintRuns().Update(ctx, r)
	})
}

// GetBlueprintRun returns one run of a blueprint.
func (m *Manager) GetBlueprintRun(ctx context.Context, name, runID string) (*glue.BlueprintRun, error) {
	var out *glue.BlueprintRun
	err := m.store.View(ctx, func(tx store.Tx) error {
		r, err := tx.BlueprintRuns().Get(ctx, name, runID)
		if err != nil {
			return err
		}
		out = &r.Run
		return nil
	})
	return out, err
}

// GetBlueprintRuns returns a page of a blueprint's runs, newest first.
func (m *Manager) GetBlueprintRuns(ctx context.Context, name string, beforeSeq int64, limit int) ([]*glue.BlueprintRun, []int64, error) {
	var out []*glue.BlueprintRun
	var seqs []int64
	err := m.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Blueprints().Get(ctx, name); err != nil {
			return err
		}
		out, seqs = nil, nil
		runs, err := tx.BlueprintRuns().List(ctx, name, beforeSeq, limit)
		for _, r := range runs {
			out = append(out, &r.Run)
			seqs = append(seqs, r.Seq)
		}
		return err
	})
	return out, seqs, err
}
