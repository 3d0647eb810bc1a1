package glue_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Ensure ApplyDefaults fills what Glue fills and keeps what the caller gave.
func TestJob_ApplyDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		job          glue.Job
		wantRuns     int32
		wantTimeout  int32
		wantCapacity *float64
	}{
		{"bare etl job", glue.Job{Command: glue.JobCommand{Name: glue.CommandGlueETL}}, 1, 2880, nil},
		{"glue 4 keeps the old timeout", glue.Job{GlueVersion: "4.0", Command: glue.JobCommand{Name: glue.CommandGlueETL}}, 1, 2880, nil},
		{"glue 0.9", glue.Job{GlueVersion: "0.9", Command: glue.JobCommand{Name: glue.CommandGlueETL}}, 1, 2880, nil},
		{"glue 5 shortens the timeout", glue.Job{GlueVersion: "5.0", Command: glue.JobCommand{Name: glue.CommandGlueETL}}, 1, 480, nil},
		{"given timeout kept", glue.Job{GlueVersion: "5.0", Timeout: new(int32(60)), Command: glue.JobCommand{Name: glue.CommandGlueETL}}, 1, 60, nil},
		{"zero concurrency replaced", glue.Job{ExecutionProperty: &glue.ExecutionProperty{}, Command: glue.JobCommand{Name: glue.CommandGlueETL}}, 1, 2880, nil},
		{"negative concurrency replaced", glue.Job{ExecutionProperty: &glue.ExecutionProperty{MaxConcurrentRuns: -3}}, 1, 2880, nil},
		{"given concurrency kept", glue.Job{ExecutionProperty: &glue.ExecutionProperty{MaxConcurrentRuns: 7}}, 7, 2880, nil},
		{"python shell capacity", glue.Job{Command: glue.JobCommand{Name: glue.CommandPythonShell}}, 1, 2880, new(0.0625)},
		{"python shell capacity kept", glue.Job{MaxCapacity: new(1.0), Command: glue.JobCommand{Name: glue.CommandPythonShell}}, 1, 2880, new(1.0)},
		{"python shell with workers", glue.Job{WorkerType: "G.1X", NumberOfWorkers: new(int32(2)), Command: glue.JobCommand{Name: glue.CommandPythonShell}}, 1, 2880, nil},
		{"ray job has no default capacity", glue.Job{Command: glue.JobCommand{Name: glue.CommandRay}}, 1, 2880, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := tt.job
			j.ApplyDefaults()
			require.NotNil(t, j.ExecutionProperty)
			require.Equal(t, tt.wantRuns, j.ExecutionProperty.MaxConcurrentRuns)
			require.NotNil(t, j.Timeout)
			require.Equal(t, tt.wantTimeout, *j.Timeout)
			require.Equal(t, tt.wantCapacity, j.MaxCapacity)

			again := j
			again.ApplyDefaults()
			require.Equal(t, j, again, "applying defaults twice changes nothing more")
		})
	}
}

// Ensure Validate rejects each rule Glue applies beyond the model.
func TestJob_Validate(t *testing.T) {
	t.Parallel()
	etl := glue.JobCommand{Name: glue.CommandGlueETL, ScriptLocation: "s3://b/k.py"}
	tests := []struct {
		name      string
		job       glue.Job
		fragments []string
	}{
		{"minimal", glue.Job{Command: etl}, nil},
		{"workers", glue.Job{Command: etl, WorkerType: "G.2X", NumberOfWorkers: new(int32(10))}, nil},
		{"capacity", glue.Job{Command: etl, MaxCapacity: new(10.0)}, nil},
		{"longest timeout", glue.Job{Command: etl, Timeout: new(int32(10079))}, nil},
		{"no command name", glue.Job{Command: glue.JobCommand{ScriptLocation: "s3://b/k.py"}},
			[]string{"Command.Name is required (glueetl, pythonshell, gluestreaming or glueray)"}},
		{"timeout of seven days", glue.Job{Command: etl, Timeout: new(int32(10080))},
			[]string{"Timeout must be less than 10080 minutes (7 days), got 10080"}},
		{"worker type alone", glue.Job{Command: etl, WorkerType: "G.1X"}, []string{"WorkerType and NumberOfWorkers must be given together"}},
		{"workers alone", glue.Job{Command: etl, NumberOfWorkers: new(int32(2))}, []string{"WorkerType and NumberOfWorkers must be given together"}},
		{"capacity with workers", glue.Job{Command: etl, WorkerType: "G.1X", NumberOfWorkers: new(int32(2)), MaxCapacity: new(2.0)},
			[]string{"MaxCapacity cannot be set together with WorkerType and NumberOfWorkers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.job.Validate()
			if len(tt.fragments) == 0 {
				require.NoError(t, err)
				return
			}
			requireGlueError(t, err, glue.InvalidInput, tt.fragments...)
		})
	}
}

// Ensure the defaults of a Python shell job pass validation.
func TestJob_DefaultsValidate(t *testing.T) {
	t.Parallel()
	for _, name := range []string{glue.CommandPythonShell, glue.CommandGlueETL, glue.CommandStreaming, glue.CommandRay} {
		j := glue.Job{Name: "j", Command: glue.JobCommand{Name: name}}
		j.ApplyDefaults()
		require.NoError(t, j.Validate(), name)
	}
}
