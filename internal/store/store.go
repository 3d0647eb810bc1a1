// Package store is the persistence contract between Epoxy's services and its
// storage backends. A backend implements Store and proves it by passing the
// conformance suite in store/storetest: store/sqlite (embedded) and
// store/postgres do.
//
// Backends translate their own failures into glue errors: a missing row is
// glue.EntityNotFound, a duplicate key glue.AlreadyExists.
package store

import (
	"context"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Store runs transactions against durable storage.
type Store interface {
	// Update runs fn in a read-write transaction, committed when fn returns
	// nil and rolled back otherwise. Update transactions are serialised.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Close releases the store. Committed transactions are durable.
	Close() error
}

// Tx is one transaction's view of the stored entities.
type Tx interface {
	Workflows() Collection[glue.Workflow]
	Triggers() Collection[glue.Trigger]
	Jobs() Collection[glue.Job]
	Crawlers() Collection[glue.Crawler]
	Blueprints() Collection[glue.BlueprintRecord]
	Classifiers() Collection[glue.Classifier]
	Functions() Collection[glue.UserDefinedFunction]
	BlueprintRuns() BlueprintRuns

	WorkflowRuns() WorkflowRuns
	JobRuns() JobRuns
	Crawls() Crawls
	Firings() Firings
	Schedules() Schedules
	Events() Events
	Retention() Retention
	JobBookmarks() JobBookmarks
	Catalog() Catalog
	Leases() Leases
	Settings() Settings

	// Tags returns the tags of a resource (an empty map when it has none).
	Tags(ctx context.Context, r glue.Resource) (map[string]string, error)
	// AddTags merges tags into a resource's tags.
	AddTags(ctx context.Context, r glue.Resource, tags map[string]string) error
	// RemoveTags deletes the given keys from a resource's tags.
	RemoveTags(ctx context.Context, r glue.Resource, keys []string) error
}

// Collection stores the entities of one kind, keyed by name.
type Collection[T any] interface {
	// Get returns the named entity or glue.EntityNotFound.
	Get(ctx context.Context, name string) (*T, error)
	// Insert stores a new entity or fails with glue.AlreadyExists.
	Insert(ctx context.Context, name string, v *T) error
	// Replace overwrites an existing entity or fails with glue.EntityNotFound.
	Replace(ctx context.Context, name string, v *T) error
	// Delete removes the entity and its tags, reporting whether it existed.
	Delete(ctx context.Context, name string) (bool, error)
	// List returns entities in name order, starting after opts.After.
	List(ctx context.Context, opts glue.ListOptions) ([]*T, error)
	// Names returns the names List would return for opts, without reading
	// or decoding the entities' documents.
	Names(ctx context.Context, opts glue.ListOptions) ([]string, error)
}

// WorkflowRuns stores workflow runs.
type WorkflowRuns interface {
	// Insert stores a new run and assigns its Seq.
	Insert(ctx context.Context, r *glue.WorkflowRunRecord) error
	// Get returns a run of the named workflow or glue.EntityNotFound.
	Get(ctx context.Context, workflow, id string) (*glue.WorkflowRunRecord, error)
	// Update overwrites a stored run.
	Update(ctx context.Context, r *glue.WorkflowRunRecord) error
	// List returns a workflow's runs newest first, starting below
	// beforeSeq (0 means from the newest).
	List(ctx context.Context, workflow string, beforeSeq int64, limit int) ([]*glue.WorkflowRunRecord, error)
	// Active returns the workflow's RUNNING and STOPPING runs; with
	// workflow "" it returns those of every workflow.
	Active(ctx context.Context, workflow string) ([]*glue.WorkflowRunRecord, error)
	// DeleteWorkflow deletes every run of a workflow.
	DeleteWorkflow(ctx context.Context, workflow string) error
}

// JobRuns stores job runs.
type JobRuns interface {
	// Insert stores a new job run and assigns its Seq.
	Insert(ctx context.Context, r *glue.JobRunRecord) error
	// Get returns a run of the named job or glue.EntityNotFound.
	Get(ctx context.Context, job, id string) (*glue.JobRunRecord, error)
	// ByID returns a job run by id alone.
	ByID(ctx context.Context, id string) (*glue.JobRunRecord, error)
	// Update overwrites a stored job run.
	Update(ctx context.Context, r *glue.JobRunRecord) error
	// List returns a job's runs newest first, starting below beforeSeq.
	List(ctx context.Context, job string, beforeSeq int64, limit int) ([]*glue.JobRunRecord, error)
	// OfWorkflowRun returns the job runs a workflow run started, oldest first.
	OfWorkflowRun(ctx context.Context, runID string) ([]*glue.JobRunRecord, error)
	// Summaries returns the id, job, state and Retried flag of the job runs
	// a workflow run started, oldest first, without decoding whole records.
	Summaries(ctx context.Context, runID string) ([]glue.MemberSummary, error)
	// InStates returns job runs in any of the states, oldest first; with job
	// "" across every job.
	InStates(ctx context.Context, job string, states ...glue.JobRunState) ([]*glue.JobRunRecord, error)
	// LatestTriggered returns the newest final attempt of a job that a
	// trigger started outside any workflow, or nil.
	LatestTriggered(ctx context.Context, job string) (*glue.JobRunRecord, error)
	// DeleteJob deletes every run of a job.
	DeleteJob(ctx context.Context, job string) error
}

// Crawls stores crawls.
type Crawls interface {
	// Insert stores a new crawl and assigns its Seq.
	Insert(ctx context.Context, c *glue.CrawlRecord) error
	// Get returns a crawl by id or glue.EntityNotFound.
	Get(ctx context.Context, id string) (*glue.CrawlRecord, error)
	// Update overwrites a stored crawl.
	Update(ctx context.Context, c *glue.CrawlRecord) error
	// List returns a crawler's crawls newest first, starting below beforeSeq.
	List(ctx context.Context, crawler string, beforeSeq int64, limit int) ([]*glue.CrawlRecord, error)
	// OfWorkflowRun returns the crawls a workflow run started, oldest first.
	OfWorkflowRun(ctx context.Context, runID string) ([]*glue.CrawlRecord, error)
	// Summaries returns the id, crawler and state of the crawls a workflow
	// run started, oldest first.
	Summaries(ctx context.Context, runID string) ([]glue.MemberSummary, error)
	// InStates returns crawls in any of the states, oldest first.
	InStates(ctx context.Context, states ...glue.CrawlState) ([]*glue.CrawlRecord, error)
	// DeleteCrawler deletes every crawl of a crawler.
	DeleteCrawler(ctx context.Context, crawler string) error
}

// Firings records which triggers fired. The key makes "a trigger fires at
// most once per workflow run" (or, outside workflows, once per completing
// job run) a uniqueness rule of the store rather than a check in code.
type Firings interface {
	// Insert records that trigger fired under key and reports whether it
	// is new; false means it had fired already.
	Insert(ctx context.Context, key, trigger string) (bool, error)
	// List returns the names of the triggers that fired under key.
	List(ctx context.Context, key string) ([]string, error)
}

// Schedules remembers, per schedule, the last fire time handled.
type Schedules interface {
	// Get returns a schedule's state, or nil when it has none.
	Get(ctx context.Context, key string) (*glue.ScheduleRecord, error)
	// Put stores a schedule's state.
	Put(ctx context.Context, s *glue.ScheduleRecord) error
	// Delete forgets a schedule.
	Delete(ctx context.Context, key string) error
	// List returns every schedule's state.
	List(ctx context.Context) ([]*glue.ScheduleRecord, error)
	// Fired records that key fired for fireTime and reports whether that is
	// new; false means this fire time was handled already.
	Fired(ctx context.Context, key string, fireTime time.Time) (bool, error)
}

// JobBookmarks stores, per job, how its bookmark was reset.
type JobBookmarks interface {
	// Get returns a job's bookmark record, or nil when it has none.
	Get(ctx context.Context, job string) (*glue.JobBookmarkRecord, error)
	// Put stores a job's bookmark record.
	Put(ctx context.Context, r *glue.JobBookmarkRecord) error
	// Delete forgets a job's bookmark record; forgetting none succeeds.
	Delete(ctx context.Context, job string) error
}

// Events stores events delivered to EVENT triggers.
type Events interface {
	// Insert stores an event and reports whether it is new; an event id
	// already delivered to the workflow is not stored twice.
	Insert(ctx context.Context, ev *glue.Event) (bool, error)
	// Pending returns a workflow's events that no run has taken yet, oldest
	// first.
	Pending(ctx context.Context, workflow string) ([]*glue.Event, error)
	// PendingWorkflows returns the workflows that have pending events.
	PendingWorkflows(ctx context.Context) ([]string, error)
	// Assign records that the run took the events.
	Assign(ctx context.Context, seqs []int64, runID string) error
	// DeleteWorkflow deletes a workflow's events.
	DeleteWorkflow(ctx context.Context, workflow string) error
}

// BlueprintRuns stores blueprint runs.
type BlueprintRuns interface {
	// Insert stores a new run and assigns its Seq.
	Insert(ctx context.Context, r *glue.BlueprintRunRecord) error
	// Get returns a run of the blueprint or glue.EntityNotFound.
	Get(ctx context.Context, blueprint, id string) (*glue.BlueprintRunRecord, error)
	// Update overwrites a stored run.
	Update(ctx context.Context, r *glue.BlueprintRunRecord) error
	// List returns a blueprint's runs newest first, starting below beforeSeq.
	List(ctx context.Context, blueprint string, beforeSeq int64, limit int) ([]*glue.BlueprintRunRecord, error)
	// InStates returns runs in any of the states, oldest first.
	InStates(ctx context.Context, states ...glue.BlueprintRunState) ([]*glue.BlueprintRunRecord, error)
	// DeleteBlueprint deletes every run of a blueprint.
	DeleteBlueprint(ctx context.Context, blueprint string) error
}

// Retention deletes ended history completed before a cutoff, at most limit
// rows a call, so that a caller deleting much history holds the writer in
// short transactions. Nothing active is deleted, nor anything a stored
// workflow run still refers to. Each method returns the ids it deleted.
type Retention interface {
	// ExpireWorkflowRuns deletes ended (COMPLETED, STOPPED or ERROR)
	// workflow runs completed before cutoff whose job runs and crawls have
	// all ended, with the firings recorded under them and the events they
	// consumed. Their job runs and crawls are left to ExpireJobRuns and
	// ExpireCrawls.
	ExpireWorkflowRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
	// ExpireJobRuns deletes ended job runs completed before cutoff that
	// belong to no stored workflow run and that no stored workflow run
	// carries, with the firings recorded under them.
	ExpireJobRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
	// ExpireCrawls deletes ended crawls completed before cutoff that belong
	// to no stored workflow run and that no stored workflow run carries,
	// with the firings recorded under them.
	ExpireCrawls(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
	// ExpireBlueprintRuns deletes SUCCEEDED and FAILED blueprint runs
	// completed before cutoff.
	ExpireBlueprintRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
}

// Lease is a named, time-bounded claim one holder has in the store: the
// registry entry of a live node ("node:<name>", held by one incarnation of
// it) or the leader lease ("leader", held by a node name). Leases expire by
// Until alone; what holding one allows is the engine's rule, not the store's.
type Lease struct {
	// Name identifies the lease.
	Name string
	// Holder is who holds it.
	Holder string
	// Term counts the changes of holder: a new holder gets Term+1.
	Term int64
	// Until is when the lease lapses unless renewed (millisecond precision).
	Until time.Time
	// Info describes the holder (for a node: its kind and address).
	Info string
}

// Leases stores leases. Update transactions are serialised, so a
// read-modify-write of a lease inside one is atomic.
type Leases interface {
	// Get returns the named lease, or nil when there is none.
	Get(ctx context.Context, name string) (*Lease, error)
	// Put stores a lease, replacing any of the same name.
	Put(ctx context.Context, l *Lease) error
	// Delete removes a lease; removing none succeeds.
	Delete(ctx context.Context, name string) error
	// List returns the leases whose name starts with prefix, by name.
	List(ctx context.Context, prefix string) ([]*Lease, error)
}

// Settings stores small named values shared by every process using the
// store, such as the key that signs pagination tokens, so that a token one
// replica issued is good on another.
type Settings interface {
	// Get returns the named value; ok is false when it is not set.
	Get(ctx context.Context, name string) (value string, ok bool, err error)
	// Put sets the named value.
	Put(ctx context.Context, name, value string) error
}
