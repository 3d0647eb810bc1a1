package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/safefs"
	"github.com/epoxy-run/epoxy/internal/store"
)

// ArchiveFetcher reads at most limit bytes of an s3:// object.
type ArchiveFetcher interface {
	Get(ctx context.Context, uri string, limit int64) ([]byte, error)
}

// BlueprintConfig configures Blueprints.
type BlueprintConfig struct {
	Service *Service
	// Files is the data directory; registered archive copies are kept
	// under its blueprints/ folder.
	Files *safefs.Root
	// S3 fetches s3:// locations; nil makes them fail with a clear message.
	S3 ArchiveFetcher
	// Runner runs layout generators.
	Runner *blueprint.Runner
	Logger *slog.Logger
}

// Blueprints implements the blueprint operations. Registration and runs
// proceed in the background, as in Glue: CreateBlueprint answers CREATING
// and StartBlueprintRun answers RUNNING at once.
type Blueprints struct {
	svc    *Service
	files  *safefs.Root
	s3     ArchiveFetcher
	runner *blueprint.Runner
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewBlueprints returns the blueprint operations.
func NewBlueprints(cfg BlueprintConfig) *Blueprints {
	b := &Blueprints{svc: cfg.Service, files: cfg.Files, s3: cfg.S3, runner: cfg.Runner, log: cfg.Logger}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b
}

// Start resumes the work an earlier server left: registrations still
// CREATING or UPDATING run again; runs still RUNNING or ROLLING_BACK end
// FAILED, since what they had created is not known (docs/behaviour.md).
func (b *Blueprints) Start(ctx context.Context) error {
	var pending []*glue.BlueprintRecord
	err := b.svc.store.Update(ctx, func(tx store.Tx) error {
		all, err := tx.Blueprints().List(ctx, glue.ListOptions{})
		if err != nil {
			return err
		}
		for _, r := range all {
			if r.Blueprint.Status == glue.BlueprintCreating || r.Blueprint.Status == glue.BlueprintUpdating {
				pending = append(pending, r)
			}
		}
		runs, err := tx.BlueprintRuns().InStates(ctx, glue.BlueprintRunRunning, glue.BlueprintRunRollingBack)
		if err != nil {
			return err
		}
		for _, r := range runs {
			r.Run.State, r.Run.CompletedOn = glue.BlueprintRunFailed, b.svc.now()
			r.Run.ErrorMessage = "Epoxy restarted while the run was in progress; entities it had created may remain"
			if err := tx.BlueprintRuns().Update(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	for _, r := range pending {
		b.background(func() {
			b.register(r.Blueprint.Name, r.Version, r.Blueprint.BlueprintLocation, r.Blueprint.Description)
		})
	}
	return err
}

// Close stops background work and waits for it.
func (b *Blueprints) Close() error {
	b.cancel()
	b.wg.Wait()
	return nil
}

func (b *Blueprints) background(fn func()) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		fn()
	}()
}

// CreateBlueprint records a blueprint as CREATING and registers its archive
// in the background. A name that cannot name its folder of archive copies
// ("." or "..") is refused.
func (b *Blueprints) CreateBlueprint(ctx context.Context, name string, description *string, location string, tags map[string]string) error {
	if safefs.Name(name) != nil {
		return glue.Errorf(glue.InvalidInput, "Name %q is not a valid blueprint name: it cannot name the folder of the blueprint's archive copies", name)
	}
	now := b.svc.now()
	rec := &glue.BlueprintRecord{Version: 1, Blueprint: glue.Blueprint{Name: name, Description: description, CreatedOn: now,
		LastModifiedOn: now, BlueprintLocation: location, Status: glue.BlueprintCreating}}
	err := b.svc.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Blueprints().Insert(ctx, name, rec); err != nil {
			return err
		}
		return tx.AddTags(ctx, glue.Resource{Kind: glue.KindBlueprint, Name: name}, tags)
	})
	if err == nil {
		b.background(func() { b.register(name, 1, location, description) })
	}
	return err
}

// UpdateBlueprint registers a new version. While it registers the blueprint
// is UPDATING; runs keep using the last active version, and do so too if the
// new version fails. A blueprint still CREATING or UPDATING cannot be
// updated (IllegalBlueprintStateException).
func (b *Blueprints) UpdateBlueprint(ctx context.Context, name string, description *string, location string) error {
	var version int
	err := b.svc.store.Update(ctx, func(tx store.Tx) error {
		rec, err := tx.Blueprints().Get(ctx, name)
		if err != nil {
			return err
		}
		if s := rec.Blueprint.Status; s == glue.BlueprintCreating || s == glue.BlueprintUpdating {
			return glue.Errorf(glue.IllegalBlueprintState, "Blueprint %s is %s; wait until it is ACTIVE or FAILED to update it", name, s)
		}
		rec.Version++
		version = rec.Version
		rec.Blueprint.Status, rec.Blueprint.BlueprintLocation, rec.Blueprint.ErrorMessage = glue.BlueprintUpdating, location, ""
		if description != nil {
			rec.Blueprint.Description = description
		}
		rec.Blueprint.LastModifiedOn = b.svc.now()
		return tx.Blueprints().Replace(ctx, name, rec)
	})
	if err == nil {
		b.background(func() { b.register(name, version, location, description) })
	}
	return err
}

// copyPath is where version of a blueprint's archive is copied, relative
// to the data directory.
func copyPath(name string, version int) (string, error) {
	return safefs.Join("blueprints", name, fmt.Sprintf("v%d.zip", version))
}

// register fetches, copies and inspects one version of a blueprint's
// archive and records the outcome, unless a later version superseded it.
func (b *Blueprints) register(name string, version int, location string, description *string) {
	copyRel, err := copyPath(name, version)
	var def *blueprint.Definition
	if err == nil {
		def, err = b.fetchAndInspect(location, copyRel)
	}
	err = b.svc.store.Update(b.ctx, func(tx store.Tx) error {
		rec, gerr := tx.Blueprints().Get(b.ctx, name)
		if gerr != nil || rec.Version != version {
			return nil // deleted or superseded meanwhile
		}
		bp := &rec.Blueprint
		bp.LastModifiedOn = b.svc.now()
		if err != nil {
			bp.Status, bp.ErrorMessage = glue.BlueprintFailed, err.Error()
			return tx.Blueprints().Replace(b.ctx, name, rec)
		}
		bp.Status, bp.ErrorMessage, bp.ParameterSpec = glue.BlueprintActive, "", def.ParameterSpec
		bp.BlueprintServiceLocation = "file://" + b.files.Path(copyRel)
		rec.ActiveGenerator = def.LayoutGenerator
		bp.LastActiveDefinition = &glue.LastActiveDefinition{Description: description, LastModifiedOn: bp.LastModifiedOn,
			ParameterSpec: def.ParameterSpec, BlueprintLocation: location, BlueprintServiceLocation: bp.BlueprintServiceLocation}
		return tx.Blueprints().Replace(b.ctx, name, rec)
	})
	if err != nil && b.ctx.Err() == nil {
		b.log.Error("record blueprint registration", "blueprint", name, "err", err)
	}
}

func (b *Blueprints) fetchAndInspect(location, copyRel string) (*blueprint.Definition, error) {
	data, err := b.fetch(b.ctx, location)
	if err != nil {
		return nil, err
	}
	def, err := blueprint.Inspect(data)
	if err != nil {
		return nil, err
	}
	if err := b.files.WriteFile(copyRel, data); err != nil {
		return nil, fmt.Errorf("store archive copy: %w", err)
	}
	return def, nil
}

// fetch reads an archive from s3:// (through the configured endpoint), a
// file:// URI or an absolute path, reading at most one byte over Glue's
// compressed-size limit so Inspect can refuse larger archives. A local
// location must be a regular file, not a symbolic link: a FIFO or device
// fails at once instead of blocking registration.
func (b *Blueprints) fetch(ctx context.Context, location string) ([]byte, error) {
	limit := int64(blueprint.MaxArchiveSize + 1)
	if strings.HasPrefix(location, "s3://") {
		if b.s3 == nil {
			return nil, fmt.Errorf("cannot read %s: no S3 endpoint is configured (epoxy serve --s3-endpoint)", location)
		}
		data, err := b.s3.Get(ctx, location, limit)
		if err != nil {
			return nil, fmt.Errorf("cannot read the blueprint archive: %w", err)
		}
		return data, nil // Inspect refuses it if it is over the limit
	}
	data, err := safefs.ReadRegular(ctx, strings.TrimPrefix(location, "file://"), limit)
	if err != nil {
		return nil, fmt.Errorf("cannot read the blueprint archive %s: %w", location, err)
	}
	return data, nil
}

// DeleteBlueprint deletes a blueprint, its runs and its archive copies.
// Workflows its runs created are kept. Deleting a missing blueprint succeeds
// and removes no file.
func (b *Blueprints) DeleteBlueprint(ctx context.Context, name string) error {
	var existed bool
	err := b.svc.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if existed, err = tx.Blueprints().Delete(ctx, name); err != nil {
			return err
		}
		return tx.BlueprintRuns().DeleteBlueprint(ctx, name)
	})
	if err == nil && existed {
		b.removeCopies(name)
	}
	return err
}

// removeCopies removes the archive copies of a deleted blueprint. The
// blueprint is gone either way, so a failure is logged, not returned.
func (b *Blueprints) removeCopies(name string) {
	dir, err := safefs.Join("blueprints", name)
	if err == nil {
		err = b.files.RemoveAll(dir)
	}
	if err != nil {
		b.log.Error("remove blueprint archive copies", "blueprint", name, "err", err)
	}
}

// GetBlueprint returns a blueprint; ParameterSpec and the service location
// of the archive are included only when asked for, as in Glue.
func (b *Blueprints) GetBlueprint(ctx context.Context, name string, includeBlueprint, includeSpec bool) (*glue.Blueprint, error) {
	var out *glue.Blueprint
	err := b.svc.store.View(ctx, func(tx store.Tx) error {
		rec, err := tx.Blueprints().Get(ctx, name)
		if err != nil {
			return err
		}
		out = view(rec, includeBlueprint, includeSpec)
		return nil
	})
	return out, err
}

func view(rec *glue.BlueprintRecord, includeBlueprint, includeSpec bool) *glue.Blueprint {
	bp := rec.Blueprint
	if bp.LastActiveDefinition != nil {
		last := *bp.LastActiveDefinition
		bp.LastActiveDefinition = &last
	}
	if !includeBlueprint {
		bp.BlueprintServiceLocation = ""
		if bp.LastActiveDefinition != nil {
			bp.LastActiveDefinition.BlueprintServiceLocation = ""
		}
	}
	if !includeSpec {
		bp.ParameterSpec = ""
		if bp.LastActiveDefinition != nil {
			bp.LastActiveDefinition.ParameterSpec = ""
		}
	}
	return &bp
}

// ListBlueprints returns a page of blueprints in name order.
func (b *Blueprints) ListBlueprints(ctx context.Context, opts glue.ListOptions) ([]*glue.Blueprint, error) {
	var out []*glue.Blueprint
	err := b.svc.store.View(ctx, func(tx store.Tx) error {
		recs, err := tx.Blueprints().List(ctx, opts)
		for _, r := range recs {
			out = append(out, view(r, false, false))
		}
		return err
	})
	return out, err
}

// BatchGetBlueprints returns the named blueprints that exist and the names
// of those that do not.
func (b *Blueprints) BatchGetBlueprints(ctx context.Context, names []string, includeBlueprint, includeSpec bool) ([]*glue.Blueprint, []string, error) {
	return batchGet(ctx, names, func(tx store.Tx, n string) (*glue.Blueprint, error) {
		rec, err := tx.Blueprints().Get(ctx, n)
		if err != nil {
			return nil, err
		}
		return view(rec, includeBlueprint, includeSpec), nil
	}, b.svc.store)
}

// StartBlueprintRun checks that the blueprint has an active version and that
// the parameters fit its spec, records the run as RUNNING and runs it in the
// background: generate the layout, create its entities, roll back on failure.
func (b *Blueprints) StartBlueprintRun(ctx context.Context, name, parameters, roleArn string) (string, error) {
	run := &glue.BlueprintRunRecord{Run: glue.BlueprintRun{BlueprintName: name, RunID: glue.NewUUID(),
		State: glue.BlueprintRunRunning, StartedOn: b.svc.now(), Parameters: parameters, RoleArn: roleArn}}
	var rec *glue.BlueprintRecord
	var params map[string]any
	var def *blueprint.Definition
	err := b.svc.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if rec, err = tx.Blueprints().Get(ctx, name); err != nil {
			return err
		}
		if !rec.Usable() {
			return glue.Errorf(glue.IllegalBlueprintState, "Blueprint %s is %s and has no successfully registered version to run", name, rec.Blueprint.Status)
		}
		last := rec.Blueprint.LastActiveDefinition
		if def, err = blueprint.ParseDefinition(rec.ActiveGenerator, last.ParameterSpec); err != nil {
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
	b.background(func() { b.execute(run.Run.RunID, name, archive, def, params) })
	return run.Run.RunID, nil
}

// execute performs a blueprint run and records its end.
func (b *Blueprints) execute(runID, name, archive string, def *blueprint.Definition, params map[string]any) {
	wf, runErr, rollbackErr := b.generateAndApply(runID, name, archive, def, params)
	err := b.svc.store.Update(b.ctx, func(tx store.Tx) error {
		r, err := tx.BlueprintRuns().Get(b.ctx, name, runID)
		if err != nil {
			return err
		}
		r.Run.CompletedOn = b.svc.now()
		r.Run.State = glue.BlueprintRunSucceeded
		r.Run.WorkflowName = wf
		if runErr != nil {
			r.Run.State, r.Run.ErrorMessage, r.Run.WorkflowName = glue.BlueprintRunFailed, runErr.Error(), ""
		}
		if rollbackErr != nil {
			r.Run.RollbackErrorMessage = rollbackErr.Error()
		}
		return tx.BlueprintRuns().Update(b.ctx, r)
	})
	if err != nil && b.ctx.Err() == nil {
		b.log.Error("record blueprint run", "blueprint", name, "run", runID, "err", err)
	}
}

func (b *Blueprints) generateAndApply(runID, name, archive string, def *blueprint.Definition, params map[string]any) (string, error, error) {
	data, err := b.readCopy(archive)
	if err != nil {
		return "", fmt.Errorf("read the registered archive: %w", err), nil
	}
	dir, err := os.MkdirTemp("", "epoxy-blueprint-")
	if err != nil {
		return "", err, nil
	}
	defer os.RemoveAll(dir)
	if err := blueprint.Extract(data, dir); err != nil {
		return "", err, nil
	}
	system := blueprint.SystemParams{Region: b.svc.region, AccountID: b.svc.account}
	layout, err := b.runner.Generate(b.ctx, dir, def, params, system, blueprint.NewSuffix())
	if err != nil {
		return "", err, nil
	}
	creator := &rollbackWatcher{Service: b.svc, onRollback: func() { b.markRollingBack(name, runID) }}
	wf, err := blueprint.Apply(b.ctx, creator, layout, glue.BlueprintDetails{BlueprintName: name, RunID: runID})
	var ae *blueprint.ApplyError
	if errors.As(err, &ae) {
		return "", ae.Err, ae.Rollback
	}
	return wf, err, nil
}

// readCopy reads a registered archive copy, named by its path, from the
// data directory.
func (b *Blueprints) readCopy(path string) ([]byte, error) {
	rel, err := b.files.Rel(path)
	if err != nil {
		return nil, err
	}
	return b.files.ReadFile(b.ctx, rel, blueprint.MaxArchiveSize+1)
}

// markRollingBack records that a run is rolling back what it created.
func (b *Blueprints) markRollingBack(name, runID string) {
	err := b.svc.store.Update(b.ctx, func(tx store.Tx) error {
		r, err := tx.BlueprintRuns().Get(b.ctx, name, runID)
		if err != nil {
			return err
		}
		r.Run.State = glue.BlueprintRunRollingBack
		return tx.BlueprintRuns().Update(b.ctx, r)
	})
	if err != nil && b.ctx.Err() == nil {
		b.log.Error("record blueprint rollback", "blueprint", name, "run", runID, "err", err)
	}
}

// rollbackWatcher is the Service as a blueprint.Creator that notices the
// first deletion, which means Apply is rolling back, so the run can show
// ROLLING_BACK while it does.
type rollbackWatcher struct {
	*Service
	once       sync.Once
	onRollback func()
}

func (w *rollbackWatcher) DeleteWorkflow(ctx context.Context, name string) error {
	w.once.Do(w.onRollback)
	return w.Service.DeleteWorkflow(ctx, name)
}

func (w *rollbackWatcher) DeleteJob(ctx context.Context, name string) error {
	w.once.Do(w.onRollback)
	return w.Service.DeleteJob(ctx, name)
}

func (w *rollbackWatcher) DeleteCrawler(ctx context.Context, name string) error {
	w.once.Do(w.onRollback)
	return w.Service.DeleteCrawler(ctx, name)
}

func (w *rollbackWatcher) DeleteTrigger(ctx context.Context, name string) error {
	w.once.Do(w.onRollback)
	return w.Service.DeleteTrigger(ctx, name)
}

// GetBlueprintRun returns one run of a blueprint.
func (b *Blueprints) GetBlueprintRun(ctx context.Context, name, runID string) (*glue.BlueprintRun, error) {
	var out *glue.BlueprintRun
	err := b.svc.store.View(ctx, func(tx store.Tx) error {
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
func (b *Blueprints) GetBlueprintRuns(ctx context.Context, name string, beforeSeq int64, limit int) ([]*glue.BlueprintRun, []int64, error) {
	var out []*glue.BlueprintRun
	var seqs []int64
	err := b.svc.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Blueprints().Get(ctx, name); err != nil {
			return err
		}
		runs, err := tx.BlueprintRuns().List(ctx, name, beforeSeq, limit)
		for _, r := range runs {
			out = append(out, &r.Run)
			seqs = append(seqs, r.Seq)
		}
		return err
	})
	return out, seqs, err
}
