package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// TriggerService is what the trigger operations need.
type TriggerService interface {
	CreateTrigger(ctx context.Context, t *glue.Trigger, startOnCreation bool, tags map[string]string) error
	UpdateTrigger(ctx context.Context, name string, u glue.TriggerUpdate) (*glue.Trigger, error)
	DeleteTrigger(ctx context.Context, name string) error
	GetTrigger(ctx context.Context, name string) (*glue.Trigger, error)
	ListTriggers(ctx context.Context, opts glue.ListOptions) ([]*glue.Trigger, error)
	TriggerNames(ctx context.Context, opts glue.ListOptions) ([]string, error)
	BatchGetTriggers(ctx context.Context, names []string) ([]*glue.Trigger, []string, error)
	StartTrigger(ctx context.Context, name string) error
	StopTrigger(ctx context.Context, name string) error
}

type createTriggerIn struct {
	glue.Trigger
	StartOnCreation bool
	Tags            map[string]string
}

type updateTriggerIn struct {
	Name          string
	TriggerUpdate glue.TriggerUpdate
}

type triggerOut struct {
	Trigger *glue.Trigger `json:"Trigger"`
}

type listTriggersIn struct {
	NextToken        *string
	MaxResults       *int32
	DependentJobName string            `json:",omitempty"`
	Tags             map[string]string `json:",omitempty"`
}

type getTriggersOut struct {
	Triggers  []*glue.Trigger `json:"Triggers"`
	NextToken *string         `json:"NextToken,omitempty"`
}

type listTriggersOut struct {
	TriggerNames []string `json:"TriggerNames"`
	NextToken    *string  `json:"NextToken,omitempty"`
}

type batchGetTriggersIn struct {
	TriggerNames []string
}

type batchGetTriggersOut struct {
	Triggers         []*glue.Trigger `json:"Triggers"`
	TriggersNotFound []string        `json:"TriggersNotFound,omitempty"`
}

func (s *Server) registerTriggers(svc TriggerService) {
	handle(s, "CreateTrigger", func(ctx context.Context, in *createTriggerIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.CreateTrigger(ctx, &in.Trigger, in.StartOnCreation, in.Tags)
	})
	handle(s, "UpdateTrigger", func(ctx context.Context, in *updateTriggerIn) (*triggerOut, error) {
		t, err := svc.UpdateTrigger(ctx, in.Name, in.TriggerUpdate)
		return &triggerOut{t}, err
	})
	handle(s, "DeleteTrigger", func(ctx context.Context, in *nameIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.DeleteTrigger(ctx, in.Name)
	})
	handle(s, "GetTrigger", func(ctx context.Context, in *nameIn) (*triggerOut, error) {
		t, err := svc.GetTrigger(ctx, in.Name)
		return &triggerOut{t}, err
	})
	handle(s, "GetTriggers", func(ctx context.Context, in *listTriggersIn) (*getTriggersOut, error) {
		p, opts, err := s.triggerPager("GetTriggers", in)
		if err != nil {
			return nil, err
		}
		ts, next, err := listPage(ctx, s, p, opts, svc.ListTriggers, triggerName)
		return &getTriggersOut{Triggers: nonNil(ts), NextToken: next}, err
	})
	handle(s, "ListTriggers", func(ctx context.Context, in *listTriggersIn) (*listTriggersOut, error) {
		p, opts, err := s.triggerPager("ListTriggers", in)
		if err != nil {
			return nil, err
		}
		ns, next, err := listPage(ctx, s, p, opts, svc.TriggerNames, itself)
		return &listTriggersOut{TriggerNames: nonNilNames(ns), NextToken: next}, err
	})
	handle(s, "BatchGetTriggers", func(ctx context.Context, in *batchGetTriggersIn) (*batchGetTriggersOut, error) {
		found, missing, err := svc.BatchGetTriggers(ctx, distinct(in.TriggerNames))
		return &batchGetTriggersOut{Triggers: nonNil(found), TriggersNotFound: missing}, err
	})
	handle(s, "StartTrigger", func(ctx context.Context, in *nameIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.StartTrigger(ctx, in.Name)
	})
	handle(s, "StopTrigger", func(ctx context.Context, in *nameIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.StopTrigger(ctx, in.Name)
	})
}

func triggerName(t *glue.Trigger) string { return t.Name }

// triggerPager reads the paging and filter members of GetTriggers and
// ListTriggers.
func (s *Server) triggerPager(op string, in *listTriggersIn) (pager, glue.ListOptions, error) {
	filters := struct {
		J string
		T map[string]string
	}{in.DependentJobName, in.Tags}
	p, err := s.newPager(op, in.NextToken, in.MaxResults, 100, filters)
	return p, glue.ListOptions{DependentJob: in.DependentJobName, Tags: in.Tags}, err
}
