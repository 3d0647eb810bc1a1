package executor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The start fence tells, after a crash of the server, a job whose code
// never ran from one that ran. Before starting a process the executor
// durably writes a launch nonce; the process, before running any user code,
// creates the start marker started-<nonce> exclusively, holding its pid and
// start time. A recovering server that finds a launch but no marker creates
// the marker itself, holding "fenced": from then on no process of that
// launch can run user code (the bootstrap exits with fencedExit when the
// marker exists), so the launch can safely be made again. Both sides create
// the marker with link(2) from a complete temporary file, so a marker is
// never seen half written.

// fencedExit is the exit status of a bootstrap that found its launch fenced.
const fencedExit = 75

const fencedMark = "fenced"

// launch is one start of a job run's process.
type launch struct {
	runDir string
	nonce  string
}

func (l launch) marker() string { return filepath.Join(l.runDir, "started-"+l.nonce) }
func (l launch) status() string { return filepath.Join(l.runDir, "status-"+l.nonce+".json") }

// newLaunch records a new launch of the run durably. Markers of earlier
// launches are kept: removing a "fenced" marker would let a late process of
// that launch run.
func newLaunch(runDir string) (launch, error) {
	if err := os.MkdirAll(runDir, dirMode); err != nil {
		return launch{}, err
	}
	l := launch{runDir: runDir, nonce: newNonce()}
	_ = os.Remove(filepath.Join(runDir, "ended"))
	if err := writeDurably(filepath.Join(runDir, "launch"), []byte(l.nonce+"\n")); err != nil {
		return launch{}, fmt.Errorf("record launch: %w", err)
	}
	return l, nil
}

// currentLaunch reads the run's last launch; ok is false when none was
// recorded.
func currentLaunch(runDir string) (launch, bool) {
	b, err := readSmall(filepath.Join(runDir, "launch"), 128)
	nonce := strings.TrimSpace(string(b))
	if err != nil || nonce == "" || CheckRunID(nonce) != nil {
		return launch{}, false
	}
	return launch{runDir: runDir, nonce: nonce}, true
}

// startMark is what a start marker says.
type startMark struct {
	fenced bool
	pid    int
	start  uint64
}

// fence makes sure the launch's user code is either known to have started
// or can never start. fenced reports that this call (or an earlier
// recovery) fenced the launch off; otherwise mark is the process's.
func (l launch) fence() (startMark, error) {
	err := createMarker(l.marker(), fencedMark+"\n")
	if err == nil {
		return startMark{fenced: true}, nil
	}
	if !errors.Is(err, os.ErrExist) {
		return startMark{}, fmt.Errorf("fence launch %s: %w", l.nonce, err)
	}
	b, err := readSmall(l.marker(), 128)
	if err != nil {
		return startMark{}, fmt.Errorf("read start marker: %w", err)
	}
	return parseMark(string(b)), nil
}

func parseMark(s string) startMark {
	s = strings.TrimSpace(s)
	if s == fencedMark {
		return startMark{fenced: true}
	}
	var m startMark
	if _, err := fmt.Sscanf(s, "%d %d", &m.pid, &m.start); err != nil {
		m.pid, m.start = 0, 0
	}
	return m
}

// createMarker creates path holding content, failing with os.ErrExist when
// it exists: the content is written to a temporary file that is then
// hard-linked to path, which is atomic and never replaces a file.
func createMarker(path, content string) error {
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := writeDurably(tmp, []byte(content)); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}
