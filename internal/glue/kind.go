package glue

import (
	"fmt"
	"strings"
)

// Kind names a type of taggable Glue resource as it appears in its ARN.
type Kind string

// The resource kinds Epoxy stores.
const (
	KindWorkflow  Kind = "workflow"
	KindTrigger   Kind = "trigger"
	KindJob       Kind = "job"
	KindCrawler   Kind = "crawler"
	KindBlueprint Kind = "blueprint"
)

// KindClassifier keys custom classifiers in the definitions store. Glue
// does not tag classifiers, so it is not among Kinds.
const KindClassifier Kind = "classifier"

// Kinds lists every taggable resource kind, in a new slice on each call.
func Kinds() []Kind { return []Kind{KindWorkflow, KindTrigger, KindJob, KindCrawler, KindBlueprint} }

// Title returns the kind capitalised for messages ("Workflow").
func (k Kind) Title() string {
	if k == "" {
		return ""
	}
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

// ARN returns the resource's ARN in the given partition-free form Glue uses:
// arn:aws:glue:<region>:<account>:<kind>/<name>.
func ARN(region, account string, kind Kind, name string) string {
	return fmt.Sprintf("arn:aws:glue:%s:%s:%s/%s", region, account, kind, name)
}

// Resource identifies one resource by kind and name.
type Resource struct {
	Kind Kind
	Name string
}

// ParseARN splits a Glue resource ARN into region, account and resource. It
// fails with InvalidInputException for anything that is not the ARN of a
// workflow, trigger, job, crawler or blueprint.
func ParseARN(arn string) (region, account string, r Resource, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "glue" {
		return "", "", r, Errorf(InvalidInput, "%q is not a Glue resource ARN", arn)
	}
	kind, name, ok := strings.Cut(parts[5], "/")
	if !ok || name == "" {
		return "", "", r, Errorf(InvalidInput, "ARN %q does not name a resource (<kind>/<name>)", arn)
	}
	for _, k := range Kinds() {
		if string(k) == kind {
			return parts[3], parts[4], Resource{Kind: k, Name: name}, nil
		}
	}
	return "", "", r, Errorf(InvalidInput, "ARN %q: resource type %q cannot be tagged (workflow, trigger, job, crawler or blueprint)", arn, kind)
}
