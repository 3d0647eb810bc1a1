package glue

// Shapes of the run operations that are not stored entities: a request the
// engine applies and the answers the API returns.

// JobRunRequest is a StartJobRun call; its fields are the request's
// members.
type JobRunRequest struct {
	JobName string
	// RetryOf is the id of an earlier run this run retries (StartJobRun's
	// JobRunId member).
	RetryOf               string `json:"JobRunId"`
	Arguments             map[string]string
	Timeout               *int32
	AllocatedCapacity     int32
	MaxCapacity           *float64
	WorkerType            string
	NumberOfWorkers       *int32
	SecurityConfiguration string
	NotificationProperty  *NotificationProperty
	ExecutionClass        string
	JobRunQueuingEnabled  *bool
}

// BatchStopError is one job run BatchStopJobRun could not stop.
type BatchStopError struct {
	JobRunID string
	Code     string
	Message  string
}

// CrawlerMetrics is one entry of GetCrawlerMetrics.
type CrawlerMetrics struct {
	CrawlerName          string  `json:"CrawlerName"`
	TimeLeftSeconds      float64 `json:"TimeLeftSeconds"`
	StillEstimating      bool    `json:"StillEstimating"`
	LastRuntimeSeconds   float64 `json:"LastRuntimeSeconds"`
	MedianRuntimeSeconds float64 `json:"MedianRuntimeSeconds"`
	TablesCreated        int32   `json:"TablesCreated"`
	TablesUpdated        int32   `json:"TablesUpdated"`
	TablesDeleted        int32   `json:"TablesDeleted"`
}

// CrawlerHistory is one entry of ListCrawls.
type CrawlerHistory struct {
	CrawlID      string    `json:"CrawlId"`
	State        string    `json:"State"`
	StartTime    Timestamp `json:"StartTime,omitzero"`
	EndTime      Timestamp `json:"EndTime,omitzero"`
	Summary      string    `json:"Summary,omitempty"`
	ErrorMessage string    `json:"ErrorMessage,omitempty"`
	LogGroup     string    `json:"LogGroup,omitempty"`
	LogStream    string    `json:"LogStream,omitempty"`
	DPUHour      float64   `json:"DPUHour"`
}
