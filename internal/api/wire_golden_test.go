package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/model"
)

var updateWire = flag.Bool("update", false, "rewrite the golden responses in testdata/wire")

// wireOutput is one operation's typed response with every member set.
type wireOutput struct {
	op string
	v  any
}

func wireOutputs(t *testing.T) []wireOutput {
	return []wireOutput{
		{"GetBlueprint", gluetest.Filled[blueprintOut](t)},
		{"GetBlueprintRuns", gluetest.Filled[blueprintRunsOut](t)},
		{"GetDatabases", gluetest.Filled[getDatabasesOut](t)},
		{"GetPartitions", gluetest.Filled[partitionsOut](t)},
		{"GetTables", gluetest.Filled[tablesOut](t)},
		{"GetTableVersions", gluetest.Filled[tableVersionsOut](t)},
		{"GetClassifiers", gluetest.Filled[getClassifiersOut](t)},
		{"GetCrawlers", gluetest.Filled[getCrawlersOut](t)},
		{"GetUserDefinedFunctions", gluetest.Filled[getFunctionsOut](t)},
		{"GetJobs", gluetest.Filled[getJobsOut](t)},
		{"GetJobBookmark", gluetest.Filled[jobBookmarkOut](t)},
		{"GetJobRuns", gluetest.Filled[getJobRunsOut](t)},
		{"GetWorkflowRuns", gluetest.Filled[getWorkflowRunsOut](t)},
		{"GetWorkflow", gluetest.Filled[getWorkflowOut](t)},
		{"GetTriggers", gluetest.Filled[getTriggersOut](t)},
		{"ListCrawls", gluetest.Filled[listCrawlsOut](t)},
		{"GetCrawlerMetrics", gluetest.Filled[crawlerMetricsOut](t)},
	}
}

// Ensure every typed response that carries timestamps, with all members
// set, is encoded exactly as the golden bytes in testdata/wire: timestamps
// as epoch seconds with millisecond precision at every depth. The golden
// files were written by the one-pass rewriter that encoded responses
// before glue.Timestamp, so they pin that the wire did not change.
func TestWire_Golden(t *testing.T) {
	t.Parallel()
	m, err := model.Glue()
	require.NoError(t, err)
	for _, w := range wireOutputs(t) {
		t.Run(w.op, func(t *testing.T) {
			op, ok := m.Operation(w.op)
			require.True(t, ok)
			got, err := op.EncodeOutput(w.v)
			require.NoError(t, err)
			file := filepath.Join("testdata", "wire", w.op+".json")
			if *updateWire {
				var pretty bytes.Buffer
				require.NoError(t, json.Indent(&pretty, got, "", "  "))
				require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
				require.NoError(t, os.WriteFile(file, append(pretty.Bytes(), '\n'), 0o644))
			}
			raw, err := os.ReadFile(file)
			require.NoError(t, err, "run go test ./internal/api -run Wire_Golden -update to create it")
			var want bytes.Buffer
			require.NoError(t, json.Compact(&want, raw))
			require.Equal(t, want.String(), string(got))
		})
	}
}
