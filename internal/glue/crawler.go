package glue

import (
	"cmp"
	"encoding/json"
)

// CrawlerState is the state of a crawler.
type CrawlerState string

// Crawler states.
const (
	CrawlerStateReady    CrawlerState = "READY"
	CrawlerStateRunning  CrawlerState = "RUNNING"
	CrawlerStateStopping CrawlerState = "STOPPING"
)

// Crawler is a crawler definition with its current state.
type Crawler struct {
	Name                         string          `json:"Name"`
	Role                         string          `json:"Role,omitempty"`
	Targets                      CrawlerTargets  `json:"Targets"`
	DatabaseName                 string          `json:"DatabaseName,omitempty"`
	Description                  *string         `json:"Description,omitempty"`
	Classifiers                  []string        `json:"Classifiers,omitzero"`
	RecrawlPolicy                json.RawMessage `json:"RecrawlPolicy,omitempty"`
	SchemaChangePolicy           json.RawMessage `json:"SchemaChangePolicy,omitempty"`
	LineageConfiguration         json.RawMessage `json:"LineageConfiguration,omitempty"`
	State                        CrawlerState    `json:"State"`
	TablePrefix                  *string         `json:"TablePrefix,omitempty"`
	Schedule                     *Schedule       `json:"Schedule,omitempty"`
	CrawlElapsedTime             int64           `json:"CrawlElapsedTime"`
	CreationTime                 Timestamp       `json:"CreationTime,omitzero"`
	LastUpdated                  Timestamp       `json:"LastUpdated,omitzero"`
	LastCrawl                    *LastCrawlInfo  `json:"LastCrawl,omitempty"`
	Version                      int64           `json:"Version"`
	Configuration                string          `json:"Configuration,omitempty"`
	CrawlerSecurityConfiguration string          `json:"CrawlerSecurityConfiguration,omitempty"`
	LakeFormationConfiguration   json.RawMessage `json:"LakeFormationConfiguration,omitempty"`
}

// CrawlerTargets lists what a crawler reads. S3 targets are interpreted by
// Epoxy's crawls; the other kinds are kept as given.
type CrawlerTargets struct {
	S3Targets       []S3Target      `json:"S3Targets,omitempty"`
	JdbcTargets     json.RawMessage `json:"JdbcTargets,omitempty"`
	MongoDBTargets  json.RawMessage `json:"MongoDBTargets,omitempty"`
	DynamoDBTargets json.RawMessage `json:"DynamoDBTargets,omitempty"`
	CatalogTargets  json.RawMessage `json:"CatalogTargets,omitempty"`
	DeltaTargets    json.RawMessage `json:"DeltaTargets,omitempty"`
	IcebergTargets  json.RawMessage `json:"IcebergTargets,omitempty"`
	HudiTargets     json.RawMessage `json:"HudiTargets,omitempty"`
}

// Uncrawlable names the kinds of target the crawler has that Epoxy cannot
// crawl on this machine (every kind but S3 and catalog), in the model's
// order.
func (t CrawlerTargets) Uncrawlable() []string {
	var out []string
	for _, k := range []struct {
		name string
		raw  json.RawMessage
	}{{"JdbcTargets", t.JdbcTargets}, {"MongoDBTargets", t.MongoDBTargets}, {"DynamoDBTargets", t.DynamoDBTargets},
		{"DeltaTargets", t.DeltaTargets}, {"IcebergTargets", t.IcebergTargets},
		{"HudiTargets", t.HudiTargets}} {
		if len(k.raw) > 0 && string(k.raw) != "[]" && string(k.raw) != "null" {
			out = append(out, k.name)
		}
	}
	return out
}

// Empty reports whether no target of any kind is given.
func (t CrawlerTargets) Empty() bool {
	return len(t.S3Targets) == 0 && len(t.JdbcTargets) == 0 && len(t.MongoDBTargets) == 0 &&
		len(t.DynamoDBTargets) == 0 && len(t.CatalogTargets) == 0 && len(t.DeltaTargets) == 0 &&
		len(t.IcebergTargets) == 0 && len(t.HudiTargets) == 0
}

// CatalogTarget names existing tables whose locations a crawler
// re-crawls.
type CatalogTarget struct {
	DatabaseName     string   `json:"DatabaseName"`
	Tables           []string `json:"Tables"`
	ConnectionName   string   `json:"ConnectionName,omitempty"`
	EventQueueArn    string   `json:"EventQueueArn,omitempty"`
	DlqEventQueueArn string   `json:"DlqEventQueueArn,omitempty"`
}

// Catalog returns the crawler's catalog targets.
func (t CrawlerTargets) Catalog() ([]CatalogTarget, error) {
	var out []CatalogTarget
	if len(t.CatalogTargets) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(t.CatalogTargets, &out); err != nil {
		return nil, Errorf(InvalidInput, "Targets.CatalogTargets: %v", err)
	}
	return out, nil
}

// S3Target is a path a crawler lists, with glob exclusions.
type S3Target struct {
	Path             string   `json:"Path,omitempty"`
	Exclusions       []string `json:"Exclusions,omitempty"`
	ConnectionName   string   `json:"ConnectionName,omitempty"`
	SampleSize       *int32   `json:"SampleSize,omitempty"`
	EventQueueArn    string   `json:"EventQueueArn,omitempty"`
	DlqEventQueueArn string   `json:"DlqEventQueueArn,omitempty"`
}

// ScheduleState is the state of a crawler's schedule.
type ScheduleState string

// Schedule states.
const (
	ScheduleScheduled    ScheduleState = "SCHEDULED"
	ScheduleNotScheduled ScheduleState = "NOT_SCHEDULED"
)

// Schedule is a crawler's cron schedule and whether it is active.
type Schedule struct {
	ScheduleExpression string        `json:"ScheduleExpression,omitempty"`
	State              ScheduleState `json:"State,omitempty"`
}

// LastCrawlInfo summarises a crawler's most recent crawl.
type LastCrawlInfo struct {
	Status        string    `json:"Status,omitempty"`
	ErrorMessage  string    `json:"ErrorMessage,omitempty"`
	LogGroup      string    `json:"LogGroup,omitempty"`
	LogStream     string    `json:"LogStream,omitempty"`
	MessagePrefix string    `json:"MessagePrefix,omitempty"`
	StartTime     Timestamp `json:"StartTime,omitzero"`
}

// Validate checks the rules Glue applies to a crawler definition beyond the
// model's constraints.
func (c *Crawler) Validate() error {
	if c.Targets.Empty() {
		return Errorf(InvalidInput, "Targets: a crawler needs at least one target")
	}
	for i, t := range c.Targets.S3Targets {
		if t.Path == "" {
			return Errorf(InvalidInput, "Targets.S3Targets[%d].Path is required", i)
		}
	}
	if err := c.validateRecrawl(); err != nil {
		return err
	}
	return c.validateCatalogTargets()
}

// validateRecrawl refuses a crawler that crawls new folders only unless
// both of its schema change behaviors are LOG, with Glue's message.
func (c *Crawler) validateRecrawl() error {
	var rp struct{ RecrawlBehavior string }
	if len(c.RecrawlPolicy) > 0 {
		if err := json.Unmarshal(c.RecrawlPolicy, &rp); err != nil {
			return Errorf(InvalidInput, "RecrawlPolicy: %v", err)
		}
	}
	if rp.RecrawlBehavior != "CRAWL_NEW_FOLDERS_ONLY" {
		return nil
	}
	var pol struct{ UpdateBehavior, DeleteBehavior string }
	if len(c.SchemaChangePolicy) > 0 {
		if err := json.Unmarshal(c.SchemaChangePolicy, &pol); err != nil {
			return Errorf(InvalidInput, "SchemaChangePolicy: %v", err)
		}
	}
	if pol.UpdateBehavior != "LOG" || pol.DeleteBehavior != "LOG" {
		return Errorf(InvalidInput, `The SchemaChangePolicy for "Crawl new folders only" Amazon S3 target can have only LOG DeleteBehavior value and LOG UpdateBehavior value.`)
	}
	return nil
}

// validateCatalogTargets checks that each catalog target names a database
// and tables, and that a crawler with catalog targets does not deprecate
// tables: its DeleteBehavior must be LOG or DELETE_FROM_DATABASE (the
// default, DEPRECATE_IN_DATABASE, is refused), as Glue requires.
func (c *Crawler) validateCatalogTargets() error {
	targets, err := c.Targets.Catalog()
	if err != nil || len(targets) == 0 {
		return err
	}
	for i, t := range targets {
		if t.DatabaseName == "" || len(t.Tables) == 0 {
			return Errorf(InvalidInput, "Targets.CatalogTargets[%d] needs a DatabaseName and at least one of its Tables", i)
		}
	}
	var pol struct{ DeleteBehavior string }
	if len(c.SchemaChangePolicy) > 0 {
		if err := json.Unmarshal(c.SchemaChangePolicy, &pol); err != nil {
			return Errorf(InvalidInput, "SchemaChangePolicy: %v", err)
		}
	}
	if pol.DeleteBehavior != "LOG" && pol.DeleteBehavior != "DELETE_FROM_DATABASE" {
		return Errorf(InvalidInput, "SchemaChangePolicy.DeleteBehavior must be LOG or DELETE_FROM_DATABASE for a crawler with CatalogTargets, got %s",
			cmp.Or(pol.DeleteBehavior, "DEPRECATE_IN_DATABASE (the default)"))
	}
	return nil
}
