package gluetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FirstRunError is the message of the exception a FailsFirstRun script
// raises on its first run.
const FirstRunError = "first run fails"

// FailsFirstRun returns the body of a Python job script that fails on its
// first run, raising a RuntimeError with FirstRunError and creating the
// file marker, and succeeds on every run after that.
func FailsFirstRun(marker string) string {
	return fmt.Sprintf(`import os
if not os.path.exists(%q):
    open(%q, "w").close()
    raise RuntimeError(%q)
`, marker, marker, FirstRunError)
}

// Gate returns the body of a Python job script that waits until the file
// gate exists (giving up after a minute) and then exits 0. When pidDir is
// not empty, it first writes its pid to pidDir/<JOB_RUN_ID>.pid, atomically.
func Gate(gate, pidDir string) string {
	return fmt.Sprintf(`import os, sys, time
from awsglue.utils import getResolvedOptions
args = getResolvedOptions(sys.argv, ["JOB_RUN_ID"])
pid_dir = %q
if pid_dir:
    with open(os.path.join(pid_dir, args["JOB_RUN_ID"] + ".pid.tmp"), "w") as f:
        f.write(str(os.getpid()))
    os.replace(os.path.join(pid_dir, args["JOB_RUN_ID"] + ".pid.tmp"), os.path.join(pid_dir, args["JOB_RUN_ID"] + ".pid"))
deadline = time.time() + 60
while not os.path.exists(%q):
    if time.time() > deadline:
        sys.exit("the gate never opened")
    time.sleep(0.02)
`, pidDir, gate)
}

// OpenGate creates the file a Gate script waits for.
func OpenGate(t testing.TB, gate string) {
	t.Helper()
	require.NoError(t, os.WriteFile(gate, nil, 0o644))
}

// ProcessGone reports whether pid no longer runs: it has no /proc entry,
// or it is a zombie waiting for its parent (it no longer executes).
func ProcessGone(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) == 0 || fields[0] == "Z" || fields[0] == "X"
}
