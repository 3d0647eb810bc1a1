// Command gen extracts the subset of the AWS Glue service model that Epoxy
// serves: the in-scope operations and every shape they reach, without
// documentation strings. The result is embedded by package model.
//
// Run it through `go generate ./internal/model` with ../shared/aws-model
// beside the repository.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
)

// operations lists every Glue operation Epoxy implements. Adding one here and
// re-running go generate is the first step of serving it.
var operations = []string{
	// Workflows and workflow runs.
	"CreateWorkflow", "UpdateWorkflow", "DeleteWorkflow", "GetWorkflow", "ListWorkflows", "BatchGetWorkflows",
	"StartWorkflowRun", "StopWorkflowRun", "ResumeWorkflowRun", "GetWorkflowRun", "GetWorkflowRuns",
	"GetWorkflowRunProperties", "PutWorkflowRunProperties",
	// Triggers.
	"CreateTrigger", "UpdateTrigger", "DeleteTrigger", "GetTrigger", "GetTriggers", "ListTriggers",
	"BatchGetTriggers", "StartTrigger", "StopTrigger",
	// Jobs and job runs.
	"CreateJob", "UpdateJob", "DeleteJob", "GetJob", "GetJobs", "ListJobs", "BatchGetJobs",
	"StartJobRun", "GetJobRun", "GetJobRuns", "BatchStopJobRun", "GetJobBookmark", "ResetJobBookmark",
	// Crawlers and crawls.
	"CreateCrawler", "UpdateCrawler", "DeleteCrawler", "GetCrawler", "GetCrawlers", "ListCrawlers",
	"BatchGetCrawlers", "StartCrawler", "StopCrawler", "GetCrawlerMetrics", "ListCrawls",
	"StartCrawlerSchedule", "StopCrawlerSchedule", "UpdateCrawlerSchedule",
	// Blueprints.
	"CreateBlueprint", "UpdateBlueprint", "DeleteBlueprint", "GetBlueprint", "ListBlueprints",
	"BatchGetBlueprints", "StartBlueprintRun", "GetBlueprintRun", "GetBlueprintRuns",
	// Tags.
	"TagResource", "UntagResource", "GetTags",
	// The Data Catalog: databases, tables and their versions, partitions,
	// partition indexes.
	"CreateDatabase", "GetDatabase", "GetDatabases", "UpdateDatabase", "DeleteDatabase",
	"CreateTable", "GetTable", "GetTables", "UpdateTable", "DeleteTable", "BatchDeleteTable", "SearchTables",
	"GetTableVersion", "GetTableVersions", "DeleteTableVersion", "BatchDeleteTableVersion",
	"CreatePartition", "BatchCreatePartition", "GetPartition", "BatchGetPartition", "GetPartitions",
	"UpdatePartition", "BatchUpdatePartition", "DeletePartition", "BatchDeletePartition",
	"CreatePartitionIndex", "GetPartitionIndexes", "DeletePartitionIndex",
	// Custom classifiers.
	"CreateClassifier", "GetClassifier", "GetClassifiers", "UpdateClassifier", "DeleteClassifier",
	// User-defined functions.
	"CreateUserDefinedFunction", "GetUserDefinedFunction", "GetUserDefinedFunctions",
	"UpdateUserDefinedFunction", "DeleteUserDefinedFunction",
}

// keep lists the shape attributes the validator and encoder use.
var keep = []string{"type", "members", "required", "member", "key", "value", "min", "max",
	"pattern", "enum", "box", "exception", "fault", "timestampFormat", "union", "document"}

func main() {
	in := flag.String("model", "../../../shared/aws-model/glue-service-2.json", "botocore service model")
	out := flag.String("out", "glue-subset.json", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type model struct {
	Metadata   map[string]any            `json:"metadata"`
	Operations map[string]map[string]any `json:"operations"`
	Shapes     map[string]map[string]any `json:"shapes"`
	// Unserved names the model's other operations, so that a call to one
	// can be told apart from a call to an operation Glue does not have.
	Unserved []string `json:"unservedOperations,omitempty"`
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var m model
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("parse %s: %w", in, err)
	}
	sub := model{Metadata: m.Metadata, Operations: map[string]map[string]any{}, Shapes: map[string]map[string]any{}}
	for _, name := range operations {
		op, ok := m.Operations[name]
		if !ok {
			return fmt.Errorf("operation %s is not in the model", name)
		}
		sub.Operations[name] = map[string]any{"input": op["input"], "output": op["output"], "errors": op["errors"]}
		for _, k := range []string{"input", "output"} {
			if ref, ok := op[k].(map[string]any); ok {
				walk(m.Shapes, sub.Shapes, ref["shape"].(string))
			}
		}
		for _, e := range op["errors"].([]any) {
			walk(m.Shapes, sub.Shapes, e.(map[string]any)["shape"].(string))
		}
	}
	for name := range m.Operations {
		if !slices.Contains(operations, name) {
			sub.Unserved = append(sub.Unserved, name)
		}
	}
	slices.Sort(sub.Unserved)
	for _, name := range []string{"InternalServiceException", "InvalidInputException"} {
		walk(m.Shapes, sub.Shapes, name)
	}
	b, err := json.MarshalIndent(sub, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// walk copies shape name and everything it references from all into sub.
func walk(all, sub map[string]map[string]any, name string) {
	if _, done := sub[name]; done {
		return
	}
	src := all[name]
	dst := map[string]any{}
	for k, v := range src {
		if slices.Contains(keep, k) {
			dst[k] = v
		}
	}
	if members, ok := src["members"].(map[string]any); ok {
		clean := map[string]any{}
		for mn, mv := range members {
			ref := mv.(map[string]any)
			clean[mn] = map[string]any{"shape": ref["shape"]}
		}
		dst["members"] = clean
	}
	sub[name] = dst
	for _, k := range []string{"member", "key", "value"} {
		if ref, ok := src[k].(map[string]any); ok {
			walk(all, sub, ref["shape"].(string))
		}
	}
	if members, ok := src["members"].(map[string]any); ok {
		for _, mv := range members {
			walk(all, sub, mv.(map[string]any)["shape"].(string))
		}
	}
}
