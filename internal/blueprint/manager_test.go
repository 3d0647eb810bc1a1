package blueprint_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/safefs"
	"github.com/epoxy-run/epoxy/internal/service"
	"github.com/epoxy-run/epoxy/internal/store"
)

const testRole = "arn:aws:iam::123456789012:role/blueprints"

// managerBundle is the parts a Manager is wired with in the server: a real
// store and service and a Runner, whose time limits pass only by hand.
type managerBundle struct {
	st     store.Store
	svc    *service.Service
	files  *safefs.Root
	runner *blueprint.Runner
	// pids is where the sleepy generator writes its pids.
	pids string
	dir  string
}

func newManagerBundle(t *testing.T) *managerBundle {
	t.Helper()
	requirePython(t)
	st, svc := newCatalog(t)
	files, err := safefs.OpenRoot(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = files.Close() })
	shim := t.TempDir()
	require.NoError(t, blueprint.InstallShim(shim))
	pids := t.TempDir()
	return &managerBundle{st: st, svc: svc, files: files, pids: pids, dir: t.TempDir(),
		runner: &blueprint.Runner{ShimDir: shim, Timers: &manualTimers{}, Env: []string{"EPOXY_TEST_PIDS=" + pids}}}
}

// manager returns a Manager (not started) creating entities through c.
func (b *managerBundle) manager(c blueprint.Creator) *blueprint.Manager {
	return blueprint.NewManager(blueprint.Config{Store: b.st, Creator: c, Files: b.files, Runner: b.runner,
		Clock: testClock, System: system})
}

// archive writes a blueprint archive and returns its path.
func (b *managerBundle) archive(t *testing.T, name, cfg, layout string) string {
	t.Helper()
	path := filepath.Join(b.dir, name+".zip")
	require.NoError(t, os.WriteFile(path, gluetest.BlueprintZip(t, "bp", cfg, map[string]string{"layout.py": layout}), 0o600))
	return path
}

// status returns a blueprint's status.
func status(t *testing.T, m *blueprint.Manager, name string) glue.BlueprintStatus {
	t.Helper()
	bp, err := m.GetBlueprint(context.Background(), name, false, false)
	require.NoError(t, err)
	return bp.Status
}

// waitStatus waits until a blueprint has status.
func waitStatus(t *testing.T, m *blueprint.Manager, name string, want glue.BlueprintStatus) {
	t.Helper()
	gluetest.Eventually(t, waitLimit, func() bool { return status(t, m, name) == want }, "blueprint %s never became %s", name, want)
}

// waitRun waits until a run is in state and returns it.
func waitRun(t *testing.T, m *blueprint.Manager, name, runID string, want glue.BlueprintRunState) *glue.BlueprintRun {
	t.Helper()
	var run *glue.BlueprintRun
	gluetest.Eventually(t, waitLimit, func() bool {
		var err error
		run, err = m.GetBlueprintRun(context.Background(), name, runID)
		require.NoError(t, err)
		return run.State == want
	}, "run %s never became %s", runID, want)
	return run
}

// Ensure a Manager works only between Start and Stop: a registration
// recorded before Start begins at Start, Start cannot run twice, and a
// registration recorded after Stop waits, CREATING, for the next Manager's
// Start.
func TestManager_StartStop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newManagerBundle(t)
	etl := b.archive(t, "etl", etlCfg, etlLayout)
	m := b.manager(b.svc)

	require.NoError(t, m.CreateBlueprint(ctx, "early", nil, etl, nil))
	require.Equal(t, glue.BlueprintCreating, status(t, m, "early"))
	require.NoError(t, m.Start(ctx))
	waitStatus(t, m, "early", glue.BlueprintActive)
	require.ErrorContains(t, m.Start(ctx), "Start called twice or after Stop")

	m.Stop()
	require.NoError(t, m.CreateBlueprint(ctx, "late", nil, etl, nil))
	require.Equal(t, glue.BlueprintCreating, status(t, m, "late"))
	m.Stop()
	require.ErrorContains(t, m.Start(ctx), "Start called twice or after Stop")

	next := b.manager(b.svc)
	require.NoError(t, next.Start(ctx))
	defer next.Stop()
	waitStatus(t, next, "late", glue.BlueprintActive)
}

// sleepyLayout writes its pid and its child's to $EPOXY_TEST_PIDS/pids,
// then waits for a signal.
const sleepyLayout = `
import os, signal, subprocess, sys

def generate_layout(user_params, system_params):
    child = subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])
    d = os.environ["EPOXY_TEST_PIDS"]
    with open(os.path.join(d, "pids.tmp"), "w") as f:
        f.write("%d %d" % (os.getpid(), child.pid))
    os.rename(os.path.join(d, "pids.tmp"), os.path.join(d, "pids"))
    signal.pause()
`

// Ensure cancelling the context given to Start stops a run in progress
// (its generator's processes are killed) and Stop waits for it; the run,
// left RUNNING, ends FAILED when the next Manager starts.
func TestManager_CancelAndRestart(t *testing.T) {
	t.Parallel()
	b := newManagerBundle(t)
	sleepy := b.archive(t, "sleepy", wfCfg, sleepyLayout)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := b.manager(b.svc)
	require.NoError(t, m.Start(ctx))
	require.NoError(t, m.CreateBlueprint(context.Background(), "sleepy", nil, sleepy, nil))
	waitStatus(t, m, "sleepy", glue.BlueprintActive)
	runID, err := m.StartBlueprintRun(context.Background(), "sleepy", `{"WorkflowName": "s"}`, testRole)
	require.NoError(t, err)

	pids := readPids(t, b.pids)
	cancel()
	requireGone(t, pids)
	within(t, "Stop", m.Stop)
	run, err := m.GetBlueprintRun(context.Background(), "sleepy", runID)
	require.NoError(t, err)
	require.Equal(t, glue.BlueprintRunRunning, run.State, "a run cut short by shutdown is not recorded as ended")

	next := b.manager(b.svc)
	require.NoError(t, next.Start(context.Background()))
	defer next.Stop()
	run, err = next.GetBlueprintRun(context.Background(), "sleepy", runID)
	require.NoError(t, err)
	require.Equal(t, glue.BlueprintRunFailed, run.State)
	require.Equal(t, "Epoxy restarted while the run was in progress; entities it had created may remain", run.ErrorMessage)
	require.Equal(t, testClock.Now(), run.CompletedOn.Time)
}

// rollbackWatch is the service as a Creator that records, at each
// deletion, the runs then ROLLING_BACK, and fails deleting jobs whose name
// starts with failJob.
type rollbackWatch struct {
	*service.Service
	st      store.Store
	failJob string

	mu      sync.Mutex
	rolling [][]string // run ids ROLLING_BACK at each deletion
}

func (w *rollbackWatch) see(ctx context.Context) {
	var ids []string
	err := w.st.View(ctx, func(tx store.Tx) error {
		runs, err := tx.BlueprintRuns().InStates(ctx, glue.BlueprintRunRollingBack)
		ids = nil
		for _, r := range runs {
			ids = append(ids, r.Run.RunID)
		}
		return err
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		ids = []string{err.Error()}
	}
	w.rolling = append(w.rolling, ids)
}

func (w *rollbackWatch) DeleteWorkflow(ctx context.Context, name string) error {
	w.see(ctx)
	return w.Service.DeleteWorkflow(ctx, name)
}

func (w *rollbackWatch) DeleteJob(ctx context.Context, name string) error {
	w.see(ctx)
	if strings.HasPrefix(name, w.failJob) {
		return errors.New("disk on fire")
	}
	return w.Service.DeleteJob(ctx, name)
}

func (w *rollbackWatch) DeleteCrawler(ctx context.Context, name string) error {
	w.see(ctx)
	return w.Service.DeleteCrawler(ctx, name)
}

func (w *rollbackWatch) DeleteTrigger(ctx context.Context, name string) error {
	w.see(ctx)
	return w.Service.DeleteTrigger(ctx, name)
}

// Ensure a run creates its layout through the Creator, and a run whose
// creation fails shows ROLLING_BACK during every deletion, then ends FAILED
// with the creation failure and the deletion failures.
func TestManager_RunAndRollback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newManagerBundle(t)
	w := &rollbackWatch{Service: b.svc, st: b.st, failJob: "a_"}
	m := b.manager(w)
	require.NoError(t, m.Start(ctx))
	defer m.Stop()
	require.NoError(t, m.CreateBlueprint(ctx, "bp", nil, b.archive(t, "etl", etlCfg, etlLayout), nil))
	waitStatus(t, m, "bp", glue.BlueprintActive)

	good, err := m.StartBlueprintRun(ctx, "bp", `{"WorkflowName": "etl"}`, testRole)
	require.NoError(t, err)
	run := waitRun(t, m, "bp", good, glue.BlueprintRunSucceeded)
	require.Equal(t, "etl", run.WorkflowName)
	require.Equal(t, testClock.Now(), run.CompletedOn.Time)
	wf, err := b.svc.GetWorkflow(ctx, "etl", false)
	require.NoError(t, err)
	require.Equal(t, &glue.BlueprintDetails{BlueprintName: "bp", RunID: good}, wf.BlueprintDetails)
	require.Empty(t, w.rolling, "a successful run deletes nothing")

	bad, err := m.StartBlueprintRun(ctx, "bp", `{"WorkflowName": "broken", "Broken": true}`, testRole)
	require.NoError(t, err)
	run = waitRun(t, m, "bp", bad, glue.BlueprintRunFailed)
	require.Empty(t, run.WorkflowName)
	require.Contains(t, run.ErrorMessage, "create trigger broken_d_")
	require.Regexp(t, `^delete job a_\w+: disk on fire$`, run.RollbackErrorMessage)
	w.mu.Lock()
	defer w.mu.Unlock()
	require.Len(t, w.rolling, 3+4+1+1, "the 3 triggers created before d's failed, 4 jobs, 1 crawler, the workflow")
	for i, ids := range w.rolling {
		require.Equal(t, []string{bad}, ids, "deletion %d", i)
	}
}
