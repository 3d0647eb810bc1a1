package webui

import (
	"encoding/json"
	"net/http"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// writeError answers with status and Glue's error shape for e, as the Glue
// API does, so the UI shows every error the same way.
func writeError(w http.ResponseWriter, status int, e *glue.Error) {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}{string(e.Code), e.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", string(e.Code))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
