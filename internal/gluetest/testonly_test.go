package gluetest_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// kitPath is this package's import path.
const kitPath = "github.com/epoxy-run/epoxy/internal/gluetest"

// Ensure no package of the module imports gluetest outside its _test.go
// files: the kit is for tests only. go list's Imports leaves test files
// out, so any hit is a production import.
func TestOnlyTestsImportTheKit(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "github.com/epoxy-run/epoxy/...").Output()
	require.NoError(t, err, "go list: %s", stderrOf(err))
	var offenders []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	packages := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		packages++
		for _, imp := range fields[1:] {
			if imp == kitPath {
				offenders = append(offenders, fields[0])
			}
		}
	}
	require.NoError(t, sc.Err())
	require.Greater(t, packages, 5, "go list saw the module's packages")
	require.Empty(t, offenders, "packages importing %s outside their tests", kitPath)
}

// stderrOf returns what a failed command wrote to stderr.
func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
