package blueprint_test

import (
	"io/fs"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/blueprint"
)

// waitLimit bounds every wait for an event (a process started or gone, a
// call returned). It only catches hangs: no test depends on how fast the
// machine is.
const waitLimit = time.Minute

// manualTimers are blueprint.Timers whose limits pass only when the test
// expires them, so no test depends on how fast a process starts.
type manualTimers struct {
	mu     sync.Mutex
	limits []*manualLimit
}

// manualLimit is one time limit started on manualTimers.
type manualLimit struct {
	d       time.Duration
	f       func()
	stopped bool
}

// AfterFunc records the limit; it passes when expire is called.
func (m *manualTimers) AfterFunc(d time.Duration, f func()) blueprint.Stopper {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := &manualLimit{d: d, f: f}
	m.limits = append(m.limits, l)
	return stopFunc(func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		was := l.stopped
		l.stopped = true
		return !was
	})
}

// expire passes every pending limit, calling its function, and returns
// their durations.
func (m *manualTimers) expire() []time.Duration {
	m.mu.Lock()
	var due []*manualLimit
	for _, l := range m.limits {
		if !l.stopped {
			l.stopped = true
			due = append(due, l)
		}
	}
	m.mu.Unlock()
	var ds []time.Duration
	for _, l := range due {
		ds = append(ds, l.d)
		go l.f()
	}
	return ds
}

// pending counts the limits started and not yet stopped or expired.
func (m *manualTimers) pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, l := range m.limits {
		if !l.stopped {
			n++
		}
	}
	return n
}

// stopFunc is a blueprint.Stopper.
type stopFunc func() bool

func (s stopFunc) Stop() bool { return s() }

// within runs fn and fails the test if it has not returned after waitLimit.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(waitLimit):
		t.Fatalf("%s did not return within %s", what, waitLimit)
	}
}

// minimalCfg is a blueprint.cfg for the generator conv.layout.generate_layout.
const minimalCfg = `{"layoutGenerator": "conv.layout.generate_layout", "parameterSpec": {}}`

// treeOf lists every path under dir (relative, slash-separated, sorted).
func treeOf(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	require.NoError(t, err)
	sort.Strings(out)
	return out
}

// requirePython skips the test when python3 is not installed.
func requirePython(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
}
