package api

import (
	"context"
	"encoding/json"
	"unicode/utf8"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// EventService is what Epoxy's NotifyEvent extension needs.
type EventService interface {
	NotifyEvent(ctx context.Context, workflow, eventID string) (string, error)
}

// notifyEventIn is the body of AWSGlue.NotifyEvent, an Epoxy extension that
// stands in for EventBridge delivering an event to a workflow.
type notifyEventIn struct {
	Name    string `json:"Name"`
	EventID string `json:"EventId"`
}

func (s *Server) registerEvents(svc EventService) {
	s.Handle("NotifyEvent", func(ctx context.Context, body json.RawMessage) (any, error) {
		var in notifyEventIn
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, glue.Errorf("SerializationException", "NotifyEvent takes {\"Name\": string, \"EventId\": string}: %s", err.Error())
		}
		if n := utf8.RuneCountInString(in.Name); n < 1 || n > 255 {
			return nil, glue.Errorf(glue.InvalidInput, "1 validation error detected: Value at 'Name' failed to satisfy constraint: Member must have length between 1 and 255")
		}
		if utf8.RuneCountInString(in.EventID) > 255 {
			return nil, glue.Errorf(glue.InvalidInput, "1 validation error detected: Value at 'EventId' failed to satisfy constraint: Member must have length less than or equal to 255")
		}
		if _, err := svc.NotifyEvent(ctx, in.Name, in.EventID); err != nil {
			return nil, err
		}
		return struct{}{}, nil
	})
}
