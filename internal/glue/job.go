package glue

import (
	"encoding/json"
)

// Job is a job definition. Every member of Glue's Job shape is kept; the
// visual-editor members that Epoxy does not interpret are kept as raw JSON.
type Job struct {
	Name                      string                `json:"Name"`
	JobMode                   string                `json:"JobMode,omitempty"`
	JobRunQueuingEnabled      *bool                 `json:"JobRunQueuingEnabled,omitempty"`
	Description               *string               `json:"Description,omitempty"`
	LogURI                    string                `json:"LogUri,omitempty"`
	Role                      string                `json:"Role"`
	CreatedOn                 Timestamp             `json:"CreatedOn,omitzero"`
	LastModifiedOn            Timestamp             `json:"LastModifiedOn,omitzero"`
	ExecutionProperty         *ExecutionProperty    `json:"ExecutionProperty,omitempty"`
	Command                   JobCommand            `json:"Command"`
	DefaultArguments          map[string]string     `json:"DefaultArguments,omitempty"`
	NonOverridableArguments   map[string]string     `json:"NonOverridableArguments,omitempty"`
	Connections               *ConnectionsList      `json:"Connections,omitempty"`
	MaxRetries                int32                 `json:"MaxRetries"`
	AllocatedCapacity         int32                 `json:"AllocatedCapacity,omitempty"`
	Timeout                   *int32                `json:"Timeout,omitempty"`
	MaxCapacity               *float64              `json:"MaxCapacity,omitempty"`
	WorkerType                string                `json:"WorkerType,omitempty"`
	NumberOfWorkers           *int32                `json:"NumberOfWorkers,omitempty"`
	SecurityConfiguration     string                `json:"SecurityConfiguration,omitempty"`
	NotificationProperty      *NotificationProperty `json:"NotificationProperty,omitempty"`
	GlueVersion               string                `json:"GlueVersion,omitempty"`
	CodeGenConfigurationNodes json.RawMessage       `json:"CodeGenConfigurationNodes,omitempty"`
	ExecutionClass            string                `json:"ExecutionClass,omitempty"`
	SourceControlDetails      json.RawMessage       `json:"SourceControlDetails,omitempty"`
	MaintenanceWindow         string                `json:"MaintenanceWindow,omitempty"`
	ProfileName               string                `json:"ProfileName,omitempty"`
}

// JobCommand says what a job runs.
type JobCommand struct {
	Name           string `json:"Name,omitempty"`
	ScriptLocation string `json:"ScriptLocation,omitempty"`
	PythonVersion  string `json:"PythonVersion,omitempty"`
	Runtime        string `json:"Runtime,omitempty"`
}

// Job command names Glue defines.
const (
	CommandPythonShell = "pythonshell"
	CommandGlueETL     = "glueetl"
	CommandStreaming   = "gluestreaming"
	CommandRay         = "glueray"
)

// ExecutionProperty limits a job's concurrent runs.
type ExecutionProperty struct {
	MaxConcurrentRuns int32 `json:"MaxConcurrentRuns"`
}

// ConnectionsList lists the connections a job uses.
type ConnectionsList struct {
	Connections []string `json:"Connections,omitempty"`
}

// Defaults Glue applies to job definitions.
const (
	DefaultJobTimeoutMinutes   = 2880 // Glue 4.0 and earlier
	DefaultJobTimeoutMinutesV5 = 480  // Glue 5.0 and later
	DefaultPythonShellCapacity = 0.0625
	DefaultMaxConcurrentRuns   = 1
)

// ApplyDefaults fills the members Glue fills when a job is created or
// updated without them: ExecutionProperty.MaxConcurrentRuns 1, Timeout per
// Glue version, and MaxCapacity 0.0625 for Python shell jobs.
func (j *Job) ApplyDefaults() {
	if j.ExecutionProperty == nil || j.ExecutionProperty.MaxConcurrentRuns <= 0 {
		j.ExecutionProperty = &ExecutionProperty{MaxConcurrentRuns: DefaultMaxConcurrentRuns}
	}
	if j.Timeout == nil {
		t := int32(DefaultJobTimeoutMinutes)
		if majorVersion(j.GlueVersion) >= 5 {
			t = DefaultJobTimeoutMinutesV5
		}
		j.Timeout = &t
	}
	if j.Command.Name == CommandPythonShell && !j.Capacity().IsSet() {
		c := DefaultPythonShellCapacity
		j.MaxCapacity = &c
	}
}

// Validate checks the rules Glue applies to a job definition beyond the
// model's constraints.
func (j *Job) Validate() error {
	if j.Command.Name == "" {
		return Errorf(InvalidInput, "Command.Name is required (glueetl, pythonshell, gluestreaming or glueray)")
	}
	if j.Timeout != nil && *j.Timeout >= 10080 {
		return Errorf(InvalidInput, "Timeout must be less than 10080 minutes (7 days), got %d", *j.Timeout)
	}
	return j.Capacity().Check(j.Command.Name)
}

// MergeArguments returns the arguments a run of the job passes to its
// script, as Glue merges them: the job's DefaultArguments, overlaid by the
// run's (or the trigger action's) arguments, with NonOverridableArguments
// always winning. Like Glue, it passes --job-bookmark-option
// job-bookmark-disable when none of them sets the option.
func (j *Job) MergeArguments(run map[string]string) map[string]string {
	out := make(map[string]string, len(j.DefaultArguments)+len(run)+len(j.NonOverridableArguments)+1)
	out[BookmarkArgument] = BookmarkDisable
	for k, v := range j.DefaultArguments {
		out[k] = v
	}
	for k, v := range run {
		if _, fixed := j.NonOverridableArguments[k]; !fixed {
			out[k] = v
		}
	}
	for k, v := range j.NonOverridableArguments {
		out[k] = v
	}
	return out
}

// RunArguments returns a run's own arguments as its script receives them:
// the keys the run (or trigger action) gave, each with its value after the
// job's NonOverridableArguments win. This is what JobRun.Arguments reports
// ("the job arguments associated with this run"); the job's
// DefaultArguments are not repeated there.
func (j *Job) RunArguments(run map[string]string) map[string]string {
	if run == nil {
		return nil
	}
	out := make(map[string]string, len(run))
	for k, v := range run {
		if fixed, ok := j.NonOverridableArguments[k]; ok {
			v = fixed
		}
		out[k] = v
	}
	return out
}

// JobID returns the stable identifier Glue passes to a job's script as
// --JOB_ID.
func JobID(name string) string { return stableID("j", name) }

// MaxConcurrent returns the job's concurrent-run limit (default 1).
func (j *Job) MaxConcurrent() int {
	if j.ExecutionProperty == nil || j.ExecutionProperty.MaxConcurrentRuns <= 0 {
		return DefaultMaxConcurrentRuns
	}
	return int(j.ExecutionProperty.MaxConcurrentRuns)
}

// majorVersion returns the major number of a Glue version such as "4.0".
func majorVersion(v string) int {
	n := 0
	for _, r := range v {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}
