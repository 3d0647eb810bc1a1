package glue

// JobRunState is the state of a job run.
type JobRunState string

// Job run states.
const (
	JobRunStarting  JobRunState = "STARTING"
	JobRunRunning   JobRunState = "RUNNING"
	JobRunStopping  JobRunState = "STOPPING"
	JobRunStopped   JobRunState = "STOPPED"
	JobRunSucceeded JobRunState = "SUCCEEDED"
	JobRunFailed    JobRunState = "FAILED"
	JobRunTimeout   JobRunState = "TIMEOUT"
	JobRunError     JobRunState = "ERROR"
	JobRunWaiting   JobRunState = "WAITING"
	JobRunExpired   JobRunState = "EXPIRED"
)

// Terminal reports whether the state is final.
func (s JobRunState) Terminal() bool {
	switch s {
	case JobRunStopped, JobRunSucceeded, JobRunFailed, JobRunTimeout, JobRunError, JobRunExpired:
		return true
	}
	return false
}

// JobRun is one run of a job.
type JobRun struct {
	ID                    string                `json:"Id"`
	Attempt               int32                 `json:"Attempt"`
	PreviousRunID         string                `json:"PreviousRunId,omitempty"`
	TriggerName           string                `json:"TriggerName,omitempty"`
	JobName               string                `json:"JobName"`
	JobMode               string                `json:"JobMode,omitempty"`
	JobRunQueuingEnabled  *bool                 `json:"JobRunQueuingEnabled,omitempty"`
	StartedOn             Timestamp             `json:"StartedOn,omitzero"`
	LastModifiedOn        Timestamp             `json:"LastModifiedOn,omitzero"`
	CompletedOn           Timestamp             `json:"CompletedOn,omitzero"`
	JobRunState           JobRunState           `json:"JobRunState"`
	Arguments             map[string]string     `json:"Arguments,omitempty"`
	ErrorMessage          string                `json:"ErrorMessage,omitempty"`
	PredecessorRuns       []Predecessor         `json:"PredecessorRuns,omitempty"`
	AllocatedCapacity     int32                 `json:"AllocatedCapacity,omitempty"`
	ExecutionTime         int32                 `json:"ExecutionTime"`
	Timeout               *int32                `json:"Timeout,omitempty"`
	MaxCapacity           *float64              `json:"MaxCapacity,omitempty"`
	WorkerType            string                `json:"WorkerType,omitempty"`
	NumberOfWorkers       *int32                `json:"NumberOfWorkers,omitempty"`
	SecurityConfiguration string                `json:"SecurityConfiguration,omitempty"`
	LogGroupName          string                `json:"LogGroupName,omitempty"`
	NotificationProperty  *NotificationProperty `json:"NotificationProperty,omitempty"`
	GlueVersion           string                `json:"GlueVersion,omitempty"`
	ExecutionClass        string                `json:"ExecutionClass,omitempty"`
	StateDetail           string                `json:"StateDetail,omitempty"`
}

// Predecessor is a job run that led to another through a trigger.
type Predecessor struct {
	JobName string `json:"JobName,omitempty"`
	RunID   string `json:"RunId,omitempty"`
}

// CrawlState is the state of one crawl.
type CrawlState string

// Crawl states.
const (
	CrawlRunning    CrawlState = "RUNNING"
	CrawlCancelling CrawlState = "CANCELLING"
	CrawlCancelled  CrawlState = "CANCELLED"
	CrawlSucceeded  CrawlState = "SUCCEEDED"
	CrawlFailed     CrawlState = "FAILED"
	CrawlError      CrawlState = "ERROR"
)

// Crawl is one crawl as a run's graph shows it.
type Crawl struct {
	State        CrawlState `json:"State,omitempty"`
	StartedOn    Timestamp  `json:"StartedOn,omitzero"`
	CompletedOn  Timestamp  `json:"CompletedOn,omitzero"`
	ErrorMessage string     `json:"ErrorMessage,omitempty"`
	LogGroup     string     `json:"LogGroup,omitempty"`
	LogStream    string     `json:"LogStream,omitempty"`
}
