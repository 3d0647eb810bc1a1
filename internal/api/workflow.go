package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// WorkflowService is what the workflow operations need.
type WorkflowService interface {
	CreateWorkflow(ctx context.Context, wf *glue.Workflow, tags map[string]string) error
	UpdateWorkflow(ctx context.Context, name string, u glue.WorkflowUpdate) error
	DeleteWorkflow(ctx context.Context, name string) error
	GetWorkflow(ctx context.Context, name string, includeGraph bool) (*glue.Workflow, error)
	WorkflowNames(ctx context.Context, opts glue.ListOptions) ([]string, error)
	BatchGetWorkflows(ctx context.Context, names []string, includeGraph bool) ([]*glue.Workflow, []string, error)
}

type nameOut struct {
	Name string `json:"Name"`
}

type nameIn struct {
	Name string
}

type createWorkflowIn struct {
	glue.Workflow
	Tags map[string]string
}

type updateWorkflowIn struct {
	Name string
	glue.WorkflowUpdate
}

type getWorkflowIn struct {
	Name         string
	IncludeGraph *bool
}

type getWorkflowOut struct {
	Workflow *glue.Workflow `json:"Workflow"`
}

type listIn struct {
	NextToken  *string
	MaxResults *int32
}

type listWorkflowsOut struct {
	Workflows []string `json:"Workflows"`
	NextToken *string  `json:"NextToken,omitempty"`
}

type batchGetWorkflowsIn struct {
	Names        []string
	IncludeGraph *bool
}

type batchGetWorkflowsOut struct {
	Workflows        []*glue.Workflow `json:"Workflows"`
	MissingWorkflows []string         `json:"MissingWorkflows,omitempty"`
}

func (s *Server) registerWorkflows(svc WorkflowService) {
	handle(s, "CreateWorkflow", func(ctx context.Context, in *createWorkflowIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.CreateWorkflow(ctx, &in.Workflow, in.Tags)
	})
	handle(s, "UpdateWorkflow", func(ctx context.Context, in *updateWorkflowIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.UpdateWorkflow(ctx, in.Name, in.WorkflowUpdate)
	})
	handle(s, "DeleteWorkflow", func(ctx context.Context, in *nameIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.DeleteWorkflow(ctx, in.Name)
	})
	handle(s, "GetWorkflow", func(ctx context.Context, in *getWorkflowIn) (*getWorkflowOut, error) {
		wf, err := svc.GetWorkflow(ctx, in.Name, isTrue(in.IncludeGraph))
		return &getWorkflowOut{wf}, err
	})
	handle(s, "ListWorkflows", func(ctx context.Context, in *listIn) (*listWorkflowsOut, error) {
		p, err := s.newPager("ListWorkflows", in.NextToken, in.MaxResults, 25, nil)
		if err != nil {
			return nil, err
		}
		ns, next, err := listPage(ctx, s, p, glue.ListOptions{}, svc.WorkflowNames, itself)
		return &listWorkflowsOut{Workflows: nonNilNames(ns), NextToken: next}, err
	})
	handle(s, "BatchGetWorkflows", func(ctx context.Context, in *batchGetWorkflowsIn) (*batchGetWorkflowsOut, error) {
		found, missing, err := svc.BatchGetWorkflows(ctx, distinct(in.Names), isTrue(in.IncludeGraph))
		return &batchGetWorkflowsOut{Workflows: nonNil(found), MissingWorkflows: missing}, err
	})
}

func isTrue(b *bool) bool { return b != nil && *b }

// nonNilNames returns names, or an empty list for none, so that a List
// operation answers [] rather than null.
func nonNilNames(names []string) []string {
	if names == nil {
		return []string{}
	}
	return names
}

// distinct returns names without repeats, in order of first occurrence.
// Every BatchGet operation fetches each name once, so a request that
// repeats a name cannot multiply the size of its response.
func distinct(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func nonNil[T any](s []*T) []*T {
	if s == nil {
		return []*T{}
	}
	return s
}
