package main

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
)

// listPageSize is the ListWorkflows page size: the model's maximum, and
// Epoxy's default (moto's default is 20, so it is always given).
const listPageSize = 25

// onePage is how many workflows the API scenario lists before it stores
// the rest: few enough for a single page, which every endpoint can serve
// (moto 5.2 fails as soon as a second page exists).
const onePage = 20

// runAPI measures CreateWorkflow, GetWorkflow and ListWorkflows with 1 and
// 16 concurrent clients. ListWorkflows is measured on one page of
// workflows, then walking every page of the full set; reads run before
// CreateWorkflow so that both targets list the same number of workflows.
// On Epoxy, GetWorkflow is then measured beside CPU-bound jobs.
func runAPI(ctx context.Context, b *bench, t *target) ([]metric, error) {
	srv, err := b.open(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	defer b.release(srv, t, "api")
	names := make([]string, max(b.cfg.sizes.apiWorkflows, onePage))
	for i := range names {
		names[i] = b.name("api-%04d", i)
	}
	if err := createWorkflows(ctx, srv.setup, names[:onePage]); err != nil {
		return nil, err
	}
	out, err := eachClients(ctx, b, t, srv, names[:onePage], measureList)
	if err != nil {
		return nil, err
	}
	if err := createWorkflows(ctx, srv.setup, names[onePage:]); err != nil {
		return nil, err
	}
	for _, step := range []apiStep{measureGet, measureList, measureCreate} {
		ms, err := eachClients(ctx, b, t, srv, names, step)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	if t.role != "epoxy" {
		return out, nil
	}
	ms, err := measureGetUnderCPU(ctx, b, srv, names)
	return append(out, ms...), err
}

// apiStep measures one operation with a number of clients.
type apiStep func(ctx context.Context, b *bench, srv *server, names []string, clients int) (string, []metric, error)

// eachClients runs step with every client count; a peer that fails a step
// gets missing figures for it.
func eachClients(ctx context.Context, b *bench, t *target, srv *server, names []string, step apiStep) ([]metric, error) {
	var out []metric
	for _, clients := range b.cfg.sizes.clients {
		label, ms, err := step(ctx, b, srv, names, clients)
		if ms, err = orMissing(t, label, ms, err); err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

func createWorkflows(ctx context.Context, c *glue.Client, names []string) error {
	return forEach(ctx, len(names), 8, func(ctx context.Context, i int) error { return createWorkflow(ctx, c, names[i]) })
}

func clientsLabel(n int) string {
	if n == 1 {
		return "1 client"
	}
	return fmt.Sprintf("%d clients", n)
}

// measureGet reads the stored workflows, each client walking through them
// from its own offset.
func measureGet(ctx context.Context, b *bench, srv *server, names []string, clients int) (string, []metric, error) {
	return getLoad(ctx, b, srv, names, clients, "GetWorkflow, "+clientsLabel(clients))
}

// getLoad is measureGet under a given label.
func getLoad(ctx context.Context, b *bench, srv *server, names []string, clients int, label string) (string, []metric, error) {
	b.logf("  %s", label)
	ms, err := runLoad(ctx, srv, clients, b.cfg.Duration, func(w int) opFunc {
		i := w * 7
		return func(ctx context.Context) error {
			i++
			_, err := srv.load.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String(names[i%len(names)])})
			return err
		}
	}).metrics(label)
	return label, ms, err
}

// measureList walks every page of ListWorkflows again and again; each
// page is one request.
func measureList(ctx context.Context, b *bench, srv *server, names []string, clients int) (string, []metric, error) {
	pages := (len(names) + listPageSize - 1) / listPageSize
	label := fmt.Sprintf("ListWorkflows, %d workflows (%s of %d), %s", len(names), plural(pages, "page"), listPageSize, clientsLabel(clients))
	b.logf("  %s", label)
	var walked atomic.Int64
	ms, err := runLoad(ctx, srv, clients, b.cfg.Duration, func(int) opFunc {
		var token *string
		seen := 0
		return func(ctx context.Context) error {
			out, err := srv.load.ListWorkflows(ctx, &glue.ListWorkflowsInput{MaxResults: aws.Int32(listPageSize), NextToken: token})
			if err != nil {
				token, seen = nil, 0
				return err
			}
			seen += len(out.Workflows)
			if token = out.NextToken; token == nil {
				walked.Store(int64(seen))
				seen = 0
			}
			return nil
		}
	}).metrics(label)
	if err == nil && int(walked.Load()) != len(names) {
		ms[0].Note = joinNotes(ms[0].Note, fmt.Sprintf("a walk listed %d workflows", walked.Load()))
	}
	return label, ms, err
}

// measureCreate creates new workflows with unique names.
func measureCreate(ctx context.Context, b *bench, srv *server, _ []string, clients int) (string, []metric, error) {
	label := "CreateWorkflow, " + clientsLabel(clients)
	b.logf("  %s", label)
	ms, err := runLoad(ctx, srv, clients, b.cfg.Duration, func(w int) opFunc {
		i := 0
		return func(ctx context.Context) error {
			i++
			name := b.name("create-c%02d-w%02d-%07d", clients, w, i)
			_, err := srv.load.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(name), Description: aws.String("bench"),
				DefaultRunProperties: map[string]string{"env": "bench"}})
			return err
		}
	}).metrics(label)
	return label, ms, err
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
