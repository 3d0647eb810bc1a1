package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// BlueprintService is what the blueprint operations need.
type BlueprintService interface {
	CreateBlueprint(ctx context.Context, name string, description *string, location string, tags map[string]string) error
	UpdateBlueprint(ctx context.Context, name string, description *string, location string) error
	DeleteBlueprint(ctx context.Context, name string) error
	GetBlueprint(ctx context.Context, name string, includeBlueprint, includeSpec bool) (*glue.Blueprint, error)
	BlueprintNames(ctx context.Context, opts glue.ListOptions) ([]string, error)
	BatchGetBlueprints(ctx context.Context, names []string, includeBlueprint, includeSpec bool) ([]*glue.Blueprint, []string, error)
	StartBlueprintRun(ctx context.Context, name, parameters, roleArn string) (string, error)
	GetBlueprintRun(ctx context.Context, name, runID string) (*glue.BlueprintRun, error)
	GetBlueprintRuns(ctx context.Context, name string, beforeSeq int64, limit int) ([]*glue.BlueprintRun, []int64, error)
}

type createBlueprintIn struct {
	Name              string
	Description       *string
	BlueprintLocation string
	Tags              map[string]string
}

type getBlueprintIn struct {
	Name                 string
	IncludeBlueprint     *bool
	IncludeParameterSpec *bool
}

type blueprintOut struct {
	Blueprint *glue.Blueprint `json:"Blueprint"`
}

type listBlueprintsIn struct {
	NextToken  *string
	MaxResults *int32
	Tags       map[string]string `json:",omitempty"`
}

type listBlueprintsOut struct {
	Blueprints []string `json:"Blueprints"`
	NextToken  *string  `json:"NextToken,omitempty"`
}

type batchGetBlueprintsIn struct {
	Names                []string
	IncludeBlueprint     *bool
	IncludeParameterSpec *bool
}

type batchGetBlueprintsOut struct {
	Blueprints        []*glue.Blueprint `json:"Blueprints"`
	MissingBlueprints []string          `json:"MissingBlueprints,omitempty"`
}

type startBlueprintRunIn struct {
	BlueprintName string
	Parameters    string
	RoleArn       string
}

type blueprintRunIn struct {
	BlueprintName string
	RunID         string `json:"RunId"`
}

type blueprintRunOut struct {
	BlueprintRun *glue.BlueprintRun `json:"BlueprintRun"`
}

type blueprintRunsIn struct {
	BlueprintName string
	NextToken     *string
	MaxResults    *int32
}

type blueprintRunsOut struct {
	BlueprintRuns []*glue.BlueprintRun `json:"BlueprintRuns"`
	NextToken     *string              `json:"NextToken,omitempty"`
}

func (s *Server) registerBlueprints(svc BlueprintService) {
	handle(s, "CreateBlueprint", func(ctx context.Context, in *createBlueprintIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.CreateBlueprint(ctx, in.Name, in.Description, in.BlueprintLocation, in.Tags)
	})
	handle(s, "UpdateBlueprint", func(ctx context.Context, in *createBlueprintIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.UpdateBlueprint(ctx, in.Name, in.Description, in.BlueprintLocation)
	})
	handle(s, "DeleteBlueprint", func(ctx context.Context, in *nameIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.DeleteBlueprint(ctx, in.Name)
	})
	handle(s, "GetBlueprint", func(ctx context.Context, in *getBlueprintIn) (*blueprintOut, error) {
		b, err := svc.GetBlueprint(ctx, in.Name, isTrue(in.IncludeBlueprint), isTrue(in.IncludeParameterSpec))
		return &blueprintOut{b}, err
	})
	handle(s, "ListBlueprints", func(ctx context.Context, in *listBlueprintsIn) (*listBlueprintsOut, error) {
		p, err := s.newPager("ListBlueprints", in.NextToken, in.MaxResults, 25, in.Tags)
		if err != nil {
			return nil, err
		}
		ns, next, err := listPage(ctx, s, p, glue.ListOptions{Tags: in.Tags}, svc.BlueprintNames, itself)
		return &listBlueprintsOut{Blueprints: nonNilNames(ns), NextToken: next}, err
	})
	handle(s, "BatchGetBlueprints", func(ctx context.Context, in *batchGetBlueprintsIn) (*batchGetBlueprintsOut, error) {
		found, missing, err := svc.BatchGetBlueprints(ctx, distinct(in.Names), isTrue(in.IncludeBlueprint), isTrue(in.IncludeParameterSpec))
		return &batchGetBlueprintsOut{Blueprints: nonNil(found), MissingBlueprints: missing}, err
	})
	handle(s, "StartBlueprintRun", func(ctx context.Context, in *startBlueprintRunIn) (*runIDOut, error) {
		id, err := svc.StartBlueprintRun(ctx, in.BlueprintName, in.Parameters, in.RoleArn)
		return &runIDOut{id}, err
	})
	handle(s, "GetBlueprintRun", func(ctx context.Context, in *blueprintRunIn) (*blueprintRunOut, error) {
		r, err := svc.GetBlueprintRun(ctx, in.BlueprintName, in.RunID)
		return &blueprintRunOut{r}, err
	})
	handle(s, "GetBlueprintRuns", func(ctx context.Context, in *blueprintRunsIn) (*blueprintRunsOut, error) {
		p, before, err := s.seqPager("GetBlueprintRuns", in.NextToken, in.MaxResults, 100, in.BlueprintName)
		if err != nil {
			return nil, err
		}
		runs, seqs, err := svc.GetBlueprintRuns(ctx, in.BlueprintName, before, p.limit+1)
		if err != nil {
			return nil, err
		}
		runs, next := seqPage(s, p, runs, seqs)
		return &blueprintRunsOut{BlueprintRuns: nonNil(runs), NextToken: next}, nil
	})
}
