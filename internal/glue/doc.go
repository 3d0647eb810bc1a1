// Package glue is Epoxy's domain: the AWS Glue orchestration entities
// (workflows, triggers, jobs, crawlers and their runs), their states and legal
// transitions, the rules Glue applies to them, and the errors Glue reports.
//
// It imports only the standard library. Struct fields carry Glue's member
// names as JSON tags, so the API edge can map requests and responses onto
// these types without a second set of structs; wire formatting (epoch-second
// timestamps, error envelopes) happens at that edge, not here.
package glue
