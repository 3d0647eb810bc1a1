package glue

import (
	"cmp"
	"slices"
)

// NodeType is the type of a workflow graph node.
type NodeType string

// Node types.
const (
	NodeTrigger NodeType = "TRIGGER"
	NodeJob     NodeType = "JOB"
	NodeCrawler NodeType = "CRAWLER"
)

// WorkflowGraph is a workflow's triggers, jobs and crawlers and the edges
// between them.
type WorkflowGraph struct {
	Nodes []*Node `json:"Nodes"`
	Edges []Edge  `json:"Edges"`
}

// Node is one trigger, job or crawler in a workflow graph.
type Node struct {
	Type           NodeType            `json:"Type"`
	Name           string              `json:"Name"`
	UniqueID       string              `json:"UniqueId"`
	TriggerDetails *TriggerNodeDetails `json:"TriggerDetails,omitempty"`
	JobDetails     *JobNodeDetails     `json:"JobDetails,omitempty"`
	CrawlerDetails *CrawlerNodeDetails `json:"CrawlerDetails,omitempty"`
}

// Edge joins two nodes by UniqueId.
type Edge struct {
	SourceID      string `json:"SourceId"`
	DestinationID string `json:"DestinationId"`
}

// TriggerNodeDetails carries a trigger node's definition.
type TriggerNodeDetails struct {
	Trigger *Trigger `json:"Trigger,omitempty"`
}

// JobNodeDetails carries the job runs of a job node in a run's graph.
type JobNodeDetails struct {
	JobRuns []*JobRun `json:"JobRuns,omitempty"`
}

// CrawlerNodeDetails carries the crawls of a crawler node in a run's graph.
type CrawlerNodeDetails struct {
	Crawls []*Crawl `json:"Crawls,omitempty"`
}

// NodeID returns the stable UniqueId of a job or crawler node: the same
// workflow, type and name always give the same id, so ids survive edits to
// the triggers around the node.
func NodeID(workflow string, typ NodeType, name string) string {
	return stableID("wnode", workflow, string(typ), name)
}

// TriggerNodeID returns the UniqueId of a trigger node. It derives from the
// trigger's Id, which is fixed when the trigger is created.
func TriggerNodeID(workflow string, t *Trigger) string {
	return stableID("wnode", workflow, string(NodeTrigger), t.ID)
}

// DeriveGraph builds a workflow's graph from its triggers, as Glue does:
// every trigger is a node; every job or crawler a trigger starts or watches is
// a node (with empty JobDetails or CrawlerDetails); edges run from each
// watched job or crawler to the trigger and from
// the trigger to each job or crawler it starts. Nodes come in a stable order:
// triggers by name, then jobs and crawlers by type and name.
func DeriveGraph(workflow string, triggers []*Trigger) *WorkflowGraph {
	g := &WorkflowGraph{Nodes: []*Node{}, Edges: []Edge{}}
	sorted := slices.Clone(triggers)
	slices.SortFunc(sorted, func(a, b *Trigger) int { return cmp.Compare(a.Name, b.Name) })
	entities := map[string]*Node{}
	entity := func(typ NodeType, name string) string {
		id := NodeID(workflow, typ, name)
		if _, ok := entities[id]; !ok {
			entities[id] = entityNode(typ, name, id)
		}
		return id
	}
	seen := map[Edge]bool{}
	edge := func(e Edge) {
		if !seen[e] {
			seen[e] = true
			g.Edges = append(g.Edges, e)
		}
	}
	for _, t := range sorted {
		tid := TriggerNodeID(workflow, t)
		g.Nodes = append(g.Nodes, &Node{Type: NodeTrigger, Name: t.Name, UniqueID: tid, TriggerDetails: &TriggerNodeDetails{Trigger: t}})
		if t.Predicate != nil {
			for _, c := range t.Predicate.Conditions {
				edge(Edge{SourceID: entity(c.nodeRef()), DestinationID: tid})
			}
		}
		for _, a := range t.Actions {
			edge(Edge{SourceID: tid, DestinationID: entity(a.nodeRef())})
		}
	}
	rest := make([]*Node, 0, len(entities))
	for _, n := range entities {
		rest = append(rest, n)
	}
	slices.SortFunc(rest, func(a, b *Node) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name))
	})
	g.Nodes = append(g.Nodes, rest...)
	return g
}

// entityNode returns a job or crawler node with its details empty, as Glue
// returns them: JobDetails or CrawlerDetails is {} until runs fill it.
func entityNode(typ NodeType, name, id string) *Node {
	n := &Node{Type: typ, Name: name, UniqueID: id}
	if typ == NodeCrawler {
		n.CrawlerDetails = &CrawlerNodeDetails{}
	} else {
		n.JobDetails = &JobNodeDetails{}
	}
	return n
}

func (c Condition) nodeRef() (NodeType, string) {
	if c.CrawlerName != "" {
		return NodeCrawler, c.CrawlerName
	}
	return NodeJob, c.JobName
}

func (a Action) nodeRef() (NodeType, string) {
	if a.CrawlerName != "" {
		return NodeCrawler, a.CrawlerName
	}
	return NodeJob, a.JobName
}
