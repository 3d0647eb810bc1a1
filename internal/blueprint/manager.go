package blueprint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/objectstore"
	"github.com/epoxy-run/epoxy/internal/safefs"
	"github.com/epoxy-run/epoxy/internal/store"
)

// ArchiveFetcher reads at most limit bytes of an s3:// object.
type ArchiveFetcher interface {
	Get(ctx context.Context, uri string, limit int64) ([]byte, error)
}

// Clock tells the time. Tests inject a fake one.
type Clock interface {
	Now() time.Time
}

// Config configures a Manager. Store, Creator, Files, Runner and Clock are
// required.
type Config struct {
	// Store holds blueprints and their runs.
	Store store.Store
	// Creator creates (and, on rollback, deletes) the entities of a run's
	// layout.
	Creator Creator
	// Files is the data directory; registered archive copies are kept
	// under its blueprints/ folder.
	Files *safefs.Root
	// S3 fetches s3:// locations; nil means objectstore.Disabled, which
	// fails them with ErrNoEndpoint.
	S3 ArchiveFetcher
	// Runner runs layout generators.
	Runner *Runner
	Clock  Clock
	// System are the system_params generators receive.
	System SystemParams
	Logger *slog.Logger
}

// Manager implements the blueprint operations. Registration and runs
// proceed in the background, as in Glue: CreateBlueprint answers CREATING
// and StartBlueprintRun answers RUNNING at once. Background work happens
// between Start and Stop; a blueprint or run recorded outside that window
// is taken up by the next Start.
type Manager struct {
	store   store.Store
	creator Creator
	files   *safefs.Root
	s3      ArchiveFetcher
	runner  *Runner
	clock   Clock
	system  SystemParams
	log     *slog.Logger

	mu      sync.Mutex // guards ctx, stopped and wg.Add
	ctx     context.Context
	cancel  context.CancelFunc
	stopped bool
	wg      sync.WaitGroup
}

// NewManager returns a Manager; call Start to let it work.
func NewManager(cfg Config) *Manager {
	m := &Manager{store: cfg.Store, creator: cfg.Creator, files: cfg.Files, s3: cfg.S3, runner: cfg.Runner,
		clock: cfg.Clock, system: cfg.System, log: cfg.Logger}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.s3 == nil {
		m.s3 = objectstore.Disabled()
	}
	return m
}

// Start resumes the work an earlier server left: registrations still
// CREATING or UPDATING run again; runs still RUNNING or ROLLING_BACK end
// FAILED, since what they had created is not known (docs/behaviour.md).
// Background work then runs until Stop or until ctx is cancelled.
func (m *Manager) Start(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ctx != nil || m.stopped {
		return errors.New("blueprints: Start called twice or after Stop")
	}
	pending, err := m.recover(ctx)
	if err != nil {
		return fmt.Errorf("blueprints: recover: %w", err)
	}
	m.ctx, m.cancel = context.WithCancel(ctx)
	for _, r := range pending {
		m.goLocked(func(ctx context.Context) {
			m.register(ctx, r.Blueprint.Name, r.Version, r.Blueprint.BlueprintLocation, r.Blueprint.Description)
		})
	}
	return nil
}

// recover ends the runs an earlier server left in progress and returns the
// registrations it left unfinished.
func (m *Manager) recover(ctx context.Context) ([]*glue.BlueprintRecord, error) {
	var pending []*glue.BlueprintRecord
	err := m.store.Update(ctx, func(tx store.Tx) error {
		pending = nil
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
			r.Run.State, r.Run.CompletedOn = glue.BlueprintRunFailed, glue.At(m.now())
			r.Run.ErrorMessage = "Epoxy restarted while the run was in progress; entities it had created may remain"
			if err := tx.BlueprintRuns().Update(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	return pending, err
}

// Stop cancels background work and waits for it. Work recorded but not
// finished (a registration, a run) is taken up by the next Start.
func (m *Manager) Stop() {
	m.mu.Lock()
	m.stopped = true
	if m.cancel != nil {
		m.cancel()
	}
	m.mu.Unlock()
	m.wg.Wait()
}

// background runs fn in a goroutine with the Manager's context, unless the
// Manager is not running (not started, or stopped): then the work waits,
// recorded, for the next Start.
func (m *Manager) background(fn func(ctx context.Context)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ctx == nil || m.stopped {
		return
	}
	m.goLocked(fn)
}

// goLocked starts fn; m.mu must be held, so Stop cannot be waiting yet.
func (m *Manager) goLocked(fn func(ctx context.Context)) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		fn(m.ctx)
	}()
}

// now returns the current time truncated to milliseconds, the precision
// timestamps have on the wire, so stored and returned values agree.
func (m *Manager) now() time.Time { return m.clock.Now().UTC().Truncate(time.Millisecond) }

// CreateBlueprint records a blueprint as CREATING and registers its archive
// in the background. A name that cannot name its folder of archive copies
// ("." or "..") is refused.
func (m *Manager) CreateBlueprint(ctx context.Context, name string, description *string, location string, tags map[string]string) error {
	if safefs.Name(name) != nil {
		return glue.Errorf(glue.InvalidInput, "Name %q is not a valid blueprint name: it cannot name the folder of the blueprint's archive copies", name)
	}
	now := m.now()
	rec := &glue.BlueprintRecord{Version: 1, Blueprint: glue.Blueprint{Name: name, Description: description, CreatedOn: glue.At(now),
		LastModifiedOn: glue.At(now), BlueprintLocation: location, Status: glue.BlueprintCreating}}
	err := m.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Blueprints().Insert(ctx, name, rec); err != nil {
			return err
		}
		return tx.AddTags(ctx, glue.Resource{Kind: glue.KindBlueprint, Name: name}, tags)
	})
	if err == nil {
		m.background(func(ctx context.Context) { m.register(ctx, name, 1, location, description) })
	}
	return err
}

// UpdateBlueprint registers a new version. While it registers the blueprint
// is UPDATING; runs keep using the last active version, and do so too if the
// new version fails. A blueprint still CREATING or UPDATING cannot be
// updated (IllegalBlueprintStateException).
func (m *Manager) UpdateBlueprint(ctx context.Context, name string, description *string, location string) error {
	var version int
	err := m.store.Update(ctx, func(tx store.Tx) error {
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
		rec.Blueprint.LastModifiedOn = glue.At(m.now())
		return tx.Blueprints().Replace(ctx, name, rec)
	})
	if err == nil {
		m.background(func(ctx context.Context) { m.register(ctx, name, version, location, description) })
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
func (m *Manager) register(ctx context.Context, name string, version int, location string, description *string) {
	copyRel, err := copyPath(name, version)
	var def *Definition
	if err == nil {
		def, err = m.fetchAndInspect(ctx, location, copyRel)
	}
	err = m.store.Update(ctx, func(tx store.Tx) error {
		rec, gerr := tx.Blueprints().Get(ctx, name)
		if gerr != nil || rec.Version != version {
			return nil // deleted or superseded meanwhile
		}
		bp := &rec.Blueprint
		bp.LastModifiedOn = glue.At(m.now())
		if err != nil {
			bp.Status, bp.ErrorMessage = glue.BlueprintFailed, err.Error()
			return tx.Blueprints().Replace(ctx, name, rec)
		}
		bp.Status, bp.ErrorMessage, bp.ParameterSpec = glue.BlueprintActive, "", def.ParameterSpec
		bp.BlueprintServiceLocation = "file://" + m.files.Path(copyRel)
		rec.ActiveGenerator = def.LayoutGenerator
		bp.LastActiveDefinition = &glue.LastActiveDefinition{Description: description, LastModifiedOn: bp.LastModifiedOn,
			ParameterSpec: def.ParameterSpec, BlueprintLocation: location, BlueprintServiceLocation: bp.BlueprintServiceLocation}
		return tx.Blueprints().Replace(ctx, name, rec)
	})
	if err != nil && ctx.Err() == nil {
		m.log.Error("record blueprint registration", "blueprint", name, "err", err)
	}
}

func (m *Manager) fetchAndInspect(ctx context.Context, location, copyRel string) (*Definition, error) {
	data, err := m.fetch(ctx, location)
	if err != nil {
		return nil, err
	}
	def, err := Inspect(data)
	if err != nil {
		return nil, err
	}
	if err := m.files.WriteFile(copyRel, data); err != nil {
		return nil, fmt.Errorf("store archive copy: %w", err)
	}
	return def, nil
}

// fetch reads an archive from s3:// (through the configured endpoint), a
// file:// URI or an absolute path, reading at most one byte over Glue's
// compressed-size limit so Inspect can refuse larger archives. A local
// location must be a regular file, not a symbolic link: a FIFO or device
// fails at once instead of blocking registration.
func (m *Manager) fetch(ctx context.Context, location string) ([]byte, error) {
	limit := int64(MaxArchiveSize + 1)
	if strings.HasPrefix(location, "s3://") {
		data, err := m.s3.Get(ctx, location, limit)
		if err != nil {
			return nil, fmt.Errorf("cannot read the blueprint archive %s: %w", location, err)
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
func (m *Manager) DeleteBlueprint(ctx context.Context, name string) error {
	var existed bool
	err := m.store.Update(ctx, func(tx store.Tx) error {
		var err error
		if existed, err = tx.Blueprints().Delete(ctx, name); err != nil {
			return err
		}
		return tx.BlueprintRuns().DeleteBlueprint(ctx, name)
	})
	if err == nil && existed {
		m.removeCopies(name)
	}
	return err
}

// removeCopies removes the archive copies of a deleted blueprint. The
// blueprint is gone either way, so a failure is logged, not returned.
func (m *Manager) removeCopies(name string) {
	dir, err := safefs.Join("blueprints", name)
	if err == nil {
		err = m.files.RemoveAll(dir)
	}
	if err != nil {
		m.log.Error("remove blueprint archive copies", "blueprint", name, "err", err)
	}
}

// GetBlueprint returns a blueprint; ParameterSpec and the service location
// of the archive are included only when asked for, as in Glue.
func (m *Manager) GetBlueprint(ctx context.Context, name string, includeBlueprint, includeSpec bool) (*glue.Blueprint, error) {
	var out *glue.Blueprint
	err := m.store.View(ctx, func(tx store.Tx) error {
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

// BlueprintNames returns a page of blueprint names in name order; List
// operations read names only, never whole documents.
func (m *Manager) BlueprintNames(ctx context.Context, opts glue.ListOptions) ([]string, error) {
	var out []string
	err := m.store.View(ctx, func(tx store.Tx) (err error) {
		out, err = tx.Blueprints().Names(ctx, opts)
		return err
	})
	return out, err
}

// BatchGetBlueprints returns the named blueprints that exist and the names
// of those that do not.
func (m *Manager) BatchGetBlueprints(ctx context.Context, names []string, includeBlueprint, includeSpec bool) ([]*glue.Blueprint, []string, error) {
	var found []*glue.Blueprint
	var missing []string
	err := m.store.View(ctx, func(tx store.Tx) error {
		found, missing = nil, nil
		for _, n := range names {
			rec, err := tx.Blueprints().Get(ctx, n)
			if glue.IsCode(err, glue.EntityNotFound) {
				missing = append(missing, n)
				continue
			}
			if err != nil {
				return err
			}
			found = append(found, view(rec, includeBlueprint, includeSpec))
		}
		return nil
	})
	return found, missing, err
}
