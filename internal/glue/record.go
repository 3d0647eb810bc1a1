package glue

import "time"

// WorkflowRunRecord is a workflow run with the bookkeeping Epoxy keeps
// beside what the API shows.
type WorkflowRunRecord struct {
	Run WorkflowRun `json:"run"`
	// Seq orders runs by start; it is assigned by the store.
	Seq int64 `json:"-"`
	// Triggers is the snapshot of the workflow's triggers taken when the
	// run started. Later edits to triggers do not affect the run.
	Triggers []*Trigger `json:"triggers"`
	// Carried lists job runs and crawls of an earlier run that a resumed
	// run keeps in its graph because their nodes were not restarted.
	CarriedJobRuns []string `json:"carriedJobRuns,omitempty"`
	CarriedCrawls  []string `json:"carriedCrawls,omitempty"`
}

// Active reports whether the run is still RUNNING or STOPPING.
func (r *WorkflowRunRecord) Active() bool {
	return r.Run.Status == WorkflowRunRunning || r.Run.Status == WorkflowRunStopping
}

// JobRunRecord is a job run with the bookkeeping Epoxy keeps beside what the
// API shows.
type JobRunRecord struct {
	JobRun JobRun `json:"jobRun"`
	// Seq orders a job's runs by creation; it is assigned by the store.
	Seq int64 `json:"-"`
	// WorkflowName and WorkflowRunID are set for runs started inside a
	// workflow run.
	WorkflowName  string `json:"workflowName,omitempty"`
	WorkflowRunID string `json:"workflowRunId,omitempty"`
	// Retried is set on a failed attempt once its retry has been created;
	// only the final attempt of a run counts for trigger conditions.
	Retried bool `json:"retried,omitempty"`
	// PID and ProcessStart identify the job's process while it runs, so that
	// a restarted server can find it again.
	PID          int    `json:"pid,omitempty"`
	ProcessStart uint64 `json:"processStart,omitempty"`
	// Deadline is when the run times out.
	Deadline Timestamp `json:"deadline,omitzero"`
	// Action is the trigger action or StartJobRun request that started the
	// run; retries reuse it.
	Action Action `json:"action"`
	// Bookmarked is set when the run's arguments enable job bookmarks: its
	// success advances the job's bookmark.
	Bookmarked bool `json:"bookmarked,omitempty"`
	// Node is the Epoxy node (replica or worker) that claimed the run and
	// runs its process; only it records the run's outcome.
	Node string `json:"node,omitempty"`
}

// CrawlRecord is one crawl of a crawler.
type CrawlRecord struct {
	ID            string     `json:"id"`
	Seq           int64      `json:"-"`
	CrawlerName   string     `json:"crawlerName"`
	TriggerName   string     `json:"triggerName,omitempty"`
	WorkflowName  string     `json:"workflowName,omitempty"`
	WorkflowRunID string     `json:"workflowRunId,omitempty"`
	State         CrawlState `json:"state"`
	StartedOn     Timestamp  `json:"startedOn,omitzero"`
	CompletedOn   Timestamp  `json:"completedOn,omitzero"`
	ErrorMessage  string     `json:"errorMessage,omitempty"`
	Summary       string     `json:"summary,omitempty"`
	// Stats are what the crawl found.
	FilesFound   int `json:"filesFound,omitempty"`
	FoldersFound int `json:"foldersFound,omitempty"`
	// Tables counts the catalog tables the crawl created, updated and
	// deleted (or deprecated).
	TablesCreated int `json:"tablesCreated,omitempty"`
	TablesUpdated int `json:"tablesUpdated,omitempty"`
	TablesDeleted int `json:"tablesDeleted,omitempty"`
	// Node is the Epoxy node performing a RUNNING crawl; empty until one
	// claims it.
	Node string `json:"node,omitempty"`
}

// Crawl returns the crawl as a workflow run's graph shows it.
func (c *CrawlRecord) Crawl() *Crawl {
	return &Crawl{State: c.State, StartedOn: c.StartedOn, CompletedOn: c.CompletedOn, ErrorMessage: c.ErrorMessage,
		LogGroup: "/aws-glue/crawlers", LogStream: c.CrawlerName}
}

// Terminal reports whether the crawl has ended.
func (s CrawlState) Terminal() bool {
	return s == CrawlSucceeded || s == CrawlFailed || s == CrawlCancelled || s == CrawlError
}

// ScheduleRecord is what the scheduler remembers of one schedule: the
// expression it tracks and the last fire time it handled.
type ScheduleRecord struct {
	Key        string
	Expression string
	LastFire   time.Time
}

// Event is one event delivered to a workflow's EVENT trigger.
type Event struct {
	Seq        int64
	Workflow   string
	ID         string
	ReceivedAt time.Time
	// RunID is the workflow run the event's batch started; "" while the
	// event waits in a batch.
	RunID string
}

// MemberSummary is what trigger evaluation needs of one job run or crawl of
// a workflow run: which node it ran, its state, and whether it was retried.
type MemberSummary struct {
	ID      string
	Type    NodeType
	Name    string
	State   string
	Retried bool
}

// Terminal reports whether the member has ended.
func (m MemberSummary) Terminal() bool {
	if m.Type == NodeCrawler {
		return CrawlState(m.State).Terminal()
	}
	return JobRunState(m.State).Terminal()
}
