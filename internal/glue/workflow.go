package glue

// Workflow is a named container of triggers. It stores no graph of its own:
// the graph is derived from the triggers that name it (see DeriveGraph).
type Workflow struct {
	Name                 string            `json:"Name"`
	Description          *string           `json:"Description,omitempty"`
	DefaultRunProperties map[string]string `json:"DefaultRunProperties,omitempty"`
	CreatedOn            Timestamp         `json:"CreatedOn,omitzero"`
	LastModifiedOn       Timestamp         `json:"LastModifiedOn,omitzero"`
	LastRun              *WorkflowRun      `json:"LastRun,omitempty"`
	Graph                *WorkflowGraph    `json:"Graph,omitempty"`
	MaxConcurrentRuns    *int32            `json:"MaxConcurrentRuns,omitempty"`
	BlueprintDetails     *BlueprintDetails `json:"BlueprintDetails,omitempty"`
}

// BlueprintDetails names the blueprint run that created a workflow.
type BlueprintDetails struct {
	BlueprintName string `json:"BlueprintName,omitempty"`
	RunID         string `json:"RunId,omitempty"`
}

// WorkflowRunStatus is the status of a workflow run.
type WorkflowRunStatus string

// Workflow run statuses.
const (
	WorkflowRunRunning   WorkflowRunStatus = "RUNNING"
	WorkflowRunCompleted WorkflowRunStatus = "COMPLETED"
	WorkflowRunStopping  WorkflowRunStatus = "STOPPING"
	WorkflowRunStopped   WorkflowRunStatus = "STOPPED"
	WorkflowRunError     WorkflowRunStatus = "ERROR"
)

// WorkflowRun is one execution of a workflow.
type WorkflowRun struct {
	Name                        string                       `json:"Name"`
	WorkflowRunID               string                       `json:"WorkflowRunId"`
	PreviousRunID               string                       `json:"PreviousRunId,omitempty"`
	WorkflowRunProperties       map[string]string            `json:"WorkflowRunProperties,omitempty"`
	StartedOn                   Timestamp                    `json:"StartedOn,omitzero"`
	CompletedOn                 Timestamp                    `json:"CompletedOn,omitzero"`
	Status                      WorkflowRunStatus            `json:"Status"`
	ErrorMessage                string                       `json:"ErrorMessage,omitempty"`
	Statistics                  *WorkflowRunStatistics       `json:"Statistics,omitempty"`
	Graph                       *WorkflowGraph               `json:"Graph,omitempty"`
	StartingEventBatchCondition *StartingEventBatchCondition `json:"StartingEventBatchCondition,omitempty"`
}

// WorkflowRunStatistics counts a run's actions by state. Every counter is
// always sent, zeros included, as Glue does.
type WorkflowRunStatistics struct {
	TotalActions     int32 `json:"TotalActions"`
	TimeoutActions   int32 `json:"TimeoutActions"`
	FailedActions    int32 `json:"FailedActions"`
	StoppedActions   int32 `json:"StoppedActions"`
	SucceededActions int32 `json:"SucceededActions"`
	RunningActions   int32 `json:"RunningActions"`
	ErroredActions   int32 `json:"ErroredActions"`
	WaitingActions   int32 `json:"WaitingActions"`
}

// StartingEventBatchCondition records which batching condition started an
// event-driven run.
type StartingEventBatchCondition struct {
	BatchSize   *int32 `json:"BatchSize,omitempty"`
	BatchWindow *int32 `json:"BatchWindow,omitempty"`
}

// Run property limits. Glue documents none for run properties; Epoxy
// bounds them so no request can store (and every later GetWorkflowRun
// return) an arbitrarily large map. 128 KiB matches the limit Glue documents
// for a blueprint's parameters, the other free-form map a workflow carries.
// The API checks each request member against them; PutWorkflowRunProperties
// also checks a run's properties once merged (CheckRunProperties).
const (
	// MaxRunProperties is the most run properties a map may carry.
	MaxRunProperties = 1000
	// MaxRunPropertyBytes caps the UTF-8 bytes of a map's keys and values
	// together.
	MaxRunPropertyBytes = 128 << 10
)

// CheckRunProperties refuses a run's merged properties beyond the limits,
// with InvalidInputException naming the member.
func CheckRunProperties(props map[string]string) error {
	size := 0
	for k, v := range props {
		size += len(k) + len(v)
	}
	if len(props) > MaxRunProperties || size > MaxRunPropertyBytes {
		return Errorf(InvalidInput, "RunProperties: the run's properties would hold %d entries of %d bytes; at most %d entries and %d bytes are allowed",
			len(props), size, MaxRunProperties, MaxRunPropertyBytes)
	}
	return nil
}
